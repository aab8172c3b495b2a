"""Bring an approved roadmap (a .docx, an .xlsx, or a table pasted into a text file) into the system.

    python manage.py import_roadmap PATH (--department CODE | --organisation CODE) [--period TEXT]
                                     [--title TEXT] [--dry-run] [--json]

The same reading, warnings and saving as the import page (roadmap.services.preview_rows): every item
in its section, all in one transaction. Without --title and --period they are taken from the document's
own title, as on the page. --dry-run reads and prints without saving; --json prints each item with its
section, number, text fields, parsed schedule and problems. A .txt/.tsv file is read as a pasted table
(UTF-8).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.models import EducationDepartment, Organisation
from roadmap import services
from roadmap.deadlines import PeriodError, parse_period
from roadmap.reading import RoadmapReadError, read_roadmap

TEXT_SUFFIXES = {".txt", ".tsv", ".csv"}


class Command(BaseCommand):
    help = "Загрузить утверждённую дорожную карту из .docx, .xlsx или текстового файла с таблицей."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="Путь к файлу .docx, .xlsx или .txt/.tsv (таблица, скопированная из Word).")
        parser.add_argument(
            "--department", help="Код муниципалитета: муниципальная дорожная карта (или где искать ОО)."
        )
        parser.add_argument("--organisation", help="Код организации: дорожная карта организации.")
        # Not required=True: argparse would refuse in English; handle() says it in Russian.
        parser.add_argument(
            "--period",
            help="Период: «2022», «2020–2021 учебный год», «2022–2024 гг.» (по умолчанию — из заголовка документа).",
        )
        parser.add_argument("--title", help="Название (по умолчанию — из документа, иначе имя файла).")
        parser.add_argument("--dry-run", action="store_true", help="Только прочитать и показать, ничего не сохранять.")
        parser.add_argument("--json", action="store_true", help="Вывести пункты в JSON.")

    def handle(self, *args, **options) -> None:
        owner = self.owner(options["department"], options["organisation"])
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Файл «{path}» не найден: проверьте путь.")
        try:
            if path.suffix.lower() in TEXT_SUFFIXES:
                draft = read_roadmap(text=path.read_text(encoding="utf-8-sig"))
            else:
                draft = read_roadmap(path.read_bytes(), filename=path.name)
        except UnicodeDecodeError:
            raise CommandError(f"Файл «{path.name}» не в кодировке UTF-8: сохраните его как «Текст (UTF-8)».") from None
        except OSError as error:
            raise CommandError(f"Файл «{path}» не удалось прочитать: {error.strerror or error}.") from None
        except RoadmapReadError as error:
            raise CommandError(error.message) from None
        period_text = options["period"] or draft.period_text
        if not period_text:
            raise CommandError(
                "В заголовке документа не нашлось периода: укажите его — --period «2022», «2020–2021 учебный год» "
                "или «2022–2024 гг.»."
            )
        try:
            period = parse_period(period_text)
        except PeriodError as error:
            raise CommandError(error.message) from None

        rows = services.preview_rows(draft, period, owner)
        if options["json"]:
            self.stdout.write(json.dumps(self.as_json(rows), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"Разделов: {len(draft.sections)}, пунктов: {len(draft.items)}.")
            for block in rows:
                for row in block["items"]:
                    item = row["item"]
                    note = "".join(f"  ⚠ {problem}" for problem in row["problems"])
                    self.stdout.write(
                        f"  {item.number or '—'} {item.content[:60]} | {item.deadline} → "
                        f"{row['schedule'].describe()} | {row['responsible_kind']}{note}"
                    )
        if options["dry_run"]:
            self.stderr.write("Проверка (--dry-run): ничего не сохранено.")
            return
        title = options["title"] or draft.title or path.stem
        roadmap = services.save_draft(draft, owner=owner, title=title, period=period, user=None)
        self.stderr.write(
            self.style.SUCCESS(
                f"Дорожная карта «{roadmap.title}» сохранена (№ {roadmap.pk}), пунктов: {len(draft.items)}."
            )
        )

    @staticmethod
    def as_json(rows: list[dict]) -> list[dict]:
        items = []
        for block in rows:
            section = block["section"]
            for row in block["items"]:
                item, schedule = row["item"], row["schedule"]
                items.append(
                    {
                        "section": {"number": section.number, "title": section.title},
                        "number": item.number,
                        "content": item.content,
                        "deadline": item.deadline,
                        "result": item.result,
                        "indicator": item.indicator,
                        "responsible": item.responsible,
                        "responsible_kind": row["responsible_kind"],
                        "schedule": schedule.to_json(),
                        "schedule_text": schedule.describe(),
                        "problems": row["problems"],
                        "rows": item.rows,
                    }
                )
        return items

    def owner(self, department_code: str | None, organisation_code: str | None) -> services.Owner:
        if not department_code and not organisation_code:
            raise CommandError("Укажите, чья дорожная карта: --department КОД или --organisation КОД.")
        if organisation_code:
            found = Organisation.objects.filter(code=organisation_code).select_related("department")
            if department_code:
                found = found.filter(department__code=department_code)
            found = list(found)
            if not found:
                raise CommandError(f"Организация с кодом «{organisation_code}» не найдена.")
            if len(found) > 1:
                raise CommandError(
                    f"Код «{organisation_code}» есть в нескольких муниципалитетах: добавьте --department КОД."
                )
            return services.Owner(found[0].department, found[0])
        department = EducationDepartment.objects.filter(code=department_code).first()
        if department is None:
            raise CommandError(f"Муниципалитет с кодом «{department_code}» не найден.")
        return services.Owner(department)
