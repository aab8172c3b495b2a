"""Load a school's «База наставников» or «База наставляемых» from a spreadsheet (.xlsx, .xls, .ods, .csv).

    python manage.py import_base mentees путь/к/базе.xlsx --organisation a1 [--department kedr] [--dry-run] [--json]

The same reading, checks, notes and messages as the upload page; --json prints the page's report.

The file is checked whole first; it is saved (in one transaction) only when no row is wrong, and
the command then exits 0. With any problem it prints them all, saves nothing and exits non-zero.
--dry-run checks and prints without saving. -v 2 also prints what happens to every row.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.importer import run_import
from exchange.official import FORMS, Kind
from exchange.uploads import report_json
from registry.models import Organisation

BASES = ", ".join(f"{kind.value} — «{FORMS[kind].title}»" for kind in Kind)


class Command(BaseCommand):
    help = (
        "Загрузить «Базу наставников» (mentors) или «Базу наставляемых» (mentees) из таблицы "
        "(.xlsx, .xls, .ods, .csv) в реестр организации."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("base", help=f"Какая база в файле: {BASES}.")
        parser.add_argument("path", help="Путь к файлу: .xlsx, .xls, .ods или .csv.")
        parser.add_argument("--organisation", required=True, help="Код организации (как в реестре), например a1.")
        parser.add_argument(
            "--department", help="Код органа управления образованием, если код организации есть в нескольких."
        )
        parser.add_argument("--dry-run", action="store_true", help="Только проверить файл, ничего не сохранять.")
        parser.add_argument("--json", action="store_true", help="Вывести отчёт в JSON (как его показывает страница).")

    def handle(self, *args, **options) -> None:
        try:
            kind = Kind(options["base"])
        except ValueError:
            raise CommandError(f"Неизвестная база «{options['base']}»: укажите {BASES}.") from None
        organisation = self.organisation(options["organisation"], options["department"])
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Файл «{path}» не найден: проверьте путь.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Файл «{path}» не удалось прочитать: {error.strerror or error}.") from None

        verbosity = options["verbosity"]
        progress = self.progress if verbosity >= 2 else None
        report = run_import(data, path.name, kind, organisation, None, commit=not options["dry_run"], progress=progress)
        if options["json"]:
            self.stdout.write(json.dumps(report_json(report), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report.as_text(lines=verbosity >= 2))
        if not report.ok:
            raise CommandError("Файл не загружен: в нём есть ошибки (см. выше). В реестре ничего не изменилось.")
        if options["json"]:
            return
        if options["dry_run"]:
            self.stdout.write("Проверка (--dry-run): ошибок нет; в реестр ничего не записано.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Загружено в реестр {organisation.short_name}."))

    def organisation(self, code: str, department: str | None) -> Organisation:
        found = Organisation.objects.filter(code=code).select_related("department")
        if department:
            found = found.filter(department__code=department)
        found = list(found)
        if not found:
            where = f" в органе управления образованием «{department}»" if department else ""
            raise CommandError(f"Организация с кодом «{code}»{where} не найдена.")
        if len(found) > 1:
            codes = ", ".join(sorted(o.department.code for o in found))
            raise CommandError(
                f"Код «{code}» есть у организаций нескольких муниципалитетов ({codes}): "
                "укажите, какого, — --department КОД."
            )
        return found[0]

    def progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\rВыполнено: {done * 100 // max(total, 1)} %", ending="\n" if done >= total else "")
