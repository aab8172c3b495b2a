"""The analytic report (аналитическая справка) of a department for a range of years, as PDF and XLSX.

    report = build_report(department, [2021, 2022, 2023, 2024], user=request.user)
    report_pdf(report)                -> bytes (WeasyPrint, templates/monitoring/report_pdf.html)
    report_xlsx(report)               -> bytes (openpyxl: «Показатели», «По организациям»,
                                                «Дорожная карта», «Качество данных»)
    report_filename(report, "pdf")    -> «Аналитическая справка — <ОУО> — 2021–2024 — 23.11.2026.pdf»

`build_report` reads everything once; the two formats only lay out the same `Report`, so they
carry the same figures. What it holds:

1. the title block: the department (name, municipality, region, methodical centre), the years;
2. the indicator table (`monitoring.indicators.indicator_table`): value, numerator and
   denominator of each indicator and year; a share over a missing contingent is «нет данных»;
3. the breakdown by organisation for the last year of the range (`breakdown`, one call per
   indicator): every organisation of the department, those without mentoring (zeros) and without
   a contingent («нет данных») included. Indicator 1 is shown per organisation as «да/нет»
   (a share of one organisation is 0 % or 100 %, which reads as a figure it is not);
4. the state of the department's municipal roadmaps whose period overlaps the years, as of
   `today`: occurrences done / in progress / upcoming / overdue / without a date / not done, the
   roadmap's own dates and the organisations' parts of «каждая ОО» items counted apart, and the
   overdue items (for «каждая ОО»: how many organisations are late); None when there is none;
5. the data-quality counts (`registry.quality`) for the user who downloads the report, within the
   department: minors without a consent and active pairs without an order.

Scope: the caller checks that the user may read the department (as for `indicator_table`). The
roadmap occurrences and the quality counts go through the user's own querysets (`for_user`), so a
curator's report never counts another school's people or roadmap parts.

Queries: a fixed number, whatever the number of organisations, years, roadmaps and items: 52 when
the indicators are computed, 34 when they come from the cache (tests/monitoring/test_report.py pins
both). Most are the eight `breakdown` calls, each reading the organisations and the cache again; a
breakdown of every indicator at once in monitoring/indicators/table.py would save some 20.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from common.files.writers import COUNT_FORMAT, PERCENT_FORMAT, Sheet
from common.pdf import FONT_FAMILY, font_css, render_html
from common.text import name_part
from monitoring.charts import Series, bar_chart, format_number, line_chart
from monitoring.indicators import INDICATORS, Cell, Indicator, IndicatorTable, breakdown, indicator_table
from monitoring.indicators.definitions import ACTIVE_RULE, CONTINGENT_RULE
from registry.models import EducationDepartment, Organisation, User
from registry.quality import CHECKS_BY_SLUG, minors_without_consent, pairs_without_order
from roadmap.models import OPEN_STATUSES, Occurrence, Roadmap, Status

__all__ = [
    "OccurrenceCounts",
    "OverdueLine",
    "Report",
    "RoadmapState",
    "RoadmapSummary",
    "build_report",
    "report_filename",
    "report_html",
    "report_pdf",
    "report_xlsx",
]

TITLE = "Аналитическая справка о реализации целевой модели наставничества"
NO_DATA = "нет данных"
NO_ROADMAP = "Дорожная карта в системе не ведётся"
KEY_INDICATOR = "young_teachers_share"  # the bar chart by organisation: the national target
BARS_PER_CHART = 30  # a bar chart of more organisations would not fit a page: split into several
CHART_WIDTH = 660  # px (1/96 in): 175 mm, the text width of the page

# Short names of the indicators for a chart's legend and the columns of the breakdown, where the
# published titles (a line and a half each) do not fit; the title is used for any other code.
SHORT_LABELS = {
    "orgs_share": "ОО, реализующие систему наставничества",
    "programs_count": "программы наставничества",
    "students_mentees_share": "обучающиеся 10–18 лет — наставляемые",
    "students_mentors_share": "обучающиеся 10–18 лет — наставники",
    "young_specialists_mentees_share": "учителя – молодые специалисты — наставляемые",
    "teachers_mentors_share": "учителя — наставники",
    "young_specialists_iom_share": "молодые педагоги с поддержкой по ИОМ",
    "young_teachers_share": "педагоги до 35 лет, первые 3 года работы",
}

QUALITY_EXPLANATION = (
    "Перед передачей данных в регион эти замечания нужно устранить. Обработка и передача персональных "
    "данных несовершеннолетних допускается только с согласия их законных представителей: сведения об "
    "участниках без согласия передавать нельзя, а без них показатели муниципалитета окажутся занижены. "
    "Приказ о закреплении — документ, которым пара (группа) создана: пара без номера и даты приказа "
    "не подтверждается при проверке, и её участие в показателях можно оспорить."
)


# --- The report ----------------------------------------------------------------------------------


@dataclass
class OccurrenceCounts:
    """Occurrences by state, as of `today`; the states do not overlap and add up to `total`."""

    total: int = 0
    done: int = 0  # выполнено
    in_progress: int = 0  # в работе, срок не прошёл
    upcoming: int = 0  # не начато или перенесено, срок не прошёл
    overdue: int = 0  # открыто, срок прошёл
    undated: int = 0  # открыто, без срока («по необходимости»)
    not_done: int = 0  # отмечено «не выполнено»


@dataclass
class OverdueLine:
    """An overdue item: the roadmap's own date, or (`late` set) the parts of a «каждая ОО» item."""

    number: str
    content: str
    label: str  # the occurrence's label («до 15.03.2024», «2023»)
    due: date | None  # for parts: the earliest due date among the late ones
    late: int | None = None  # organisations late with their part
    parts: int | None = None  # organisations with a part

    @property
    def for_each_organisation(self) -> bool:
        return self.late is not None


