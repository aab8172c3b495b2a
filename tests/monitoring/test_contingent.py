"""The contingent XLSX of a department: the template out, the upload checked row by row and saved whole."""

import io

import openpyxl
import pytest

from monitoring.contingent import (
    COLUMNS,
    NUMBERS,
    TITLE_ROWS,
    check_contingent,
    import_contingent,
    template_filename,
    write_template,
)
from monitoring.models import COUNT_FIELDS, Contingent
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = [column.header for column in COLUMNS]


def workbook(rows, header=HEADER, before=(("Контингент за 2024 год",), ())) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in before:
        sheet.append(list(row))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot():
    return sorted(Contingent.objects.values_list("organisation__code", "year", *COUNT_FIELDS))


@pytest.fixture
def existing(world):
    """What was entered before the upload: A1 for 2024, A2 for 2023."""
    Contingent.objects.create(
        organisation=world.school_a1,
        year=2024,
        students_total=1,
        students_10_18=1,
        teachers=1,
        young_specialists=1,
        young_teachers=1,
    )
    Contingent.objects.create(organisation=world.school_a2, year=2023, students_total=7)
    return world


def test_a_good_file_is_saved_whole(existing):
    world = existing
    data = workbook(
        [
            ("a1", "МБОУ СОШ № 1", 500, 300, 40, 4, 6),
            ("a2", "МБОУ СОШ № 2", "1 200", "700", 80.0, None, "5"),
            ("Итого", None, None, None, None, None, None),
        ]
    )
    report = import_contingent(data, "контингент.xlsx", world.department_a, 2024, user=world.methodist_a)
    assert report.ok, report.as_text()
    assert report.saved and (report.created, report.updated) == (1, 1)
    a1 = Contingent.objects.get(organisation=world.school_a1, year=2024)
    assert (a1.students_total, a1.students_10_18, a1.teachers, a1.young_specialists, a1.young_teachers) == (
        500,
        300,
        40,
        4,
        6,
    )
    assert a1.entered_by == world.methodist_a
    a2 = Contingent.objects.get(organisation=world.school_a2, year=2024)
    assert (a2.students_total, a2.students_10_18, a2.teachers, a2.young_specialists, a2.young_teachers) == (
        1200,
        700,
        80,
        None,
        5,
    )
    assert Contingent.objects.get(organisation=world.school_a2, year=2023).students_total == 7  # other year kept
    assert "сохранено" in report.as_text()


def test_organisations_found_by_name_and_rows_without_numbers_skipped(existing):
    world = existing
    data = workbook(
        [
            (None, "мбоу  сош № 2", 10, 5, 3, 1, 1),  # by the short name, case and spaces aside
            ("a1", "МБОУ СОШ № 1", None, None, None, None, None),  # not reported: what A1 had stays
        ]
    )
    report = import_contingent(data, "k.xlsx", world.department_a, 2024)
    assert report.saved, report.as_text()
    assert report.skipped == 1
    assert Contingent.objects.get(organisation=world.school_a2, year=2024).students_total == 10
    assert Contingent.objects.get(organisation=world.school_a1, year=2024).students_total == 1


def test_checking_saves_nothing(existing):
    before = snapshot()
    report = check_contingent(workbook([("a1", None, 5, 4, 3, 2, 1)]), "k.xlsx", existing.department_a, 2024)
    assert report.ok and not report.saved
    assert snapshot() == before


@pytest.mark.parametrize(
    "rows, where, words",
    [
        ([("zz", None, 1, 1, 1, 1, 1)], (2, "A"), "с кодом «zz» нет"),
        ([("b1", None, 1, 1, 1, 1, 1)], (2, "A"), "с кодом «b1» нет"),  # another department's school
        ([(None, "МБОУ Нет такой", 1, 1, 1, 1, 1)], (2, "B"), "не найдена"),
        ([(None, None, 1, 1, 1, 1, 1)], (2, "A"), "Не указана организация"),
        ([("a1", None, -5, 1, 1, 1, 1)], (2, "C"), "отрицательным"),
        ([("a1", None, "abc", 1, 1, 1, 1)], (2, "C"), "целое число"),
        ([("a1", None, 12.5, 1, 1, 1, 1)], (2, "C"), "целое число"),
        ([("a1", None, "7,5", 1, 1, 1, 1)], (2, "C"), "целое число"),
        ([("a1", None, 10, 11, 1, 1, 1)], (2, "D"), "10–18 лет не может быть больше"),
        ([("a1", None, 1, 1, 5, 6, 1)], (2, "F"), "молодых специалистов не может быть больше"),
        ([("a1", None, 1, 1, 5, 1, 6)], (2, "G"), "до 35 лет"),
        ([("a1", None, 1, 1, 1, 1, 1), ("A1", None, 2, 2, 2, 2, 2)], (3, "A"), "уже указана в строке 2"),
        ([("a1", None, 1, 1, 1, 1, 1), ("a2", None, 10**8, 1, 1, 1, 1)], (3, "C"), "Слишком большое"),
    ],
)
def test_each_bad_row_is_reported_and_nothing_is_saved(existing, rows, where, words):
    before = snapshot()
    report = import_contingent(workbook(rows, before=()), "k.xlsx", existing.department_a, 2024)
    assert not report.ok and not report.saved
    assert snapshot() == before
    problem = report.problems[-1]
    assert (problem.row, problem.column) == where
    assert words in problem.message
    assert f"Строка {where[0]}, столбец {where[1]}" in report.as_text()


