"""The monitoring's downloads, through the export contract (jobs/exports.py): the indicator table
(XLSX, PDF), the analytic report (PDF, XLSX) and the contingent template (XLSX).

The indicator table: one row per indicator, its number and title, the value of each year (a number,
a share in a % format; «нет данных» where it cannot be computed), then the numerator and the
denominator each value comes from, each in a cell of its own, so a head can check each figure before
signing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, BinaryIO

from common.files.tables import Column, Layout, Percent
from common.files.writers import Progress
from common.pdf import render_html
from common.text import name_part
from jobs.exports import Exporter, ExportParams, TableExporter, register
from monitoring.access import contingent_department, table_choice, year_of
from monitoring.contingent import template_filename, write_template
from monitoring.indicators import indicator_table
from monitoring.report import build_report, report_filename, report_html, report_xlsx

MISSING = "нет данных"


class TableChoiceParams(ExportParams):
    """The department and years of the indicator pages' link (checked again by `table_choice`)."""

    CHOICE = ("department", "first", "last")

    def params(self) -> dict[str, Any]:
        chosen = {name: str(self.data[name]) for name in self.CHOICE if self.data.get(name)}
        return {**super().params(), **chosen}


class YearParams(ExportParams):
    def params(self) -> dict[str, Any]:
        return {**super().params(), "year": year_of(self.data)}


@register
class IndicatorTableExporter(TableExporter):
    identifier = "indicators"
    verbose_name = "Показатели наставничества"
    Params = TableChoiceParams

    def __init__(self, user, params: dict[str, Any], *, today: date | None = None) -> None:
        super().__init__(user, params, today=today)
        # The department read as a whole (403 for a curator); the table itself when it is written.
        _, self.department, self.years = table_choice(user, params)

    @cached_property
    def table(self):
        return indicator_table([self.department], self.years)

    @cached_property
    def form(self) -> Layout:  # type: ignore[override]
        years = self.years
        columns = [Column("number", "№", 4), Column("title", "Показатель", 48), Column("unit", "Ед.", 5)]
        columns += [Column(f"value_{year}", str(year), 9) for year in years]
        for year in years:
            columns += [Column(f"numerator_{year}", f"{year}: числитель", 10)]
            columns += [Column(f"denominator_{year}", f"{year}: знаменатель", 11)]
        columns += [Column("check", "Проверка", 40)]
        return Layout("Показатели реализации целевой модели наставничества", tuple(columns))

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

    def filename(self, file_format: str) -> str:
        years = self.table.years
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        name = name_part(self.department_names)
        return f"Показатели наставничества — {name} — {span} — {self.today:%d.%m.%Y}.{file_format}"

    def rows(self) -> Iterator[list]:
        for indicator, cells in self.table.rows:
            title = indicator.title + (f" (цель — не менее {indicator.target:g} %)" if indicator.target else "")
            row: list = [indicator.number, title, indicator.unit]
            row += [self._value(indicator.is_share, cells[year].value) for year in self.table.years]
            for year in self.table.years:
                row += [cells[year].numerator, cells[year].denominator]
            row.append(
                "; ".join(
                    f"{year}: больше 100 %, {cells[year].warning}"
                    for year in self.table.years
                    if cells[year].impossible
                )
            )
            yield row

    @staticmethod
    def _value(is_share: bool, value: Decimal | None) -> Percent | int | Decimal | str:
        if value is None:
            return MISSING
        if is_share:
            return Percent(value)
        return int(value) if value == value.to_integral_value() else value


@register
class AnalyticReportExporter(Exporter):
    """«Аналитическая справка»: the indicators with their charts, the breakdown, the roadmap's state and
    the data's quality, as the head signs it (monitoring/report/)."""

    identifier = "report"
    verbose_name = "Аналитическая справка"
    formats = ("pdf", "xlsx")
    Params = TableChoiceParams

    def __init__(self, user, params: dict[str, Any], *, today: date | None = None) -> None:
        super().__init__(user, params, today=today)
        _, self.department, self.years = table_choice(user, params)

    @cached_property
    def report(self):
        return build_report(self.department, self.years, user=self.user, today=self.today)

    def count(self) -> int:
        return len(self.report.table.rows)

    def filename(self, file_format: str) -> str:
        return report_filename(self.report, file_format)

    # The job's progress in steps: the figures gathered, the document laid out, the file written.
    STEPS = 3

    def render(self, file_format: str, out: BinaryIO, progress: Progress | None = None) -> int:
        def step(done: int) -> None:
            if progress:
                progress(done, self.STEPS)

        report = self.report
        step(1)
        if file_format == "pdf":
            html = report_html(report)
            step(2)
            out.write(render_html(html))
        else:
            step(2)
            out.write(report_xlsx(report))
        step(3)
        return self.count()


@register
class ContingentTemplateExporter(Exporter):
    """The contingent template: the department's organisations listed, the numbers to fill in."""

    identifier = "contingent-template"
    verbose_name = "Шаблон контингента"
    formats = ("xlsx",)
    Params = YearParams

    def __init__(self, user, params: dict[str, Any], *, today: date | None = None) -> None:
        super().__init__(user, params, today=today)
        self.department = contingent_department(user)
        self.year = int(params["year"])

    def count(self) -> int:
        return self.department.organisations.count()

    def filename(self, file_format: str) -> str:
        return template_filename(self.department, self.year)

    def render(self, file_format: str, out: BinaryIO, progress: Progress | None = None) -> int:
        return write_template(self.department, self.year, out)
