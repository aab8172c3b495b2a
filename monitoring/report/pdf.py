"""The analytic report as PDF: WeasyPrint over templates/monitoring/report_pdf.html, the charts drawn as SVG."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from common.pdf import FONT_FAMILY, font_css, render_html
from monitoring.charts import Series, bar_chart, format_number, line_chart
from monitoring.indicators import INDICATORS, Indicator
from monitoring.indicators.definitions import ACTIVE_RULE, CONTINGENT_RULE
from monitoring.report.build import (
    BARS_PER_CHART,
    CHART_WIDTH,
    KEY_INDICATOR,
    NO_ROADMAP,
    QUALITY_EXPLANATION,
    TITLE,
    Report,
    _author_line,
    _coverage,
    _date,
    _detail,
    _short_definition,
    _value,
    short_label,
)
from monitoring.report.influence import (
    GROWTH_NOTE,
    NO_OUTCOMES,
    NO_QUALITY,
    OUTCOMES_NOTE,
    OUTCOMES_TITLE,
    QUALITY_TITLE,
    SECTION_TITLE,
    signed,
)
from monitoring.report.mentors_year import (
    EVENTS_TITLE,
    NO_EVENTS,
    PRACTICES_NOTE,
    PRACTICES_TITLE,
    TRAINING_NOTE,
    TRAINING_TITLE,
)
from monitoring.report.mentors_year import SECTION_TITLE as MENTORS_YEAR_TITLE

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


def _influence_context(report: Report) -> dict:
    """The section «Мониторинг влияния»: the lead, the growth table, its chart, the quality per school, the
    mentees' outcomes."""
    section = report.influence
    growth = [
        {
            "year": row.year,
            "format": row.format,
            "role": row.role_label,
            "group": row.group_label,
            "participants": row.participants,
            "change": signed(row.average_change),
            "improved": format_number(row.improved_share, "%"),
        }
        for row in section.growth
    ]
    charts = [
        bar_chart(
            [label for label, _value in bars],
            [value for _label, value in bars],
            unit="",
            title=f"{role}: среднее изменение по группам роста, {report.period}",
            highlight={index for index, (_label, value) in enumerate(bars) if value is not None and value < 0},
            width=CHART_WIDTH,
        )
        for role, bars in section.by_role_and_group()
    ]
    quality: list[dict] = []  # a heading (school, questionnaire) over its questions
    for row in section.quality:
        heading = f"{row.organisation} — {row.questionnaire}"
        if not quality or quality[-1]["heading"] != heading:
            quality.append({"heading": heading, "questions": []})
        quality[-1]["questions"].append(
            {
                "order": row.order,
                "question": row.question,
                "answers": row.answers,
                "average": format_number(row.average, decimals=2),
            }
        )
    return {
        "title": SECTION_TITLE,
        "lead": section.lead,
        "note": GROWTH_NOTE,
        "growth": growth,
        "charts": [mark_safe(chart) for chart in charts],
        "quality_title": QUALITY_TITLE,
        "quality": quality,
        "no_quality": NO_QUALITY,
        "outcomes_title": OUTCOMES_TITLE,
        "outcomes": section.outcomes,  # laid out by templates/influence/results/outcomes_pdf_table.html
        "outcomes_note": OUTCOMES_NOTE,
        "no_outcomes": NO_OUTCOMES,
    }


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
                        "impossible": cells[year].impossible,
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
                        "impossible": cell.impossible,
                        "detail": "" if cell.value is None else _detail(indicator, cell),
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
        "influence": _influence_context(report),
        "mentors_year": {
            "section": report.mentors_year,
            "title": MENTORS_YEAR_TITLE,
            "training_title": TRAINING_TITLE,
            "training_note": TRAINING_NOTE,
            "events_title": EVENTS_TITLE,
            "no_events": NO_EVENTS,
            "practices_title": PRACTICES_TITLE,
            "practices_note": PRACTICES_NOTE,
        },
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
