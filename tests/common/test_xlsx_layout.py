"""Every kind of XLSX the product writes, as the file says it (openpyxl): a filter over each table, printed A4
landscape fit to the page's width with the table's header on every page, shares in a % format and counts as
whole numbers, rows as tall as their wrapped text."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from common.files.writers import LINE_HEIGHT_PT, MAX_ROW_HEIGHT_PT, row_height, text_lines
from exchange.official import MENTEES, MENTORS
from monitoring.report import build_report, report_xlsx
from roadmap.models import Occurrence, Status
from tests.common.conftest import LONG_REQUEST, RESULTS, YEAR, seed

pytestmark = pytest.mark.django_db


def books(files: dict[str, bytes]):
    return {name: load_workbook(io.BytesIO(data)) for name, data in files.items()}


def test_every_table_has_a_filter_and_prints_landscape_to_the_pages_width_with_its_header_repeated(xlsx_files):
    for name, book in books(xlsx_files).items():
        for sheet in book.worksheets:
            where = f"{name}: «{sheet.title}»"
            assert sheet.auto_filter.ref, f"{where} has no filter"
            first_column, header, last_column, last_row = range_boundaries(sheet.auto_filter.ref)
            # The filter starts at the table's header (the last of its header rows, repeated on printed pages)
            # and takes every column of it (a title over two header rows is in the upper one).
            top, bottom = (int(row) for row in sheet.print_title_rows.replace("$", "").split(":"))
            assert bottom == header, where
            titles = [
                next(
                    (sheet.cell(row, column).value for row in range(top, bottom + 1) if sheet.cell(row, column).value),
                    None,
                )
                for column in range(first_column, last_column + 2)
            ]
            assert first_column == 1 and all(titles[:-1]) and titles[-1] is None, (where, titles)
            assert last_row >= header and sheet.cell(last_row, 1).value is not None, where  # down to its last row
            setup = sheet.page_setup
            assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, where


def test_the_filters_cover_the_bases_rows_and_nothing_else(xlsx_files):
    """The official bases keep their columns: the header row is the form's, the rows are all people, no group
    headings among them (those are the PDF's)."""
    for name, form, rows in (("mentees base", MENTEES, 3), ("mentors base", MENTORS, 2)):
        sheet = load_workbook(io.BytesIO(xlsx_files[name])).active
        _first, header, _last, last_row = range_boundaries(sheet.auto_filter.ref)
        assert [cell.value for cell in sheet[header]] == form.headers
        assert [sheet.cell(row, 1).value for row in range(header + 1, last_row + 1)] == list(range(1, rows + 1))
        assert sheet.max_row == last_row


def test_the_official_headers_are_unchanged():
    assert MENTEES.headers == [
        "№ п/п",
        "ФИО наставляемого",
        "Год рождения наставляемого",
        "Основной запрос наставляемого",
        "Дата вхождения в программу",
        "ФИО наставника",
        "Форма наставничества",
        "Место работы наставника",
        "Дата завершения программы",
        "Результаты программы",
        "Ссылка на кейс/отзыв наставляемого",
        "Отметка о прохождении программы",
    ]
    assert MENTORS.headers == [
        "№ п/п",
        "ФИО наставника",
        "Место работы",
        "Основные компетенции наставника",
        "Важные для программы достижения наставника",
        "Интересы наставника",
        "Желаемый возраст наставляемых",
        "Ресурс времени на программу наставничества",
        "Дата вхождения в программу",
        "ФИО наставляемого (наставляемых)",
        "Форма наставничества",
        "Место работы наставляемого",
        "Дата завершения программы",
        "Результаты программы",
        "Ссылка на кейс/отзыв наставника",
    ]


def _row(sheet, first):
    return next(row for row in sheet.iter_rows() if row[0].value == first)


def test_shares_are_percentages_and_numerators_and_denominators_numbers_of_their_own(xlsx_files):
    table = load_workbook(io.BytesIO(xlsx_files["indicator table"])).active
    header = next(row for row in table.iter_rows() if row[0].value == "№")
    assert [cell.value for cell in header[3:6]] == ["2025", "2025: числитель", "2025: знаменатель"]
    share, numerator, denominator = _row(table, 3)[3:6]
    assert (share.value, share.number_format, numerator.value, denominator.value) == (0.2, "0.0%", 2, 10)
    assert all(type(cell.value) is int for cell in (numerator, denominator))
    programs = _row(table, 2)[3]  # a count: a whole number, no % format
    assert type(programs.value) is int and programs.number_format == "General"

    report = load_workbook(io.BytesIO(xlsx_files["analytic report"]))
    share, numerator, denominator = _row(report["Показатели"], 3)[4:7]
    assert (share.value, share.number_format, numerator.value, denominator.value) == (0.2, "0.0%", 2, 10)
    assert _row(report["Показатели"], 8)[3].value == 0.7  # the national target, 70 %
    school = _row(report["По организациям"], "МБОУ СОШ № 1")
    assert (school[3].value, school[3].number_format, school[4].value, school[5].value) == (0.2, "0.0%", 2, 10)


def test_rows_of_wrapped_text_are_as_tall_as_their_lines(xlsx_files):
    """Excel and LibreOffice do not grow a row for its wrapped text when they open a file: the row's height is
    written with it (15 pt a line); a row of one line keeps the default height."""
    sheet = load_workbook(io.BytesIO(xlsx_files["mentees base"])).active
    heights = {row[1].value: sheet.row_dimensions[row[0].row].height for row in sheet.iter_rows() if row[1].value}
    request_lines = text_lines(LONG_REQUEST, MENTEES.column("request").width + 2)
    assert request_lines >= 4
    assert heights["Ёлкина Вера"] == request_lines * LINE_HEIGHT_PT  # the request
    # Борисов's row: the group's results, two paragraphs of two lines each.
    assert heights["Борисов Глеб"] == text_lines(RESULTS, MENTEES.column("results").width + 2) * LINE_HEIGHT_PT
    assert heights["Чужая Анна"] is None  # one line
    assert heights["ФИО наставляемого"] >= 2 * LINE_HEIGHT_PT  # the header wraps too

    report = load_workbook(io.BytesIO(xlsx_files["analytic report"]))
    assert _row(report["Показатели"], 3)[0].parent.row_dimensions[_row(report["Показатели"], 3)[0].row].height >= 30
    roadmap = load_workbook(io.BytesIO(xlsx_files["roadmap"])).active
    assert roadmap.row_dimensions[_row(roadmap, "1.1.")[0].row].height >= 2 * LINE_HEIGHT_PT
    assert roadmap.row_dimensions[_row(roadmap, "1.2.")[0].row].height is None
    extract = load_workbook(io.BytesIO(xlsx_files["subject extract"]))["Сведения"]
    request = _row(extract, "Основной запрос наставляемого")[0].row
    assert extract.row_dimensions[request].height >= 2 * LINE_HEIGHT_PT


def test_with_nothing_overdue_the_reports_roadmap_sheet_filters_its_counts(world):
    _vera, roadmap = seed(world)
    Occurrence.objects.filter(item__roadmap=roadmap).update(status=Status.DONE, done_on=date(YEAR, 1, 10))
    report = build_report(world.department_a, [YEAR], user=world.methodist_a)
    sheet = load_workbook(io.BytesIO(report_xlsx(report)))["Дорожная карта"]
    _first, header, last_column, last_row = range_boundaries(sheet.auto_filter.ref)
    assert [sheet.cell(row, 1).value for row in range(header, last_row + 1)] == [
        "Сроки исполнения",
        "Сроки дорожной карты",
        "Части организаций (пункты «каждая ОО»)",
    ]
    assert sheet.cell(header, last_column).value == "Не выполнено"


@pytest.mark.parametrize(
    "text, width, lines",
    [
        ("", 10, 1),
        ("Иванов Иван", 26, 1),
        ("одно два три четыре", 10, 3),  # «одно два» | «три» | «четыре»: words wrap whole
        ("первая\nвторая", 30, 2),
        ("а" * 25, 11, 3),  # a word longer than a line is cut: 10 + 10 + 5
    ],
)
def test_text_lines(text, width, lines):
    assert text_lines(text, width) == lines


def test_a_row_is_never_taller_than_excel_allows():
    assert row_height(1) is None and row_height(3) == 3 * LINE_HEIGHT_PT
    assert row_height(1000) == MAX_ROW_HEIGHT_PT