def test_all_problems_of_a_file_are_listed(existing):
    rows = [("a1", None, -1, "x", 1, 2, 1), ("zz", None, 1, 1, 1, 1, 1)]
    report = import_contingent(workbook(rows, before=()), "k.xlsx", existing.department_a, 2024)
    assert [(p.row, p.column) for p in report.problems] == [(2, "C"), (2, "D"), (2, "F"), (3, "A")]


@pytest.mark.parametrize(
    "data, filename, words",
    [
        (b"just text", "k.xlsx", "не книга Excel"),
        (b"", "k.xlsx", "пустой"),
        (b"PK\x03\x04broken", "k.xlsx", "повреждён"),
        (None, "k.xls", "в формате .xlsx"),  # a workbook under another name
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "k.xls", "Excel 97–2003"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(existing, data, filename, words):
    before = snapshot()
    data = workbook([("a1", None, 1, 1, 1, 1, 1)]) if data is None else data
    report = import_contingent(data, filename, existing.department_a, 2024)
    assert not report.saved and words in report.problems[0].message
    assert report.problems[0].row is None
    assert snapshot() == before


def test_headers_that_are_missing_are_named(existing):
    before = snapshot()
    header = ["Код ОО", "Образовательная организация", "Обучающихся всего"]
    report = import_contingent(workbook([("a1", None, 1)], header=header), "k.xlsx", existing.department_a, 2024)
    assert not report.saved
    assert "«Учителей всего»" in report.problems[0].message
    report = import_contingent(workbook([("a1", 1)], header=["что-то", "иное"]), "k.xlsx", existing.department_a, 2024)
    assert "Не найдена строка заголовков" in report.problems[0].message
    assert snapshot() == before


def test_a_file_without_any_numbers_is_refused(existing):
    report = import_contingent(
        workbook([("a1", None, None, None, None, None, None)]), "k.xlsx", existing.department_a, 2024
    )
    assert not report.saved and "нет ни одной организации" in report.problems[0].message


def test_a_year_out_of_range_is_refused(existing):
    report = import_contingent(workbook([("a1", None, 1, 1, 1, 1, 1)]), "k.xlsx", existing.department_a, 1990)
    assert not report.saved and "2000" in report.problems[0].message


def test_the_template_lists_every_organisation_with_what_was_reported(existing):
    world = existing
    factories.OrganisationFactory(department=world.department_a, code="a3", short_name="МБДОУ д/с № 3")
    out = io.BytesIO()
    assert write_template(world.department_a, 2024, out) == 3
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    header_row = TITLE_ROWS + 1
    assert [cell.value for cell in sheet[header_row]] == HEADER
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=header_row + 1)]
    assert rows == [
        ["a3", "МБДОУ д/с № 3", None, None, None, None, None],
        ["a1", "МБОУ СОШ № 1", 1, 1, 1, 1, 1],
        ["a2", "МБОУ СОШ № 2", None, None, None, None, None],
    ]
    assert "2024" in sheet["A1"].value and sheet["A2"].value == world.department_a.name
    assert template_filename(world.department_a, 2024) == "kontingent-kedr-2024.xlsx"


def test_a_filled_template_goes_back_in(existing):
    world = existing
    out = io.BytesIO()
    write_template(world.department_a, 2025, out)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    sheet = book.active
    first = TITLE_ROWS + 2
    for offset, value in enumerate([900, 600, 70, 7, 9]):
        sheet.cell(row=first, column=3 + offset, value=value)
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    report = import_contingent(filled, "kontingent-kedr-2025.xlsx", world.department_a, 2025)
    assert report.saved, report.as_text()
    assert report.skipped == 1
    saved = Contingent.objects.get(year=2025)
    assert saved.organisation == world.school_a1
    assert [getattr(saved, name) for name in COUNT_FIELDS] == [900, 600, 70, 7, 9]
    assert len(NUMBERS) == len(COUNT_FIELDS)


def test_an_upload_refreshes_the_indicator_table(existing):
    from monitoring.indicators import indicator_table

    world = existing
    before = indicator_table(world.department_a, [2024]).row("teachers_mentors_share")[2024]
    assert before.reported == 1
    report = import_contingent(workbook([("a2", None, 10, 5, 30, 1, 1)]), "k.xlsx", world.department_a, 2024)
    assert report.saved
    after = indicator_table(world.department_a, [2024]).row("teachers_mentors_share")[2024]
    assert (after.reported, after.denominator) == (2, 31)
