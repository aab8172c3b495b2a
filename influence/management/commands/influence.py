"""`manage.py influence --department CODE [--years 2025 2026] [--format tsv|json]`: the municipality's table of
the monitoring of influence (influence/aggregates.py)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from influence.aggregates import GrowthRow, growth_table
from registry.models import EducationDepartment, Organisation
from registry.models.dates import EARLIEST, LATEST

_YEARS = re.compile(r"(\d{4})(?:\s*[-–—]\s*(\d{4}))?")
_EXAMPLE = "например --years 2025 2026 или --years 2024-2026"
HEADERS = (
    "Год",
    "Форма наставничества",
    "Роль",
    "Группа роста",
    "Участников с обеими анкетами",
    "Среднее изменение",
    "Доля улучшивших, %",
)


def parse_years(values: list[str]) -> list[int]:
    """«2025», «2025 2026» or «2024-2026» → the years, in order; CommandError with a Russian message otherwise."""
    years: set[int] = set()
    for text in values:
        match = _YEARS.fullmatch(text.strip())
        if not match:
            raise CommandError(f"--years: «{text}» — не год и не диапазон лет; укажите, {_EXAMPLE}.")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if first > last:
            raise CommandError(
                f"--years: начальный год {first} больше конечного {last}; укажите диапазон по порядку, "
                f"например --years {last}-{first}."
            )
        if first < EARLIEST.year or last > LATEST.year:
            raise CommandError(f"--years: годы — от {EARLIEST.year} до {LATEST.year}.")
        years.update(range(first, last + 1))
    return sorted(years)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _cells(row: GrowthRow) -> list[str]:
    return [
        str(row.year),
        row.format,
        row.role_label,
        row.group_label,
        str(row.participants),
        str(row.average_change),
        str(row.improved_share),
    ]


class Command(BaseCommand):
    help = (
        "Печатает таблицу мониторинга влияния программ наставничества муниципалитета: по году вхождения пары "
        "в программу, форме наставничества, роли и группе роста — сколько участников заполнили анкеты «до» и "
        "«после», среднее изменение балла и доля улучшивших. TSV (по умолчанию) или JSON."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--department", required=True, metavar="CODE", help="Код муниципалитета.")
        parser.add_argument(
            "--years",
            nargs="+",
            metavar="YEAR",
            help="Годы вхождения пар в программу, например 2025 2026 или 2024-2026 (по умолчанию все).",
        )
        parser.add_argument("--format", choices=["tsv", "json"], default="tsv", help="tsv (по умолчанию) или json.")

    def handle(self, *args, **options) -> None:
        code = options["department"].strip()
        department = EducationDepartment.objects.filter(code=code).first()
        if department is None:
            raise CommandError(
                f"Нет муниципалитета с кодом «{code}». Коды муниципалитетов — в разделе администрирования."
            )
        years = parse_years(options["years"]) if options["years"] else None
        organisations = list(Organisation.objects.filter(department=department).values_list("pk", flat=True))
        rows = growth_table(organisations, years)
        if options["format"] == "json":
            self.stdout.write(json.dumps(self.as_json(department, years, rows), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self.as_tsv(rows), ending="")

    @staticmethod
    def as_tsv(rows: list[GrowthRow]) -> str:
        return "\n".join("\t".join(line) for line in [list(HEADERS), *map(_cells, rows)]) + "\n"

    @staticmethod
    def as_json(department: EducationDepartment, years: list[int] | None, rows: list[GrowthRow]) -> dict:
        return {
            "department": {"code": department.code, "name": department.name},
            "years": years,
            "rows": [
                {
                    "year": row.year,
                    "format": row.format,
                    "role": row.role,
                    "group": row.group,
                    "participants": row.participants,
                    "average_change": _number(row.average_change),
                    "improved_share": _number(row.improved_share),
                }
                for row in rows
            ],
        }
