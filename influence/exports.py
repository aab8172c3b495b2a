"""«Мониторинг влияния» as a file (the export contract, jobs/exports.py): the page's tables — who has which
questionnaires, the growth by year, form, role and group, the quality of the process, the mentees' outcomes by
school year — in PDF with the chart, and in XLSX with native numbers (a change a number with two decimals, a
share in a % format). `write_outcomes` lays out the outcomes' table for the analytic report's sheet too."""

from __future__ import annotations

import io
from datetime import date
from functools import cached_property
from typing import Any, BinaryIO

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from openpyxl import Workbook

from common.files.tables import Percent
from common.files.writers import Progress, Sheet, xlsx_text
from common.pdf import FONT_FAMILY, font_css, render_html
from common.text import name_part
from influence.aggregates import OutcomeRow
from influence.overview import (
    CHART_TITLE,
    NO_OUTCOMES,
    NOTHING_YET,
    OUTCOMES_NOTE,
    ROLE_PLURAL,
    Overview,
    choose,
    overview,
)
from jobs.exports import Exporter, ExportParams, register

TITLE = "Мониторинг влияния программ наставничества"
CHANGE_FORMAT = '+0.00;"−"0.00;0.00'  # a signed change with two decimals
OUTCOMES_TITLE = "Результаты наставляемых"
OUTCOME_HEADERS = (
    "Учебный год",
    "Форма наставничества",
    "Наставляемых",
    "ВПР: писали",
    "ВПР: сдали",
    "ОГЭ: сдавали",
    "ОГЭ: сдали",
    "ЕГЭ: сдавали",
    "ЕГЭ: сдали",
    "С баллом до и после",
    "Средний балл до",
    "Средний балл после",
    "Изменение среднего балла",
    "Олимпиад",
    "Призёров и победителей",
)
OUTCOME_WIDTHS = [11, 28, 13, 10, 10, 10, 10, 10, 10, 12, 11, 11, 13, 10, 13]


def write_outcomes(sheet: Sheet, rows: list[OutcomeRow]) -> None:
    """The outcomes' table from the sheet's current row: counts as numbers, the share who passed an exam in
    a % format (empty when nobody took it), the marks with two decimals (empty without both marks)."""
    header = sheet.row
    sheet.line(*OUTCOME_HEADERS, header=True)
    for row in rows:
        values = [row.school_year_label, row.format, row.mentees]
        for passed, taken in (
            (row.vpr_share, row.vpr_taken),
            (row.oge_share, row.oge_taken),
            (row.ege_share, row.ege_taken),
        ):
            values += [taken, Percent(passed) if passed is not None else None]
        for column, value in enumerate(values, start=1):
            sheet.put(column, value, border=True)
        sheet.put(10, row.with_marks, border=True)
        sheet.put(11, row.mark_before, number_format="0.00", border=True)
        sheet.put(12, row.mark_after, number_format="0.00", border=True)
        sheet.put(13, row.mark_change, number_format=CHANGE_FORMAT, border=True)
        sheet.put(14, row.olympiads, border=True)
        sheet.put(15, row.prizewinners, border=True)
        sheet.row += 1
    sheet.table(header, len(OUTCOME_HEADERS))


class ResultsParams(ExportParams):
    """The page's choice from its link (checked again by `choose`: a school outside the reach is 404)."""

    CHOICE = ("organisation", "first", "last", "mentoring_format")

    def params(self) -> dict[str, Any]:
        chosen = {name: str(self.data[name]) for name in self.CHOICE if self.data.get(name)}
        return {**super().params(), **chosen}


