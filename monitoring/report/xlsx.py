"""The analytic report as XLSX: «Показатели», «По организациям», «Дорожная карта», «Мониторинг влияния»,
«Качество процесса», «Результаты наставляемых», «Качество данных».

Figures are numbers (shares in a % format, counts as whole numbers); each sheet's table has a filter and
a header repeated on printed pages (`Sheet.table`), and rows grow to their wrapped texts.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from common.files.tables import Percent
from common.files.writers import COUNT_FORMAT, Sheet
from influence.exports import OUTCOME_WIDTHS, write_outcomes
from monitoring.indicators import INDICATORS
from monitoring.report.build import (
    NO_DATA,
    NO_ROADMAP,
    QUALITY_EXPLANATION,
    TITLE,
    Report,
    _author_line,
    _date,
    short_label,
)
from monitoring.report.influence import (
    AVERAGE_FORMAT,
    CHANGE_FORMAT,
    GROWTH_NOTE,
    NO_OUTCOMES,
    NO_QUALITY,
    OUTCOMES_NOTE,
    OUTCOMES_TITLE,
    QUALITY_TITLE,
    SECTION_TITLE,
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

# --- XLSX --------------------------------------------------------------------------------------------


def _number_or_missing(sheet: Sheet, column: int, value, *, share: bool) -> None:
    if value is None:
        sheet.put(column, NO_DATA, border=True)
    elif share:
        sheet.put(column, Percent(value), border=True)
    else:
        sheet.put(column, value, number_format=COUNT_FORMAT, border=True)


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
    sheet = Sheet(workbook, "Показатели", [5, 60, 7, 8] + [12, 11, 12, 10] * len(years) + [40])
    check = 5 + 4 * len(years)  # «Проверка»: a share over 100 % said in words beside its figures
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
    sheet.put(check, "Проверка", header=True)  # merged down: its text in the upper cell
    sheet.row += 1
    header = sheet.row
    for column in (1, 2, 3, 4, check):
        sheet.put(column, None, header=True)
        sheet.sheet.merge_cells(start_row=first_header, start_column=column, end_row=sheet.row, end_column=column)
    for index in range(len(years)):
        for offset, text in enumerate(per_year):
            sheet.put(5 + 4 * index + offset, text, header=True)
    sheet.row += 1
    sheet.sheet.freeze_panes = f"C{sheet.row}"
    for indicator, cells in report.table.rows:
        sheet.put(1, indicator.number, border=True)
        sheet.put(2, indicator.title, wrap=True, border=True)
        sheet.put(3, indicator.unit, border=True)
        sheet.put(4, Percent(indicator.target) if indicator.target is not None else None, border=True)
        for index, year in enumerate(years):
            cell, start = cells[year], 5 + 4 * index
            _number_or_missing(sheet, start, cell.value, share=indicator.is_share)
            for offset, value in enumerate((cell.numerator, cell.denominator, cell.reported), start=1):
                sheet.put(start + offset, value, number_format=COUNT_FORMAT if value is not None else None, border=True)
        warnings = "; ".join(f"{year}: больше 100 %, {cells[year].warning}" for year in years if cells[year].impossible)
        sheet.put(check, warnings or None, wrap=True, border=True)
        sheet.row += 1
    sheet.table(header, check, header_from=first_header)
    sheet.row += 1
    sheet.line(None, "Определения показателей", bold=True)
    for indicator in INDICATORS:
        sheet.put(1, indicator.number)
        sheet.put(2, indicator.definition, wrap=True)
        sheet.row += 1
    sheet.row += 1
    sheet.line(None, f"Исполнитель: {_author_line(report)}")


def _breakdown_sheet(workbook: Workbook, report: Report) -> None:
    shares = [indicator for indicator in INDICATORS if indicator.is_share and indicator.code != "orgs_share"]
    sheet = Sheet(workbook, "По организациям", [40, 14, 12] + [11, 11, 12] * len(shares) + [40])
    check = 4 + 3 * len(shares)
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
    sheet.put(check, "Проверка", header=True)  # merged down: its text in the upper cell
    sheet.sheet.row_dimensions[sheet.row].height = 45
    sheet.row += 1
    header = sheet.row
    for column in (1, 2, 3, check):
        sheet.put(column, None, header=True)
        sheet.sheet.merge_cells(start_row=first_header, start_column=column, end_row=sheet.row, end_column=column)
    for index in range(len(shares)):
        for offset, text in enumerate(("Значение", "Числитель", "Знаменатель")):
            sheet.put(4 + 3 * index + offset, text, header=True)
    sheet.row += 1
    sheet.sheet.freeze_panes = f"B{sheet.row}"
    for organisation, cells in report.breakdown:
        sheet.put(1, organisation.short_name, wrap=True, border=True)
        sheet.put(2, "да" if cells["orgs_share"].numerator else "нет", border=True)
        sheet.put(3, cells["programs_count"].value, number_format=COUNT_FORMAT, border=True)
        for index, indicator in enumerate(shares):
            cell, start = cells[indicator.code], 4 + 3 * index
            _number_or_missing(sheet, start, cell.value, share=True)
            for offset, value in enumerate((cell.numerator, cell.denominator), start=1):
                sheet.put(start + offset, value, number_format=COUNT_FORMAT if value is not None else None, border=True)
        warnings = "; ".join(
            f"{indicator.number}. {short_label(indicator)}: больше 100 %, {cells[indicator.code].warning}"
            for indicator in shares
            if cells[indicator.code].impossible
        )
        sheet.put(check, warnings or None, wrap=True, border=True)
        sheet.row += 1
    sheet.table(header, check, header_from=first_header)


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
    counts_table: tuple[int, int] | None = None  # the first table of counts: its header and its last row
    for summary in report.roadmap.roadmaps:
        roadmap = summary.roadmap
        sheet.put(1, roadmap.title, bold=True)
        sheet.row += 1
        sheet.line("Период:", roadmap.period_text)
        sheet.line("Пунктов:", summary.items)
        sheet.row += 1
        counts_table = counts_table or (sheet.row, sheet.row + 2)
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
            header = sheet.row
            for column, text in enumerate(("№ пункта", "Мероприятие", "Срок", "Не выполнили, ОО", "Всего ОО"), start=1):
                sheet.put(column, text, header=True)
            sheet.row += 1
            for line in summary.overdue:
                sheet.put(1, line.number, border=True)
                sheet.put(2, line.content, wrap=True, border=True)
                sheet.put(3, line.due, number_format="DD.MM.YYYY", border=True)
                sheet.put(4, line.late, border=True)
                sheet.put(5, line.parts, border=True)
                sheet.row += 1
            # The sheet's list to sort and filter (one a sheet: the counts above are two rows each).
            sheet.table(header, 5)
        else:
            sheet.line("Просроченных пунктов нет.")
        sheet.row += 1
    if counts_table:  # no item overdue: the filter on the counts
        sheet.table(counts_table[0], 1 + len(_STATE_COLUMNS), last=counts_table[1])


def _quality_sheet(workbook: Workbook, report: Report) -> None:
    sheet = Sheet(workbook, "Качество данных", [60, 14])
    _title_block(sheet, report, f"Качество данных на {_date(report.generated_on)}")
    sheet.put(1, QUALITY_EXPLANATION, wrap=True)
    sheet.row += 2
    header = sheet.row
    sheet.put(1, "Замечание", header=True)
    sheet.put(2, "Количество", header=True)
    sheet.row += 1
    for title, count in report.quality:
        sheet.put(1, title, border=True, wrap=True)
        sheet.put(2, count, border=True)
        sheet.row += 1
    sheet.table(header, 2)


def _influence_sheet(workbook: Workbook, report: Report) -> None:
    section = report.influence
    sheet = Sheet(workbook, "Мониторинг влияния", [8, 30, 16, 32, 14, 14, 12])
    _title_block(sheet, report, SECTION_TITLE)
    sheet.put(1, section.lead, wrap=True, span=7)
    sheet.sheet.merge_cells(start_row=sheet.row, start_column=1, end_row=sheet.row, end_column=7)
    sheet.row += 1
    if not section.growth:
        return
    sheet.put(1, GROWTH_NOTE, wrap=True, span=7)
    sheet.sheet.merge_cells(start_row=sheet.row, start_column=1, end_row=sheet.row, end_column=7)
    sheet.row += 2
    header = sheet.row
    headers = ("Год", "Форма наставничества", "Роль", "Группа роста", "Участников", "Среднее изменение", "Улучшили")
    for column, text in enumerate(headers, start=1):
        sheet.put(column, text, header=True)
    sheet.row += 1
    sheet.sheet.freeze_panes = f"A{sheet.row}"
    for row in section.growth:
        sheet.put(1, row.year, border=True)
        sheet.put(2, row.format, wrap=True, border=True)
        sheet.put(3, row.role_label, border=True)
        sheet.put(4, row.group_label, wrap=True, border=True)
        sheet.put(5, row.participants, number_format=COUNT_FORMAT, border=True)
        change = row.average_change
        if change is None:
            sheet.put(6, NO_DATA, border=True)
        else:
            sheet.put(6, change, number_format=CHANGE_FORMAT, border=True)
        share = row.improved_share
        sheet.put(7, Percent(share) if share is not None else NO_DATA, border=True)
        sheet.row += 1
    sheet.table(header, len(headers))


def _process_quality_sheet(workbook: Workbook, report: Report) -> None:
    sheet = Sheet(workbook, QUALITY_TITLE, [30, 40, 6, 60, 10, 12])
    _title_block(sheet, report, f"{SECTION_TITLE}: качество процесса")
    if not report.influence.quality:
        sheet.line(NO_QUALITY)
        return
    sheet.line("Средний балл (шкала 1–10) по каждому вопросу анкет о качестве процесса, по организациям.")
    sheet.row += 1
    header = sheet.row
    headers = ("Организация", "Анкета", "№", "Вопрос", "Ответов", "Средний балл")
    for column, text in enumerate(headers, start=1):
        sheet.put(column, text, header=True)
    sheet.row += 1
    sheet.sheet.freeze_panes = f"A{sheet.row}"
    for row in report.influence.quality:
        sheet.put(1, row.organisation, wrap=True, border=True)
        sheet.put(2, row.questionnaire, wrap=True, border=True)
        sheet.put(3, row.order, border=True)
        sheet.put(4, row.question, wrap=True, border=True)
        sheet.put(5, row.answers, number_format=COUNT_FORMAT, border=True)
        if row.average is None:
            sheet.put(6, NO_DATA, border=True)
        else:
            sheet.put(6, row.average, number_format=AVERAGE_FORMAT, border=True)
        sheet.row += 1
    sheet.table(header, len(headers))


def _outcomes_sheet(workbook: Workbook, report: Report) -> None:
    sheet = Sheet(workbook, OUTCOMES_TITLE, OUTCOME_WIDTHS)
    _title_block(sheet, report, f"{SECTION_TITLE}: {OUTCOMES_TITLE.lower()}")
    outcomes = report.influence.outcomes
    columns = len(OUTCOME_WIDTHS)
    sheet.put(1, OUTCOMES_NOTE if outcomes else NO_OUTCOMES, wrap=True, span=columns)
    sheet.sheet.merge_cells(start_row=sheet.row, start_column=1, end_row=sheet.row, end_column=columns)
    sheet.row += 2
    if outcomes:
        write_outcomes(sheet, outcomes)


def _mentors_year_sheet(workbook: Workbook, report: Report) -> None:
    """Training, events by level and the bank of practices, by year: one table, a kind of figure per row."""
    section = report.mentors_year
    sheet = Sheet(workbook, "Обучение и мероприятия", [8, 40, 26, 14])
    _title_block(sheet, report, MENTORS_YEAR_TITLE)
    sheet.put(1, section.lead, wrap=True, span=4)
    sheet.sheet.merge_cells(start_row=sheet.row, start_column=1, end_row=sheet.row, end_column=4)
    sheet.row += 2
    header = sheet.row
    for column, text in enumerate(("Год", "Раздел", "Что считается", "Количество"), start=1):
        sheet.put(column, text, header=True)
    sheet.row += 1
    sheet.sheet.freeze_panes = f"A{sheet.row}"

    def line(year: int, part: str, what: str, number: int) -> None:
        sheet.put(1, year, border=True)
        sheet.put(2, part, wrap=True, border=True)
        sheet.put(3, what, wrap=True, border=True)
        sheet.put(4, number, number_format=COUNT_FORMAT, border=True)
        sheet.row += 1

    for year, summary in section.training:
        line(year, TRAINING_TITLE, "обучено наставников", summary.mentors_trained)
        line(year, TRAINING_TITLE, "часов обучения", summary.hours)
        line(year, TRAINING_TITLE, "мероприятий обучения", summary.events)
    for year, row in section.events:
        part = f"{EVENTS_TITLE}: {row.label}"
        line(year, part, "мероприятий", row.events)
        line(year, part, "участий", row.participants)
        line(year, part, "победителей", row.winners)
        line(year, part, "призёров", row.prize_winners)
        line(year, part, "лауреатов", row.laureates)
    for year, counts in section.practices:
        line(year, PRACTICES_TITLE, "отправлено на проверку", counts.submitted)
        line(year, PRACTICES_TITLE, "одобрено", counts.approved)
        line(year, PRACTICES_TITLE, "опубликовано", counts.published)
    sheet.table(header, 4)
    sheet.row += 1
    for note in (TRAINING_NOTE, PRACTICES_NOTE) if section.events else (TRAINING_NOTE, NO_EVENTS, PRACTICES_NOTE):
        sheet.put(1, note, wrap=True, span=4)
        sheet.sheet.merge_cells(start_row=sheet.row, start_column=1, end_row=sheet.row, end_column=4)
        sheet.row += 1


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _indicators_sheet(workbook, report)
    _breakdown_sheet(workbook, report)
    _roadmap_sheet(workbook, report)
    _influence_sheet(workbook, report)
    _process_quality_sheet(workbook, report)
    _outcomes_sheet(workbook, report)
    _mentors_year_sheet(workbook, report)
    _quality_sheet(workbook, report)
    workbook.properties.title = ILLEGAL_CHARACTERS_RE.sub("", f"{TITLE} — {report.department.name}")[:250]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
