"""python manage.py export_base {mentors|mentees} --department CODE [--organisation CODE] [--archive|--all]
--format {xlsx|pdf} --output PATH — the same exporters as the web page, for a script or a cron job."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.files.writers import ExportTooLarge, write
from exchange.exports import BaseChoice, FileFormat, Period, base_for
from exchange.official import Kind
from registry.models import EducationDepartment, Organisation


class Command(BaseCommand):
    help = "Выгружает «Базу наставников» или «Базу наставляемых» муниципалитета или организации в XLSX или PDF."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "base", choices=[k.value for k in Kind], help="mentors — база наставников, mentees — наставляемых"
        )
        parser.add_argument("--department", required=True, metavar="CODE", help="Код муниципалитета.")
        parser.add_argument(
            "--organisation", metavar="CODE", help="Код организации (по умолчанию — весь муниципалитет)."
        )
        period = parser.add_mutually_exclusive_group()
        period.add_argument("--archive", action="store_true", help="Только завершившие программу.")
        period.add_argument("--all", action="store_true", help="Все, включая архив.")
        parser.add_argument("--format", dest="file_format", choices=[f.value for f in FileFormat], default="xlsx")
        parser.add_argument("--output", required=True, metavar="PATH", help="Куда записать файл.")

    def handle(self, *args, **options) -> None:
        department = EducationDepartment.objects.filter(code=options["department"]).first()
        if department is None:
            raise CommandError(f"Нет муниципалитета с кодом «{options['department']}».")
        organisations: tuple[int, ...] = ()
        if options["organisation"]:
            organisation = Organisation.objects.filter(department=department, code=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    f"В муниципалитете «{department.code}» нет организации с кодом «{options['organisation']}»."
                )
            organisations = (organisation.pk,)
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"Нет папки «{output.parent}»: создайте её или укажите другой путь.")
        params = BaseChoice(
            base=Kind(options["base"]),
            file_format=FileFormat(options["file_format"]),
            period=Period.ARCHIVE if options["archive"] else Period.ALL if options["all"] else Period.CURRENT,
            organisations=organisations,
        )
        exporter = base_for(None, params, department=department)
        started = time.monotonic()
        partial = output.with_name(output.name + ".part")
        try:
            with partial.open("wb") as out:
                rows = write(exporter, exporter.params.file_format, out)
            partial.replace(output)  # a failed run leaves no half-written file under the name
        except ExportTooLarge as error:
            raise CommandError(str(error)) from None
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"{exporter.form.title}: строк {rows}, файл {output} ({output.stat().st_size // 1024} КБ) "
                f"за {time.monotonic() - started:.1f} с."
            )
        )
