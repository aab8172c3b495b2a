"""Issue 17: the bases schools already keep come in whole, in any ordinary shape and format.

Each shape is a base as schools publish them (the wordings are those of bases on school sites: «Ф.И.О
наставника», «Фамилия, имя, отчество наставника», a name over «Фамилия | Имя | Отчество», a header of
two rows, columns in their own order, no «№», a column of their own such as «Класс»), written as Excel,
Excel 97–2003, LibreOffice and CSV in both encodings write it, and imported through the same service as
the upload page. Every row is checked: the people, the pair, its dates, its texts.
"""

from __future__ import annotations

from datetime import date

import pytest

from exchange.importer import run_import
from exchange.official import Kind
from registry.models import MentoringPair, Person
from tests.exchange.spreadsheets import write

FORMATS = [
    pytest.param("xlsx", "utf-8-sig", id="xlsx"),
    pytest.param("xls", "utf-8-sig", id="xls"),
    pytest.param("ods", "utf-8-sig", id="ods"),
    pytest.param("csv", "utf-8-sig", id="csv-utf8"),
    pytest.param("csv", "cp1251", id="csv-1251"),
]

TITLE = [["База наставников МБОУ СОШ № 1 на 2025-2026 учебный год"], []]


def imported(world, rows, fmt, encoding, kind):
    content = write(rows, fmt, encoding=encoding)
    report = run_import(content, f"база.{fmt}", kind, world.school_a1, world.curator_a1, commit=True)
    assert report.saved, report.as_text()
    return report


# --- the mentors' base: the name headers of published bases --------------------------------------------


MENTOR_ROWS = [
    [
        1,
        "Морозова Ольга Сергеевна",
        "МБОУ СОШ № 1, учитель математики",
        "методика формирующего оценивания",
        "победитель конкурса «Учитель года — 2021»",
        "краеведение",
        "молодые педагоги до 35 лет",
        "2 часа в неделю",
        date(2025, 9, 1),
        "Ким Алексей Олегович\nЛебедева Ирина Павловна",
        "учитель – учитель",
        "МБОУ СОШ № 1",
        None,
        None,
        None,
    ],
    [
        2,
        "Орлов Кирилл Андреевич",
        "МБОУ СОШ № 1, учитель физики",
        "робототехника",
        None,
        "шахматы",
        "1–2 года стажа",
        "1 час в неделю",
        date(2024, 9, 2),
        "Ахмедов Рустам Ильдарович",
        "учитель – учитель",
        "МБОУ СОШ № 1",
        date(2025, 5, 30),
        "прошёл аттестацию на первую категорию",
        "https://school1.ru/nastavnik/orlov",
    ],
]


def mentors_header(mentor_header: str) -> list[str]:
    return [
        "№",
        mentor_header,
        "Место работы",
        "Основные компетенции наставника",
        "Важные для программы достижения наставника",
        "Интересы наставника",
        "Желаемый возраст наставляемых",
        "Ресурс времени на программу наставничества",
        "Дата вхождения в программу",
        "Ф.И.О. наставляемого (наставляемых)",
        "Форма наставничества",
        "Место работы наставляемого",
        "Дата завершения программы",
        "Результаты программы",
        "Ссылка на кейс/отзыв наставника",
    ]


def assert_mentors_base_imported():
    morozova = Person.objects.get(last_name="Морозова")
    assert (morozova.first_name, morozova.patronymic) == ("Ольга", "Сергеевна")
    assert morozova.competencies == "методика формирующего оценивания"
    assert morozova.achievements == "победитель конкурса «Учитель года — 2021»"
    assert (morozova.interests, morozova.desired_mentee_age, morozova.time_resource) == (
        "краеведение",
        "молодые педагоги до 35 лет",
        "2 часа в неделю",
    )
    group = MentoringPair.objects.get(mentor=morozova)
    assert (group.entry_date, group.end_date, group.format.name) == (date(2025, 9, 1), None, "учитель – учитель")
    assert sorted(group.mentees.values_list("last_name", "first_name", "patronymic")) == [
        ("Ким", "Алексей", "Олегович"),
        ("Лебедева", "Ирина", "Павловна"),
    ]
    orlov = Person.objects.get(last_name="Орлов")
    assert (orlov.competencies, orlov.interests) == ("робототехника", "шахматы")
    pair = MentoringPair.objects.get(mentor=orlov)
    assert (pair.entry_date, pair.end_date) == (date(2024, 9, 2), date(2025, 5, 30))
    assert pair.results == "прошёл аттестацию на первую категорию"
    assert pair.mentor_feedback_url == "https://school1.ru/nastavnik/orlov"
    assert [m.full_name for m in pair.mentees.all()] == ["Ахмедов Рустам Ильдарович"]
    assert MentoringPair.objects.count() == 2 and Person.objects.count() == 5


@pytest.mark.parametrize(
    "mentor_header",
    ["Ф.И.О наставника", "Фамилия, имя, отчество наставника", "Ф. И. О. наставника (полностью)", "ФИО наставника"],
)
@pytest.mark.parametrize("fmt, encoding", FORMATS)
def test_a_mentors_base_with_any_wording_of_the_name_in_any_format(world, mentor_header, fmt, encoding):
    imported(world, [*TITLE, mentors_header(mentor_header), *MENTOR_ROWS], fmt, encoding, Kind.MENTORS)
    assert_mentors_base_imported()


# --- the mentees' base: a name over three columns, two header rows, any order, no «№» ---------------