@dataclass
class RoadmapSummary:
    roadmap: Roadmap
    items: int
    own: OccurrenceCounts  # the roadmap's own dates
    parts: OccurrenceCounts  # organisations' parts of «каждая ОО» items (total 0: there are none)
    overdue: list[OverdueLine] = field(default_factory=list)


@dataclass
class RoadmapState:
    today: date
    roadmaps: list[RoadmapSummary]


@dataclass
class Report:
    department: EducationDepartment
    years: list[int]
    table: IndicatorTable
    breakdown_year: int
    breakdown: list[tuple[Organisation, dict[str, Cell]]]
    roadmap: RoadmapState | None
    quality: list[tuple[str, int]]
    generated_on: date
    author: User | None

    @property
    def period(self) -> str:
        return period_text(self.years)

    @property
    def organisations(self) -> int:
        return len(self.breakdown)


def period_text(years: list[int]) -> str:
    """«2021–2024» for a run of years, «2021, 2023» otherwise, «2024» for one."""
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(year) for year in years)


def build_report(department: EducationDepartment, years: list[int], *, user, today: date | None = None) -> Report:
    """Everything the report shows, read once (a fixed number of queries)."""
    years = sorted(set(years))
    if not years:
        raise ValueError("Укажите хотя бы один год.")
    today = today or timezone.localdate()
    table = indicator_table(department, years)
    last = years[-1]
    by_organisation: dict[int, tuple[Organisation, dict[str, Cell]]] = {}
    for indicator in INDICATORS:
        for org_cell in breakdown(department, indicator.code, last):
            organisation = org_cell.organisation
            by_organisation.setdefault(organisation.pk, (organisation, {}))[1][indicator.code] = org_cell.cell
    return Report(
        department=department,
        years=years,
        table=table,
        breakdown_year=last,
        breakdown=list(by_organisation.values()),
        roadmap=_roadmap_state(department, years, user, today),
        quality=_quality(department, user, today),
        generated_on=today,
        author=user if getattr(user, "is_authenticated", False) else None,
    )