@register
class InfluenceResultsExporter(Exporter):
    identifier = "influence-results"
    verbose_name = "Мониторинг влияния"
    formats = ("pdf", "xlsx")
    Params = ResultsParams

    def __init__(self, user, params: dict[str, Any], *, today: date | None = None) -> None:
        super().__init__(user, params, today=today)
        self.choice = choose(user, params)  # the user's reach: 404 for a school outside it

    @cached_property
    def figures(self) -> Overview:
        return overview(self.choice)

    def count(self) -> int:
        return len(self.figures.lines) + len(self.figures.quality) + len(self.figures.outcomes)

    def filename(self, file_format: str) -> str:
        choice = self.choice
        parts = ["Мониторинг влияния", name_part(choice.scope_name), choice.years_text]
        if choice.format:
            parts.append(name_part(choice.format))
        return " — ".join([*parts, f"{self.today:%d.%m.%Y}"]) + f".{file_format}"

    def lines(self) -> list[str]:
        choice = self.choice
        lines = [choice.scope_name, f"Годы вступления пар в программу: {choice.years_text}"]
        if choice.format:
            lines.append(f"Форма наставничества: {choice.format}")
        return [*lines, f"Сформировано {self.today:%d.%m.%Y}"]

    def render(self, file_format: str, out: BinaryIO, progress: Progress | None = None) -> int:
        if file_format == "pdf":
            out.write(render_html(self.html()))
        else:
            out.write(self.xlsx())
        return self.count()

    # --- PDF ---------------------------------------------------------------------------------------

    def html(self) -> str:
        faces = font_css()  # the text's font, and the same as «DejaVu Sans» for the chart's SVG text
        return render_to_string(
            "influence/results/results_pdf.html",
            {
                "title": TITLE,
                "lines": self.lines(),
                "figures": self.figures,
                "charts": [mark_safe(chart) for chart in self.figures.charts],  # common/charts.py escapes its texts
                "font_css": mark_safe(faces + "\n" + faces.replace(f'"{FONT_FAMILY}"', '"DejaVu Sans"')),
                "font_family": FONT_FAMILY,
                "nothing_yet": NOTHING_YET,
                "no_outcomes": NO_OUTCOMES,
                "outcomes_note": OUTCOMES_NOTE,
            },
        )

    # --- XLSX --------------------------------------------------------------------------------------

    def xlsx(self) -> bytes:
        figures = self.figures
        workbook = Workbook()
        workbook.remove(workbook.active)
        sheet = Sheet(workbook, "Рост участников", [8, 30, 16, 32, 16, 16, 12])
        sheet.line(TITLE, bold=True, size=14)
        for line in self.lines():
            sheet.line(line)
        sheet.row += 1
        sheet.line("Анкеты участников", bold=True)
        header = sheet.row
        sheet.line("Роль", "Участий", "С анкетой «до»", "С анкетой «после»", "С обеими", header=True)
        for row in figures.coverage:
            sheet.line(ROLE_PLURAL[row.role], row.total, row.before, row.after, row.both, border=True)
        sheet.row += 1
        sheet.line("Рост участников", bold=True)
        if not figures.lines:
            sheet.line(NOTHING_YET)
        else:
            header = sheet.row
            sheet.line(
                "Год",
                "Форма наставничества",
                "Роль",
                "Группа роста",
                "Участников с обеими анкетами",
                "Среднее изменение, баллов",
                "Улучшили",
                header=True,
            )
            for line in figures.lines:
                sheet.line(line.year, line.format, line.role_label, line.group_label, line.participants, border=True)
                sheet.row -= 1
                sheet.put(6, line.average_change, number_format=CHANGE_FORMAT, border=True)
                sheet.put(7, Percent(line.improved_share), border=True)
                sheet.row += 1
            sheet.table(header, 7)
            sheet.row += 1
            sheet.line(CHART_TITLE + " (все годы и формы отбора вместе)", bold=True)
            sheet.line(None, None, "Роль", "Группа роста", "Участников", "Среднее изменение, баллов", header=True)
            for bar in figures.bars:
                sheet.line(None, None, ROLE_PLURAL[bar.role], bar.group_label, bar.participants, border=True)
                sheet.row -= 1
                sheet.put(6, bar.average_change, number_format=CHANGE_FORMAT, border=True)
                sheet.row += 1
        self._quality_sheet(workbook)
        self._outcomes_sheet(workbook)
        workbook.properties.title = xlsx_text(f"{TITLE} — {self.choice.scope_name}")[:250]
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def _quality_sheet(self, workbook: Workbook) -> None:
        sheet = Sheet(workbook, "Качество процесса", [30, 36, 60, 10, 12])
        sheet.line("Качество процесса наставничества", bold=True, size=14)
        for line in self.lines():
            sheet.line(line)
        sheet.row += 1
        if not self.figures.quality:
            sheet.line("Анкет о качестве процесса пока нет.")
            return
        header = sheet.row
        sheet.line("Организация", "Анкета", "Вопрос", "Ответов", "Средняя оценка (1–10)", header=True)
        for row in self.figures.quality:
            sheet.put(1, row.organisation, border=True, wrap=True)
            sheet.put(2, row.questionnaire, border=True, wrap=True)
            sheet.put(3, f"{row.order}. {row.question}", border=True, wrap=True)
            sheet.put(4, row.answers, border=True)
            sheet.put(5, row.average, number_format="0.00", border=True)
            sheet.row += 1
        sheet.table(header, 5)

    def _outcomes_sheet(self, workbook: Workbook) -> None:
        sheet = Sheet(workbook, OUTCOMES_TITLE, OUTCOME_WIDTHS)
        sheet.line(OUTCOMES_TITLE, bold=True, size=14)
        for line in self.lines():
            sheet.line(line)
        sheet.row += 1
        if not self.figures.outcomes:
            sheet.line(NO_OUTCOMES)
            return
        sheet.put(1, OUTCOMES_NOTE, wrap=True, span=len(OUTCOME_WIDTHS))
        sheet.sheet.merge_cells(start_row=sheet.row, start_column=1, end_row=sheet.row, end_column=len(OUTCOME_WIDTHS))
        sheet.row += 2
        write_outcomes(sheet, self.figures.outcomes)
