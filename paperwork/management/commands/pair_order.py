"""`python manage.py pair_order --organisation CODE [--pairs ID,…] --output FILE.docx|FILE.pdf`: the order
fixing an organisation's pairs (by default its active pairs without an order), for administrators and
scripts — the same document the curator downloads."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from paperwork import documents
from paperwork.models import DocumentKind
from registry.models import MentoringPair, Organisation


class Command(BaseCommand):
    help = "Приказ о закреплении наставнических пар (групп) организации в DOCX или PDF."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organisation", required=True, help="код организации")
        parser.add_argument("--pairs", default="", help="номера пар через запятую (по умолчанию — без приказа)")
        parser.add_argument("--output", required=True, help="файл .docx или .pdf")

    def handle(self, *args, organisation: str, pairs: str, output: str, **options) -> None:
        path = Path(output)
        file_format = path.suffix.lower().lstrip(".")
        if file_format not in ("docx", "pdf"):
            raise CommandError(f"Файл «{output}»: укажите имя с расширением .docx или .pdf.")
        found = list(Organisation.objects.select_related("department").filter(code=organisation))
        if not found:
            raise CommandError(f"Организации с кодом «{organisation}» нет.")
        if len(found) > 1:
            names = ", ".join(f"{o.short_name} ({o.department})" for o in found)
            raise CommandError(f"Код «{organisation}» есть в нескольких муниципалитетах: {names}.")
        school = found[0]
        chosen = self._pairs(school, pairs)
        if not chosen:
            raise CommandError(f"У организации «{school.short_name}» нет действующих пар без приказа.")
        today = timezone.localdate()
        docx = documents.render_docx(
            DocumentKind.ORDER, documents.order_context(school, chosen, today=today), department_id=school.department_id
        ).docx
        data = documents.pdf_from_docx(docx, DocumentKind.ORDER.label) if file_format == "pdf" else docx
        path.write_bytes(data)
        self.stdout.write(f"Приказ о {len(chosen)} пар(ах) записан в {path}.")

    def _pairs(self, school: Organisation, raw: str) -> list[MentoringPair]:
        pairs = MentoringPair.objects.all()
        if not raw.strip():
            mine = pairs.filter(organisation=school).active().filter(Q(order_number="") | Q(order_date__isnull=True))
            return documents.order_pairs(mine)
        try:
            ids = sorted({int(part) for part in raw.split(",") if part.strip()})
        except ValueError:
            raise CommandError(f"Пары указаны неверно: «{raw}». Нужны номера пар через запятую.") from None
        found = documents.order_pairs(pairs.filter(pk__in=ids))
        missing = set(ids) - {pair.pk for pair in found}
        if missing:
            raise CommandError(f"Пары № {', '.join(map(str, sorted(missing)))} не найдены.")
        foreign = [pair.pk for pair in found if pair.organisation_id != school.pk]
        if foreign:
            raise CommandError(f"Пара № {', '.join(map(str, foreign))} — другой организации, не «{school.short_name}».")
        return found