def _roadmap_state(department: EducationDepartment, years: list[int], user, today: date) -> RoadmapState | None:
    """The municipal roadmaps whose period overlaps the years: four queries, or one when there are none."""
    roadmaps = list(
        Roadmap.objects.for_user(user)
        .filter(
            department=department,
            organisation__isnull=True,
            period_start__lte=date(years[-1], 12, 31),
            period_end__gte=date(years[0], 1, 1),
        )
        .annotate(items_count=Count("items", distinct=True))
        .order_by("period_start", "title", "pk")
    )
    if not roadmaps:
        return None
    ids = [roadmap.pk for roadmap in roadmaps]
    occurrences = Occurrence.objects.for_user(user).filter(item__roadmap_id__in=ids, orphaned=False)
    is_open = Q(status__in=OPEN_STATUSES)
    states = {
        "total": Q(),
        "done": Q(status=Status.DONE),
        "not_done": Q(status=Status.NOT_DONE),
        "overdue": is_open & Q(due__lt=today),
        "undated": is_open & Q(due__isnull=True),
        "in_progress": Q(status=Status.IN_PROGRESS, due__gte=today),
        "upcoming": Q(status__in=[Status.NOT_STARTED, Status.POSTPONED], due__gte=today),
    }
    aggregates = {}
    for whose, condition in (("own", Q(organisation__isnull=True)), ("parts", Q(organisation__isnull=False))):
        for state, state_condition in states.items():
            aggregates[f"{whose}_{state}"] = Count("pk", filter=condition & state_condition)
    counted = {
        row["item__roadmap_id"]: row for row in occurrences.order_by().values("item__roadmap_id").annotate(**aggregates)
    }
    overdue: dict[int, list[tuple[tuple, OverdueLine]]] = {pk: [] for pk in ids}
    own_overdue = (
        occurrences.filter(organisation__isnull=True)
        .overdue(today)
        .select_related("item")
        .order_by("due", "item__position", "pk")
    )
    for occurrence in own_overdue:
        item = occurrence.item
        overdue[item.roadmap_id].append(
            (
                (occurrence.due, item.position, item.pk),
                OverdueLine(item.number, item.content, occurrence.label, occurrence.due),
            )
        )
    late = is_open & Q(due__lt=today)
    parts = (
        occurrences.filter(organisation__isnull=False)
        .order_by()
        .values("item__roadmap_id", "item_id", "item__position", "item__number", "item__content", "key", "label")
        .annotate(parts=Count("pk"), late=Count("pk", filter=late), due=Min("due", filter=late))
        .filter(late__gt=0)
    )
    for row in parts:
        overdue[row["item__roadmap_id"]].append(
            (
                (row["due"], row["item__position"], row["item_id"]),
                OverdueLine(
                    row["item__number"], row["item__content"], row["label"], row["due"], row["late"], row["parts"]
                ),
            )
        )
    summaries = []
    for roadmap in roadmaps:
        row = counted.get(roadmap.pk, {})
        own, each = (
            OccurrenceCounts(**{state: row.get(f"{whose}_{state}", 0) for state in states})
            for whose in ("own", "parts")
        )
        lines = [
            line for _key, line in sorted(overdue[roadmap.pk], key=lambda pair: (pair[0][0] or date.max, *pair[0][1:]))
        ]
        summaries.append(RoadmapSummary(roadmap, roadmap.items_count, own, each, lines))
    return RoadmapState(today, summaries)


def _quality(department: EducationDepartment, user, today: date) -> list[tuple[str, int]]:
    """The two counts the region asks about first, for the user's scope within the department."""
    in_department = Q(organisation__department_id=department.pk)
    return [
        (
            CHECKS_BY_SLUG["consents"].title,
            minors_without_consent(user, year=today.year).filter(in_department).order_by().count(),
        ),
        (CHECKS_BY_SLUG["orders"].title, pairs_without_order(user).filter(in_department).order_by().count()),
    ]


# --- Texts shared by both formats ------------------------------------------------------------------


