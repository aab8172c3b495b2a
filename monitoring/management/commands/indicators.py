"""`manage.py indicators --department CODE | --region CODE [--years 2021-2024] [--format tsv|json]`: the
indicator table of a municipality, of several, or of every municipality of a region (consolidated)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from monitoring.indicators import default_years, indicator_table
from monitoring.models import FIRST_YEAR, LAST_YEAR
from registry.models import EducationDepartment, Region

_YEARS = re.compile(r"(\d{4})(?:\s*[-–—]\s*(\d{4}))?")
_EXAMPLE = "например --years 2024 или --years 2021-2024"


def parse_years(text: str) -> list[int]:
    """«2024» or «2021-2024» → the years; CommandError with a Russian message otherwise."""
    match = _YEARS.fullmatch(text.strip())
    if not match:
        raise CommandError(f"--years: «{text}» — не год и не диапазон лет; укажите, {_EXAMPLE}.")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first > last:
        raise CommandError(
            f"--years: начальный год {first} больше конечного {last}; укажите диапазон по порядку, "
            f"например --years {last}-{first}."
        )
    if first < FIRST_YEAR or last > LAST_YEAR:
        raise CommandError(f"--years: годы — от {FIRST_YEAR} до {LAST_YEAR}.")
    return list(range(first, last + 1))


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)


class Command(BaseCommand):
    help = (
        "Печатает таблицу показателей мониторинга наставничества муниципалитета по годам: TSV (строка "
        "заголовка «Показатель» и годы, в ячейках — значения) или JSON (значения с числителем, знаменателем "
        "и числом организаций, сдавших контингент). Несколько --department или --region — сводка по региону."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--department",
            action="append",
            default=[],
            metavar="CODE",
            help="Код муниципалитета; можно повторить для нескольких.",
        )
        parser.add_argument("--region", metavar="CODE", help="Код региона: сводная таблица всех его муниципалитетов.")
        parser.add_argument("--years", help="Год или диапазон лет, например 2021-2024 (по умолчанию годы данных).")
        parser.add_argument("--format", choices=["tsv", "json"], default="tsv", help="tsv (по умолчанию) или json.")

    def handle(self, *args, **options) -> None:
        if bool(options["department"]) == bool(options["region"]):
            raise CommandError("Укажите --department или --region (одно из двух), например --region amur.")
        chosen = self.region_departments(options["region"]) if options["region"] else self.departments(options)
        years = parse_years(options["years"]) if options["years"] else default_years(chosen)
        table = indicator_table(chosen, years)
        if options["format"] == "json":
            self.stdout.write(json.dumps(self.as_json(table), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self.as_tsv(table), ending="")

    @staticmethod
    def region_departments(code: str) -> list[EducationDepartment]:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"Нет региона с кодом «{code}». Коды регионов — в разделе администрирования.")
        departments = list(region.departments.order_by("municipality", "name"))
        if not departments:
            raise CommandError(f"В регион «{region.name}» не включён ни один муниципалитет.")
        return departments

    @staticmethod
    def departments(options) -> list[EducationDepartment]:
        codes = []
        for value in options["department"]:
            codes += [code.strip() for code in value.split(",") if code.strip()]
        departments = {department.code: department for department in EducationDepartment.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in departments]
        if unknown:
            raise CommandError(
                "Нет муниципалитета с кодом "
                + ", ".join(f"«{code}»" for code in unknown)
                + ". Коды муниципалитетов — в разделе администрирования."
            )
        return [departments[code] for code in dict.fromkeys(codes)]

    @staticmethod
    def as_tsv(table) -> str:
        lines = ["\t".join(["Показатель", *map(str, table.years)])]
        for indicator, cells in table.rows:
            values = ["" if cells[year].value is None else str(cells[year].value) for year in table.years]
            lines.append("\t".join([f"{indicator.number}. {indicator.title}", *values]))
        return "\n".join(lines) + "\n"

    @staticmethod
    def as_json(table) -> dict:
        return {
            "departments": [{"code": d.code, "name": d.name} for d in table.departments],
            "years": table.years,
            "indicators": [
                {
                    "code": indicator.code,
                    "number": indicator.number,
                    "title": indicator.title,
                    "unit": indicator.unit,
                    "target": _number(indicator.target),
                    "values": {
                        str(year): {
                            "value": _number(cell.value),
                            "numerator": cell.numerator,
                            "denominator": cell.denominator,
                            "reported": cell.reported,
                            "organisations": cell.organisations,
                            "numerator_all": cell.numerator_all,
                        }
                        for year, cell in cells.items()
                    },
                }
                for indicator, cells in table.rows
            ],
        }
