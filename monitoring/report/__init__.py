"""The analytic report (аналитическая справка) of a department for a range of years, as PDF and XLSX.

    report = build_report(department, [2021, 2022, 2023, 2024], user=request.user)
    report_pdf(report)                -> bytes (WeasyPrint, templates/monitoring/report_pdf.html)
    report_xlsx(report)               -> bytes (openpyxl: «Показатели», «По организациям»,
                                                «Дорожная карта», «Мониторинг влияния»,
                                                «Качество процесса», «Результаты наставляемых»,
                                                «Обучение и мероприятия», «Качество данных»)
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
5. the monitoring of influence (monitoring/report/influence.py): the growth of the participants of the
   pairs that entered the program in the years, by year, form, role and growth group, with a chart of
   the average change by role and group, the quality of the process per school, and the outcomes of
   these pairs' mentees by school year (influence/aggregates.py, over every organisation of the department);
6. training, events and the bank of practices by year (monitoring/report/mentors_year.py): mentors trained and
   their hours, events by level with participants and winners, practices submitted, approved and published;
7. the data-quality counts (`registry.quality`) for the user who downloads the report, within the
   department: minors without a consent and active pairs without an order.

Scope: the caller checks that the user may read the department (as for `indicator_table`). The
roadmap occurrences and the quality counts go through the user's own querysets (`for_user`), so a
curator's report never counts another school's people or roadmap parts.

Queries: a fixed number, whatever the number of organisations, years, roadmaps and items: 52 when
the indicators and the growth are computed, 39 when they come from the cache (tests/monitoring/test_report.py
pins both). Most are the eight `breakdown` calls, each reading the organisations and the cache again; a
breakdown of every indicator at once in monitoring/indicators/table.py would save some 20.
"""

from monitoring.report.build import NO_DATA, NO_ROADMAP, TITLE, Report, build_report, report_filename
from monitoring.report.pdf import report_html, report_pdf
from monitoring.report.xlsx import report_xlsx

__all__ = [
    "NO_DATA",
    "NO_ROADMAP",
    "TITLE",
    "Report",
    "build_report",
    "report_filename",
    "report_html",
    "report_pdf",
    "report_xlsx",
]