def _date(day: date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else "без срока"


def short_label(indicator: Indicator) -> str:
    return SHORT_LABELS.get(indicator.code, indicator.title)


def _value(indicator: Indicator, cell: Cell) -> str:
    return format_number(cell.value, indicator.unit if indicator.is_share else "")


def _detail(indicator: Indicator, cell: Cell) -> str:
    """The second line under a value: where it comes from."""
    if indicator.code == "orgs_share":
        return f"{cell.numerator} из {cell.denominator} ОО"
    if not indicator.is_share:
        return ""
    if cell.value is None:
        return "контингент не сдан" if cell.reported == 0 else "знаменатель 0"
    return f"{format_number(cell.numerator)} / {format_number(cell.denominator)}"


def _coverage(table: IndicatorTable) -> dict[int, str] | None:
    """«контингент сдали N из M ОО» per year, when some year is incomplete (None when all are complete)."""
    contingent = [cells for indicator, cells in table.rows if indicator.needs_contingent]
    if not contingent:
        return None
    result, incomplete = {}, False
    for year in table.years:
        reported = sorted({cells[year].reported for cells in contingent})
        total = contingent[0][year].organisations
        incomplete |= reported[0] < total
        if reported[0] == total:
            result[year] = f"все {total} ОО"
        elif len(reported) == 1:
            result[year] = f"{reported[0]} из {total} ОО"
        else:
            result[year] = f"{reported[0]}–{reported[-1]} из {total} ОО"
    return result if incomplete else None


def _short_definition(text: str) -> tuple[str, bool]:
    """The definition without the rules common to indicators 3–8 (printed once); whether any were cut."""
    short = text
    for rule in (ACTIVE_RULE, CONTINGENT_RULE):
        short = short.replace(rule, "")
    return " ".join(short.split()), short != text


def _author_line(report: Report) -> str:
    user = report.author
    name = (user.full_name or user.username) if user is not None else "____________________"
    centre = report.department.methodical_centre
    return f"{name}, {centre}" if centre else name


# --- PDF ---------------------------------------------------------------------------------------------


def _line_chart(report: Report) -> str:
    shares = [(indicator, cells) for indicator, cells in report.table.rows if indicator.is_share]
    series = [
        Series(f"{indicator.number}. {short_label(indicator)}", [cells[year].value for year in report.years])
        for indicator, cells in shares
    ]
    target = next((indicator.target for indicator, _cells in shares if indicator.target is not None), None)
    return line_chart(
        [str(year) for year in report.years],
        series,
        unit="%",
        target=target,
        width=CHART_WIDTH,
        title=f"Показатели-доли по годам, {report.period}",
    )


def _bar_charts(report: Report) -> tuple[Indicator, list[str]]:
    indicator = next(i for i in INDICATORS if i.code == KEY_INDICATOR)
    names = [organisation.short_name for organisation, _cells in report.breakdown]
    values = [cells[indicator.code].value for _organisation, cells in report.breakdown]
    charts = []
    for start in range(0, max(len(names), 1), BARS_PER_CHART):
        chunk = values[start : start + BARS_PER_CHART]
        below = {
            index
            for index, value in enumerate(chunk)
            if indicator.target is not None and value is not None and value < indicator.target
        }
        charts.append(
            bar_chart(
                names[start : start + BARS_PER_CHART], chunk, unit=indicator.unit, highlight=below, width=CHART_WIDTH
            )
        )
    return indicator, charts


def _column_label(indicator: Indicator) -> str:
    """A column of the breakdown: indicator 1 reads «да/нет» per organisation."""
    if indicator.code == "orgs_share":
        return "реализует наставничество (да/нет)"
    return f"{short_label(indicator)}, {indicator.unit}"


def _pdf_context(report: Report) -> dict:
    table = report.table
    coverage = _coverage(table)
    rows = []
    for indicator, cells in table.rows:
        rows.append(
            {
                "indicator": indicator,
                "target": format_number(indicator.target, indicator.unit) if indicator.target is not None else "",
                "cells": [
                    {
                        "value": _value(indicator, cells[year]),
                        "detail": _detail(indicator, cells[year]),
                        "missing": cells[year].value is None,
                        "below": indicator.target is not None
                        and cells[year].value is not None
                        and cells[year].value < indicator.target,
                    }
                    for year in report.years
                ],
            }
        )
    definitions, common = [], False
    for indicator in INDICATORS:
        text, cut = _short_definition(indicator.definition)
        common |= cut
        definitions.append({"indicator": indicator, "text": text})
    columns = [{"indicator": indicator, "label": _column_label(indicator)} for indicator in INDICATORS]
    breakdown_rows = []
    for organisation, cells in report.breakdown:
        values = []
        for indicator in INDICATORS:
            cell = cells[indicator.code]
            if indicator.code == "orgs_share":
                values.append({"value": "да" if cell.numerator else "нет", "detail": "", "missing": False})
            elif not indicator.is_share:
                values.append({"value": format_number(cell.value), "detail": "", "missing": False})
            else:
                values.append(
                    {
                        "value": _value(indicator, cell),
                        "missing": cell.value is None,
                        "detail": ""
                        if cell.value is None
                        else f"{format_number(cell.numerator)} / {format_number(cell.denominator)}",
                    }
                )
        breakdown_rows.append({"organisation": organisation, "values": values})
    key_indicator, bar_charts = _bar_charts(report)
    department = report.department
    return {
        "report": report,
        "title": TITLE,
        "department": department,
        "place": ", ".join(part for part in (department.municipality, department.region) if part),
        "period": report.period,
        "years_word": "год" if len(report.years) == 1 else "годы",
        "date": _date(report.generated_on),
        "font_css": mark_safe(_font_css()),
        "font_family": FONT_FAMILY,
        "years": report.years,
        # a string: the template would write a float the Russian way («13,5»), which CSS does not read
        "year_width": f"{min(16.0, 58.0 / len(report.years)):.2f}",
        "rows": rows,
        "coverage": [coverage[year] for year in report.years] if coverage else None,
        "organisations": len(report.breakdown),
        "line_chart": mark_safe(_line_chart(report)),
        "definitions": definitions,
        "common_rules": [ACTIVE_RULE, CONTINGENT_RULE] if common else [],
        "columns": columns,
        "breakdown_rows": breakdown_rows,
        "key_indicator": key_indicator,
        "key_label": short_label(key_indicator),
        "key_target": format_number(key_indicator.target, key_indicator.unit) if key_indicator.target else "",
        "bar_charts": [mark_safe(chart) for chart in bar_charts],
        "roadmap": report.roadmap,
        "no_roadmap": NO_ROADMAP,
        "quality": report.quality,
        "quality_explanation": QUALITY_EXPLANATION,
        "author_line": _author_line(report),
    }


def _font_css() -> str:
    """The bundled font as «Registry Sans» for the text, and as «DejaVu Sans» for the charts' SVG
    text (charts.py asks for it), so that neither depends on the fonts installed on the server."""
    faces = font_css()
    return faces + "\n" + faces.replace(f'"{FONT_FAMILY}"', '"DejaVu Sans"')


def report_html(report: Report) -> str:
    """The HTML the PDF is rendered from (every text from the database escaped by the template)."""
    return render_to_string("monitoring/report_pdf.html", _pdf_context(report))


def report_pdf(report: Report) -> bytes:
    return render_html(report_html(report))


# --- XLSX --------------------------------------------------------------------------------------------


def _number_or_missing(sheet: Sheet, column: int, value, number_format: str) -> None:
    if value is None:
        sheet.put(column, NO_DATA, border=True)
    else:
        sheet.put(column, value, number_format=number_format, border=True)


def _title_block(sheet: Sheet, report: Report, heading: str) -> None:
    department = report.department
    sheet.line(TITLE, bold=True, size=14)
    sheet.line(heading, bold=True)
    sheet.line(department.name)
    place = ", ".join(part for part in (department.municipality, department.region) if part)
    if place:
        sheet.line(place)
    if department.methodical_centre:
        sheet.line(f"Методический центр: {department.methodical_centre}")
    sheet.line(f"Период: {report.period}; сформировано {_date(report.generated_on)}")
    sheet.row += 1


def _indicators_sheet(workbook: Workbook, report: Report) -> None:
    years = report.years
    per_year = ("Значение", "Числитель", "Знаменатель", "ОО в расчёте")
    sheet = Sheet(workbook, "Показатели", [5, 60, 7, 8] + [12, 11, 12, 10] * len(years))
    _title_block(sheet, report, "Показатели реализации целевой модели наставничества")
    sheet.put(
        1,
        f"Всего ОО в муниципалитете: {report.organisations}. «ОО в расчёте» — организации, сдавшие "
        "контингент за год (для показателей 1 и 2 — все). Доля без контингента не рассчитывается "
        f"(«{NO_DATA}»).",
        wrap=False,
    )
    sheet.row += 2
    first_header = sheet.row
    for column, text in enumerate(("№", "Показатель", "Ед. изм.", "Цель"), start=1):
        sheet.put(column, text, header=True)
    for index, year in enumerate(years):
        start = 5 + 4 * index
        sheet.merge_header(start, start + 3, str(year))
    sheet.row += 1
    for column in range(1, 5):
        sheet.put(column, None, header=True)
        sheet.sheet.merge_cells(start_row=first_header, start_column=column, end_row=sheet.row, end_column=column)
    for index in range(len(years)):
        for offset, text in enumerate(per_year):
            sheet.put(5 + 4 * index + offset, text, header=True)
    sheet.row += 1
    sheet.sheet.freeze_panes = f"C{sheet.row}"
    sheet.sheet.print_title_rows = f"{first_header}:{sheet.row - 1}"
    for indicator, cells in report.table.rows:
        sheet.put(1, indicator.number, border=True)
        sheet.put(2, indicator.title, wrap=True, border=True)
        sheet.put(3, indicator.unit, border=True)
        if indicator.target is not None:
            sheet.put(4, indicator.target, number_format=PERCENT_FORMAT, border=True)
        else:
            sheet.put(4, None, border=True)
        number_format = PERCENT_FORMAT if indicator.is_share else COUNT_FORMAT
        for index, year in enumerate(years):
            cell, start = cells[year], 5 + 4 * index
            _number_or_missing(sheet, start, cell.value, number_format)
            for offset, value in enumerate((cell.numerator, cell.denominator, cell.reported), start=1):
                sheet.put(start + offset, value, number_format=COUNT_FORMAT if value is not None else None, border=True)
        sheet.tall([(2, indicator.title)])
        sheet.row += 1
    sheet.row += 1
    sheet.line(None, "Определения показателей", bold=True)
    for indicator in INDICATORS:
        sheet.put(1, indicator.number)
        sheet.put(2, indicator.definition, wrap=True)
        sheet.tall([(2, indicator.definition)])
        sheet.row += 1
    sheet.row += 1
    sheet.line(None, f"Исполнитель: {_author_line(report)}")


def _breakdown_sheet(workbook: Workbook, report: Report) -> None:
    shares = [indicator for indicator in INDICATORS if indicator.is_share and indicator.code != "orgs_share"]
    sheet = Sheet(workbook, "По организациям", [40, 14, 12] + [11, 11, 12] * len(shares))
    _title_block(sheet, report, f"Показатели по организациям за {report.breakdown_year} год")
    sheet.line(
        f"Показатель 1 для одной организации — «да» или «нет» (в году действовала хотя бы одна пара); "
        f"«{NO_DATA}» — организация не сдала контингент за год."
    )
    sheet.row += 1
    first_header = sheet.row
    sheet.put(1, "Организация", header=True)
    sheet.put(2, "1. Реализует наставничество", header=True)
    sheet.put(3, "2. Программ, шт.", header=True)
    for index, indicator in enumerate(shares):
        start = 4 + 3 * index
        sheet.merge_header(start, start + 2, f"{indicator.number}. {short_label(indicator)}, %")
    sheet.sheet.row_dimensions[sheet.row].height = 45
    sheet.row += 1
    for column in range(1, 4):
        sheet.put(column, None, header=True)
        sheet.sheet.merge_cells(start_row=first_header, start_column=column, end_row=sheet.row, end_column=column)
    for index in range(len(shares)):
        for offset, text in enumerate(("Значение", "Числитель", "Знаменатель")):
            sheet.put(4 + 3 * index + offset, text, header=True)
    sheet.row += 1
    sheet.sheet.freeze_panes = f"B{sheet.row}"
    sheet.sheet.print_title_rows = f"{first_header}:{sheet.row - 1}"
    for organisation, cells in report.breakdown:
        sheet.put(1, organisation.short_name, wrap=True, border=True)
        sheet.put(2, "да" if cells["orgs_share"].numerator else "нет", border=True)
        sheet.put(3, cells["programs_count"].value, number_format=COUNT_FORMAT, border=True)
        for index, indicator in enumerate(shares):
            cell, start = cells[indicator.code], 4 + 3 * index
            _number_or_missing(sheet, start, cell.value, PERCENT_FORMAT)
            for offset, value in enumerate((cell.numerator, cell.denominator), start=1):
                sheet.put(start + offset, value, number_format=COUNT_FORMAT if value is not None else None, border=True)
        sheet.row += 1


_STATE_COLUMNS = (
    ("total", "Всего"),
    ("done", "Выполнено"),
    ("in_progress", "В работе"),
    ("upcoming", "Предстоит"),
    ("overdue", "Просрочено"),
    ("undated", "Без срока"),
    ("not_done", "Не выполнено"),
)


def _roadmap_sheet(workbook: Workbook, report: Report) -> None:
    sheet = Sheet(workbook, "Дорожная карта", [12, 60, 14, 14, 14, 12, 12, 12])
    _title_block(sheet, report, f"Исполнение дорожной карты на {_date(report.generated_on)}")
    if report.roadmap is None:
        sheet.line(NO_ROADMAP, bold=True)
        return
    for summary in report.roadmap.roadmaps:
        roadmap = summary.roadmap
        sheet.put(1, roadmap.title, bold=True)
        sheet.row += 1
        sheet.line("Период:", roadmap.period_text)
        sheet.line("Пунктов:", summary.items)
        sheet.row += 1
        sheet.put(1, "Сроки исполнения", header=True)
        sheet.put(2, "", header=True)
        for column, (_state, label) in enumerate(_STATE_COLUMNS, start=2):
            sheet.put(column, label, header=True)
        sheet.row += 1
        for label, counts in (
            ("Сроки дорожной карты", summary.own),
            ("Части организаций (пункты «каждая ОО»)", summary.parts),
        ):
            sheet.put(1, label, border=True, wrap=True)
            for column, (state, _label) in enumerate(_STATE_COLUMNS, start=2):
                sheet.put(column, getattr(counts, state), border=True)
            sheet.row += 1
        sheet.row += 1
        if summary.overdue:
            sheet.line("Просроченные пункты", bold=True)
            for column, text in enumerate(("№ пункта", "Мероприятие", "Срок", "Не выполнили, ОО", "Всего ОО"), start=1):
                sheet.put(column, text, header=True)
            sheet.row += 1
            for line in summary.overdue:
                sheet.put(1, line.number, border=True)
                sheet.put(2, line.content, wrap=True, border=True)
                sheet.put(3, line.due, number_format="DD.MM.YYYY", border=True)
                sheet.put(4, line.late, border=True)
                sheet.put(5, line.parts, border=True)
                sheet.tall([(2, line.content)])
                sheet.row += 1
        else:
            sheet.line("Просроченных пунктов нет.")
        sheet.row += 1


def _quality_sheet(workbook: Workbook, report: Report) -> None:
    sheet = Sheet(workbook, "Качество данных", [60, 14])
    _title_block(sheet, report, f"Качество данных на {_date(report.generated_on)}")
    sheet.put(1, QUALITY_EXPLANATION, wrap=True)
    sheet.tall([(1, QUALITY_EXPLANATION)])
    sheet.row += 2
    sheet.put(1, "Замечание", header=True)
    sheet.put(2, "Количество", header=True)
    sheet.row += 1
    for title, count in report.quality:
        sheet.put(1, title, border=True, wrap=True)
        sheet.put(2, count, border=True)
        sheet.row += 1


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _indicators_sheet(workbook, report)
    _breakdown_sheet(workbook, report)
    _roadmap_sheet(workbook, report)
    _quality_sheet(workbook, report)
    workbook.properties.title = ILLEGAL_CHARACTERS_RE.sub("", f"{TITLE} — {report.department.name}")[:250]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- File name ---------------------------------------------------------------------------------------

FILENAME_MAX_BYTES = 240  # file systems take 255 bytes of UTF-8 (a Cyrillic letter is 2)


def report_filename(report: Report, fmt: str) -> str:
    """«Аналитическая справка — <ОУО> — 2021–2024 — 23.11.2026.pdf»: no / \\ : * ? " < > | in it."""
    if fmt not in ("pdf", "xlsx"):
        raise ValueError(f"Unknown format {fmt!r}")
    name = name_part(report.department.name, limit=FILENAME_MAX_BYTES)
    period = name_part(report.period)

    def whole(name: str) -> str:
        return f"Аналитическая справка — {name} — {period} — {_date(report.generated_on)}.{fmt}"

    full, cut = name, len(name)
    while cut > 1 and len(whole(name).encode()) > FILENAME_MAX_BYTES:
        cut -= 1
        name = full[:cut].rstrip() + "…"
    return whole(name)