MENTEES = [
    # (last, first, patronymic, birth year, class, request, entry, mentor, end, results, mark)
    (
        "Сидорова",
        "Анна",
        "Сергеевна",
        2012,
        "7 Б",
        "подготовка к олимпиаде",
        date(2025, 9, 15),
        "Ёлкин Пётр Иванович",
        None,
        None,
        None,
    ),
    (
        "Ёжиков",
        "Илья",
        "Романович",
        2011,
        "8 А",
        "адаптация в новом классе",
        date(2024, 9, 16),
        "Ёлкин Пётр Иванович",
        date(2025, 5, 23),
        "влился в коллектив класса",
        "прошёл",
    ),
    (
        "Ли",
        "Виктория",
        None,
        2013,
        "6 В",
        "низкая успеваемость",
        date(2025, 10, 1),
        "Орлова Дарья Игоревна",
        None,
        None,
        None,
    ),
]
MENTEE_TAIL_HEADERS = [
    "Основной запрос наставляемого",
    "Дата вхождения в программу",
    "Ф.И.О. наставника",
    "Форма наставничества",
    "Место работы наставника",
    "Дата завершения программы",
    "Результаты программы",
    "Ссылка на кейс/отзыв наставляемого",
    "Отметка о прохождении программы",
]


def mentee_tail(row) -> list:
    *_, request, entry, mentor, end, results, mark = row
    return [request, entry, mentor, "ученик – ученик", "МБОУ СОШ № 1", end, results, None, mark]


def assert_mentees_base_imported():
    anna = Person.objects.get(last_name="Сидорова")
    assert (anna.first_name, anna.patronymic, anna.birth_year, anna.main_request) == (
        "Анна",
        "Сергеевна",
        2012,
        "подготовка к олимпиаде",
    )
    elkin = Person.objects.get(last_name="Ёлкин")
    pairs = {pair.entry_date: pair for pair in MentoringPair.objects.filter(mentor=elkin)}
    assert set(pairs) == {date(2025, 9, 15), date(2024, 9, 16)}
    assert [m.last_name for m in pairs[date(2025, 9, 15)].mentees.all()] == ["Сидорова"]
    finished = pairs[date(2024, 9, 16)]
    assert finished.end_date == date(2025, 5, 23)
    ilya = finished.participations.get()
    assert ilya.results == "влился в коллектив класса"
    assert (ilya.mentee.full_name, ilya.mentee.birth_year, ilya.completion_mark) == (
        "Ёжиков Илья Романович",
        2011,
        "passed",
    )
    li = Person.objects.get(last_name="Ли")
    assert (li.first_name, li.patronymic, li.birth_year) == ("Виктория", "", 2013)
    orlova = MentoringPair.objects.get(participations__mentee=li).mentor
    assert orlova.full_name == "Орлова Дарья Игоревна"
    assert Person.objects.count() == 5 and MentoringPair.objects.count() == 3


@pytest.mark.parametrize("fmt, encoding", FORMATS)
def test_a_mentees_base_with_the_name_over_three_columns(world, fmt, encoding):
    header = ["№ п/п", "Фамилия", "Имя", "Отчество", "Год рождения", "Класс", *MENTEE_TAIL_HEADERS]
    rows = [[n, *row[:5], *mentee_tail(row)] for n, row in enumerate(MENTEES, start=1)]
    report = imported(world, [*TITLE, header, *rows], fmt, encoding, Kind.MENTEES)
    assert_mentees_base_imported()
    assert "«ФИО наставляемого» собрано из столбцов «Фамилия», «Имя», «Отчество»." in report.notes
    assert "Не входят в форму и не загружаются столбцы: «Класс»." in report.notes


@pytest.mark.parametrize("fmt, encoding", FORMATS)
def test_a_mentees_base_with_a_header_of_two_rows(world, fmt, encoding):
    """«ФИО обучающегося» merged over «Фамилия | Имя | Отчество» below it; the other headers merged down."""
    upper = ["№", "ФИО обучающегося", None, None, "Год рождения", *MENTEE_TAIL_HEADERS]
    lower = [None, "Фамилия", "Имя", "Отчество"]
    rows = [[n, *row[:4], *mentee_tail(row)] for n, row in enumerate(MENTEES, start=1)]
    report = imported(world, [*TITLE, upper, lower, *rows], fmt, encoding, Kind.MENTEES)
    assert_mentees_base_imported()
    assert report.rows_read == 3


@pytest.mark.parametrize("fmt, encoding", FORMATS)
def test_a_mentees_base_in_its_own_order_without_a_number_column(world, fmt, encoding):
    header = [
        "Ф.И.О. наставника",
        "Фамилия, имя, отчество наставляемого",
        "Дата вхождения в программу",
        "Год рождения наставляемого",
        "Форма наставничества",
        "Основной запрос наставляемого",
        "Дата завершения программы",
        "Результаты программы",
        "Отметка о прохождении программы",
        "Телефон родителя",
    ]
    rows = [
        [
            mentor,
            " ".join(part for part in (last, first, patronymic) if part),
            entry,
            year,
            "ученик – ученик",
            request,
            end,
            results,
            mark,
            None,
        ]
        for last, first, patronymic, year, _class, request, entry, mentor, end, results, mark in MENTEES
    ]
    report = imported(world, [header, *rows], fmt, encoding, Kind.MENTEES)
    assert_mentees_base_imported()
    assert "Не входят в форму и не загружаются столбцы: «Телефон родителя»." in report.notes
