"""The indicator table as XLSX and PDF, through the exchange's exporter contract.

One row per indicator: its number and title, the value of each year (a number; «нет данных»
where it cannot be computed), then the numerators and denominators the values come from, so a
head can check each figure before signing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from common.files.tables import Column, Layout
from common.text import name_part
from monitoring.indicators import IndicatorTable

MISSING = "нет данных"


@dataclass(frozen=True)
class _Params:
    file_format: str


class IndicatorTableExporter:
    def __init__(self, table: IndicatorTable, file_format: str, *, today: date | None = None) -> None:
        self.table = table
        self.params = _Params(file_format)
        self.today = today or timezone.localdate()
        years = table.years
        columns = [Column("number", "№", 4), Column("title", "Показатель", 48), Column("unit", "Ед.", 5)]
        columns += [Column(f"value_{year}", str(year), 9) for year in years]
        columns += [Column(f"parts_{year}", f"{year}: числитель / знаменатель", 14) for year in years]
        self.form = Layout("Показатели реализации целевой модели наставничества", tuple(columns))

    @property
    def department_names(self) -> str:
        return ", ".join(d.name for d in self.table.departments)

    def count(self) -> int:
        return len(self.table.rows)

    def title_lines(self) -> list[str]:
        years = self.table.years
        return [
            self.department_names,
            f"Годы: {years[0]}–{years[-1]}" if len(years) > 1 else f"Год: {years[0]}",
            f"Сформировано {self.today:%d.%m.%Y}",
        ]

    def filename(self) -> str:
        years = self.table.years
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        name = name_part(self.department_names)
        return f"Показатели наставничества — {name} — {span} — {self.today:%d.%m.%Y}.{self.params.file_format}"

    def rows(self) -> Iterator[list]:
        for indicator, cells in self.table.rows:
            title = indicator.title + (f" (цель — не менее {indicator.target:g} %)" if indicator.target else "")
            row = [indicator.number, title, indicator.unit]
            row += [cells[year].value if cells[year].value is not None else MISSING for year in self.table.years]
            for year in self.table.years:
                cell = cells[year]
                if cell.denominator is None:
                    row.append(str(cell.numerator) if cell.numerator is not None and not indicator.is_share else "")
                else:
                    row.append(f"{cell.numerator if cell.numerator is not None else '—'} / {cell.denominator}")
            yield row
