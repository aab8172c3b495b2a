"""Importing the official bases into a school's registry (exchange.importer).

The workbooks are built here with openpyxl, as schools keep them: title rows above the header,
Excel dates and «дд.мм.гггг» text dates.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from auditlog.models import LogEntry

from exchange.importer import Problem, format_sides, parse_mark, parse_name, parse_url, run_import, split_names
from exchange.official import MENTEES, MENTORS, Kind
from registry.models import CompletionMark, MentoringPair, PairMentee, Person, PersonCategory
from tests import factories

# --- building files -------------------------------------------------------------------------


def workbook(form, rows: list[dict], *, headers: list[str] | None = None) -> bytes:
    """A sheet as a school keeps it: two title rows, the header (row 3), then `rows` (from row 4)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Лист1"
    sheet.append([form.title])
    sheet.append(["МБОУ СОШ № 1, 2025–2026 учебный год"])
    sheet.append(headers or form.headers)
    for number, row in enumerate(rows, start=1):
        sheet.append([number if column.key == "number" else row.get(column.key) for column in form.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def mentee_row(**values) -> dict:
    return {
        "mentee": "Сидорова Анна Сергеевна",
        "mentee_birth_year": 2012,
        "request": "подготовка к олимпиаде",
        "entry_date": datetime(2025, 9, 15),
        "mentor": "Ёлкин Пётр Иванович",
        "format": "ученик – ученик",
        **values,
    }


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), MentoringPair.objects.count(), PairMentee.objects.count()


def run(world, form, rows, *, commit=True, **kwargs):
    kind = Kind.MENTEES if form is MENTEES else Kind.MENTORS
    return run_import(
        workbook(form, rows), "база.xlsx", kind, world.school_a1, world.curator_a1, commit=commit, **kwargs
    )


CLEAN_MENTEES = [
    mentee_row(),
    # the same mentor, form and entry date (a text date this time): one group with two mentees
    mentee_row(mentee="Петров Илья Андреевич", mentee_birth_year="2011", entry_date="15.09.2025"),
    mentee_row(
        mentee="Новикова Мария Игоревна",
        mentee_birth_year=1999,
        request="адаптация в коллективе",
        mentor="Морозова Ольга Сергеевна",
        format="Учитель-учитель",
        mentor_workplace="МБОУ СОШ №1",
        entry_date=datetime(2024, 9, 2),
        end_date="25.05.2025",
        results="провела открытый урок",
        feedback="school1.ru/otzyv/5",
        completion_mark="прошла",
    ),
]


# --- a clean file ---------------------------------------------------------------------------


def test_a_clean_mentees_file_creates_people_pairs_and_participations(world):
    report = run(world, MENTEES, CLEAN_MENTEES)

    assert report.ok, report.as_text()
    assert report.saved
    assert report.rows_read == 3
    assert dict(report.created) == {"people": 5, "pairs": 2, "participations": 3}
    group = MentoringPair.objects.get(mentor__last_name="Ёлкин")
    assert group.organisation == world.school_a1
    assert group.format.name == "ученик – ученик"
    assert group.entry_date == date(2025, 9, 15)
    assert group.end_date is None
    assert sorted(group.mentees.values_list("last_name", flat=True)) == ["Петров", "Сидорова"]
    assert group.mentor.category == PersonCategory.STUDENT
    anna = Person.objects.get(last_name="Сидорова")
    assert (anna.first_name, anna.patronymic, anna.birth_year) == ("Анна", "Сергеевна", 2012)
    assert anna.main_request == "подготовка к олимпиаде"
    assert anna.organisation == world.school_a1

    teachers = MentoringPair.objects.get(mentor__last_name="Морозова")
    assert teachers.end_date == date(2025, 5, 25)
    assert teachers.mentor.category == PersonCategory.TEACHER
    assert teachers.mentor.workplace == ""  # «МБОУ СОШ №1» is the school itself
    [participation] = teachers.participations.all()
    assert participation.mentee.category == PersonCategory.TEACHER
    assert participation.results == "провела открытый урок"
    assert participation.feedback_url == "https://school1.ru/otzyv/5"
    assert participation.completion_mark == CompletionMark.PASSED
    assert participation.active is False

    assert report.lines[0] == (
        4,
        "Новая группа (2 наставляемых): Ёлкин П. И. — Сидорова А. С., «ученик – ученик», с 15.09.2025; "
        "новые участники: Ёлкин П. И. (обучающийся), Сидорова А. С. (обучающийся)",
    )
    assert report.lines[2][1].startswith(
        "Новая пара: Морозова О. С. — Новикова М. И., «учитель – учитель», с 02.09.2024, завершена 25.05.2025"
    )
    text = report.as_text()
    assert "Пары и группы: новых — 2, уже в реестре — 0." in text
    assert "Итог: данные сохранены в реестре." in text


def test_the_audit_trail_records_the_import_and_who_made_it(world):
    run(world, MENTEES, CLEAN_MENTEES)

    anna = Person.objects.get(last_name="Сидорова")
    [entry] = LogEntry.objects.get_for_object(anna)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == world.curator_a1
    assert entry.changes_dict["last_name"] == ["None", "Сидорова"]
    pair = MentoringPair.objects.get(mentor__last_name="Ёлкин")
    assert LogEntry.objects.get_for_object(pair).get().object_repr == "Ёлкин Пётр Иванович — ученик – ученик"
    # Rows written in bulk are ordinary rows afterwards: the edit form's optimistic lock works.
    anna.class_or_group = "7 Б"
    anna.save()


def test_importing_the_same_file_twice_creates_nothing_new(world):
    run(world, MENTEES, CLEAN_MENTEES)
    before = counts()

    report = run(world, MENTEES, CLEAN_MENTEES)

    assert report.ok, report.as_text()
    assert counts() == before
    assert not +report.created
    assert dict(report.matched) == {"people": 5, "pairs": 2, "participations": 3}
    assert report.lines[0][1].startswith("Уже в реестре: Ёлкин П. И. — Сидорова А. С.")


def test_a_preview_saves_nothing_and_reports_the_same(world):
    before = counts()
    preview = run(world, MENTEES, CLEAN_MENTEES, commit=False)

    assert preview.ok and not preview.saved
    assert counts() == before
    assert dict(preview.created) == {"people": 5, "pairs": 2, "participations": 3}
    assert "ошибок нет, файл можно загрузить" in preview.as_text()


def test_progress_is_reported(world):
    calls = []
    run(world, MENTEES, CLEAN_MENTEES, commit=False, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (6, 6)


def test_a_matched_pair_gets_the_missing_mentee_and_its_empty_fields(world):
    school = world.school_a1
    mentor = factories.student(school, last_name="Ёлкин", first_name="Пётр", patronymic="Иванович", birth_year=2008)
    anna = factories.student(school, last_name="Сидорова", first_name="Анна", patronymic="Сергеевна", birth_year=None)
    pair = factories.pair(mentor, [anna], results="")
    before = counts()

    report = run(
        world,
        MENTEES,
        [
            mentee_row(end_date="30.05.2026", completion_mark="Прошёл(а) программу", results="стала призёром"),
            mentee_row(mentee="Петров Илья Андреевич", mentee_birth_year=2011),
        ],
    )

    assert report.ok, report.as_text()
    assert counts() == (before[0] + 1, before[1], before[2] + 1)
    pair.refresh_from_db()
    assert pair.end_date == date(2026, 5, 30)
    assert sorted(pair.mentees.values_list("last_name", flat=True)) == ["Петров", "Сидорова"]
    assert set(pair.participations.values_list("active", flat=True)) == {False}
    participation = pair.participations.get(mentee=anna)
    assert (participation.completion_mark, participation.results) == (CompletionMark.PASSED, "стала призёром")
    anna.refresh_from_db()
    assert anna.birth_year == 2012  # unknown in the registry: filled from the file
    assert dict(report.matched) == {"people": 2, "pairs": 1, "participations": 1}
    assert dict(report.created) == {"people": 1, "participations": 1}
    assert report.lines[0][1] == (
        "Уже в реестре: Ёлкин П. И. — Сидорова А. С., «ученик – ученик», с 15.09.2025, завершена 30.05.2026; "
        "дополнено: год рождения, основной запрос, результаты программы, отметка о прохождении, "
        "дата завершения"
    )
    assert report.lines[1][1].startswith("Пара уже в реестре, добавлен наставляемый: Ёлкин П. И. — Петров И. А.")
    update = LogEntry.objects.get_for_object(pair).filter(action=LogEntry.Action.UPDATE).get()
    assert (update.actor, update.changes_dict) == (world.curator_a1, {"end_date": ["None", "2026-05-30"]})


def test_completing_a_pair_in_the_file_frees_its_mentee_for_a_new_one(world):
    school = world.school_a1
    anna = factories.student(school, last_name="Сидорова", first_name="Анна", patronymic="Сергеевна", birth_year=2012)
    factories.pair(
        factories.student(school, last_name="Орлов", first_name="Кирилл", patronymic="Андреевич"),
        [anna],
        entry_date=date(2024, 9, 2),
    )

    report = run(
        world,
        MENTEES,
        [
            mentee_row(mentor="Орлов Кирилл Андреевич", entry_date="02.09.2024", end_date="30.05.2025"),
            mentee_row(),
        ],
    )

    assert report.ok, report.as_text()
    assert list(anna.participations.order_by("pair__entry_date").values_list("active", flat=True)) == [False, True]


def test_values_already_in_the_registry_are_kept(world):
    school = world.school_a1
    mentor = factories.student(school, last_name="Ёлкин", first_name="Пётр", patronymic="Иванович")
    anna = factories.student(
        school,
        last_name="Сидорова",
        first_name="Анна",
        patronymic="Сергеевна",
        birth_year=2012,
        main_request="математика",
    )
    pair = factories.pair(mentor, [anna], end_date=date(2026, 4, 1))

    report = run(world, MENTEES, [mentee_row(end_date="30.05.2026")])

    assert report.ok, report.as_text()
    pair.refresh_from_db()
    anna.refresh_from_db()
    assert pair.end_date == date(2026, 4, 1)
    assert anna.main_request == "математика"
    assert "в реестре другое значение, оставлено: основной запрос, дата завершения" in report.lines[0][1]


# --- the mentors' base ----------------------------------------------------------------------


def test_a_mentors_file_names_several_mentees_in_one_cell(world):
    school = world.school_a1
    known = factories.teacher(school, last_name="Новикова", first_name="Мария", patronymic="Игоревна", birth_year=1999)
    mentor = factories.teacher(
        school, last_name="Морозова", first_name="Ольга", patronymic="Сергеевна", competencies=""
    )

    report = run(
        world,
        MENTORS,
        [
            {
                "mentor": "Морозова Ольга Сергеевна",
                "mentor_workplace": "МБОУ СОШ № 1",
                "competencies": "методика формирующего оценивания",
                "interests": "краеведение",
                "desired_age": "молодые педагоги до 35 лет",
                "time_available": "2 часа в неделю",
                "entry_date": "01.09.2025",
                "mentees": "1. Новикова Мария Игоревна, Ким Алексей Олегович\nЛебедева Ирина Павловна; Ахмедов Рустам",
                "format": "учитель – учитель",
                "mentee_workplace": "МБОУ СОШ № 1",
                "results": "все прошли аттестацию",
                "feedback": "https://school1.ru/mentor/1",
            }
        ],
    )

    assert report.ok, report.as_text()
    pair = MentoringPair.objects.get(mentor=mentor)
    assert sorted(pair.mentees.values_list("last_name", flat=True)) == ["Ахмедов", "Ким", "Лебедева", "Новикова"]
    assert pair.mentees.get(last_name="Новикова") == known
    assert pair.results == "все прошли аттестацию"
    assert pair.mentor_feedback_url == "https://school1.ru/mentor/1"
    assert set(pair.mentees.values_list("category", flat=True)) == {PersonCategory.TEACHER}
    mentor.refresh_from_db()
    assert mentor.competencies == "методика формирующего оценивания"
    assert mentor.time_resource == "2 часа в неделю"
    assert dict(report.created) == {"people": 3, "pairs": 1, "participations": 4}
    assert report.lines[0][1].startswith(
        "Новая группа (4 наставляемых): Морозова О. С. — Новикова М. И., Ким А. О., Лебедева И. П., Ахмедов Р., "
        "«учитель – учитель», с 01.09.2025"
    )
    assert "место работы наставляемого" not in report.lines[0][1]


def test_a_mentees_workplace_elsewhere_is_noted(world):
    report = run(
        world,
        MENTORS,
        [
            {
                "mentor": "Морозова Ольга Сергеевна",
                "entry_date": "01.09.2025",
                "format": "учитель – учитель",
                "mentees": "Ким Алексей Олегович",
                "mentee_workplace": "МБОУ СОШ № 2",
            }
        ],
        commit=False,
    )
    assert report.ok, report.as_text()
    assert report.lines[0][1].endswith(
        "место работы наставляемого «МБОУ СОШ № 2» — не МБОУ СОШ № 1: наставляемые внесены в базу МБОУ СОШ № 1"
    )


def test_a_mentor_of_another_school_of_the_department_is_found_there(world):
    other = factories.teacher(world.school_a2, last_name="Морозова", first_name="Ольга", patronymic="Сергеевна")
    before = Person.objects.filter(organisation=world.school_a2).count()

    report = run(
        world,
        MENTEES,
        [
            mentee_row(
                mentee="Новикова Мария Игоревна",
                mentee_birth_year=1999,
                format="учитель – учитель",
                mentor="Морозова Ольга Сергеевна",
                mentor_workplace="МБОУ «СОШ № 2»",
            )
        ],
    )

    assert report.ok, report.as_text()
    pair = MentoringPair.objects.get()
    assert (pair.mentor, pair.organisation) == (other, world.school_a1)
    assert Person.objects.filter(organisation=world.school_a2).count() == before
    assert "наставник из МБОУ СОШ № 2" in report.lines[0][1]


def test_a_mentor_from_outside_is_an_external_participant_of_the_school(world):
    report = run(
        world,
        MENTEES,
        [
            mentee_row(
                format="работодатель – ученик",
                mentor="Кузнецов Олег Петрович",
                mentor_workplace="ООО «Кедровский машиностроительный завод»",
            )
        ],
    )

    assert report.ok, report.as_text()
    mentor = MentoringPair.objects.get().mentor
    assert mentor.organisation == world.school_a1
    assert mentor.category == PersonCategory.EMPLOYEE
    assert mentor.workplace == "ООО «Кедровский машиностроительный завод»"


# --- problems -------------------------------------------------------------------------------

# (changed cells of the row, column letter, header, words of the message)
ROW_PROBLEMS = {
    "empty mentee": ({"mentee": None}, "B", "ФИО наставляемого", "Не заполнено «ФИО наставляемого»"),
    "one word": ({"mentor": "Ёлкин"}, "F", "ФИО наставника", "нужны хотя бы фамилия и имя"),
    "initials": ({"mentor": "Ёлкин П.И."}, "F", "ФИО наставника", "инициалы вместо имени"),
    "birth year": ({"mentee_birth_year": "20111"}, "C", "Год рождения наставляемого", "например 2011"),
    "date": ({"entry_date": "31.02.2025"}, "E", "Дата вхождения в программу", "ожидается дд.мм.гггг"),
    "empty date": ({"entry_date": None}, "E", "Дата вхождения в программу", "Не заполнено"),
    "end before entry": (
        {"end_date": "01.09.2025"},
        "I",
        "Дата завершения программы",
        "раньше даты вхождения в программу",
    ),
    "form": (
        {"format": "ученик – учитель"},
        "G",
        "Форма наставничества",
        "не найдена. Доступные формы: «ученик – ученик», «учитель – учитель»",
    ),
    "link": ({"feedback": "отзыв в папке"}, "K", "Ссылка на кейс/отзыв наставляемого", "не ссылка"),
    "mark": ({"completion_mark": "почти"}, "L", "Отметка о прохождении программы", "не распознана"),
}


@pytest.mark.parametrize("case", ROW_PROBLEMS, ids=list(ROW_PROBLEMS))
def test_a_wrong_cell_is_reported_on_its_row_and_column_and_nothing_is_saved(world, case):
    changes, column, header, words = ROW_PROBLEMS[case]
    before = counts()

    report = run(world, MENTEES, [mentee_row(mentee="Петров Илья Андреевич"), mentee_row(**changes)])

    assert not report.ok and not report.saved
    assert counts() == before
    [problem] = report.problems
    assert (problem.row, problem.column, problem.header) == (5, column, header)
    assert words in problem.message
    assert report.lines[1] == (5, "Не загружается: исправьте ошибки этой строки.")
    assert f"Строка 5, столбец {column} («{header}»): " in report.as_text()


def test_every_problem_of_every_row_is_reported(world):
    report = run(
        world,
        MENTEES,
        [
            mentee_row(entry_date="вчера", format="наставник – ученик"),
            mentee_row(mentee="Петров", mentee_birth_year=1800),
        ],
    )
    assert [(p.row, p.column) for p in report.problems] == [(4, "E"), (4, "G"), (5, "B"), (5, "C")]
    assert "Год рождения 1800 неправдоподобен" in report.problems[3].message


def test_namesakes_without_a_birth_year_are_a_problem(world):
    for year in (2011, 2012):
        factories.student(
            world.school_a1, last_name="Сидорова", first_name="Анна", patronymic="Сергеевна", birth_year=year
        )
    report = run(world, MENTEES, [mentee_row(mentee_birth_year=None)])

    [problem] = report.problems
    assert (problem.row, problem.column) == (4, "B")
    assert problem.message.startswith(
        "В реестре несколько участников с ФИО «Сидорова Анна Сергеевна» — укажите "
        "год рождения в столбце «Год рождения наставляемого»"
    )
    # With the year the right one is found.
    assert run(world, MENTEES, [mentee_row(mentee_birth_year=2012)], commit=False).ok


def test_two_end_dates_for_one_group_are_a_problem(world):
    report = run(
        world,
        MENTEES,
        [
            mentee_row(end_date="20.05.2026"),
            mentee_row(mentee="Петров Илья Андреевич", end_date="25.05.2026"),
        ],
    )
    [problem] = report.problems
    assert (problem.row, problem.column) == (5, "I")
    assert "в строке 4 указана другая дата завершения — 20.05.2026" in problem.message


def test_a_students_form_refuses_a_teacher_the_registry_knows(world):
    factories.teacher(world.school_a1, last_name="Сидорова", first_name="Анна", patronymic="Сергеевна", birth_year=1990)
    before = counts()

    report = run(world, MENTEES, [mentee_row(mentee_birth_year=1990)])

    assert counts() == before and not report.saved
    [problem] = report.problems
    assert (problem.row, problem.column) == (4, "B")
    assert problem.message == ("В форме «ученик – ученик» наставляемый — обучающийся, а Сидорова Анна Сергеевна — нет.")


def test_a_mentee_led_by_the_same_mentor_in_another_active_pair_of_the_form_is_refused(world):
    school = world.school_a1
    anna = factories.student(school, last_name="Сидорова", first_name="Анна", patronymic="Сергеевна", birth_year=2012)
    elkin = factories.student(school, last_name="Ёлкин", first_name="Пётр", patronymic="Иванович", birth_year=2008)
    factories.pair(elkin, [anna], entry_date=date(2025, 10, 1))
    before = counts()

    report = run(world, MENTEES, [mentee_row()])

    assert counts() == before and not report.saved
    [problem] = report.problems
    assert (problem.row, problem.column) == (4, "B")
    assert problem.message.startswith(
        "Ёлкин Пётр Иванович уже ведёт Сидорова Анна Сергеевна в действующей паре формы «ученик – ученик»"
    )


def test_a_mentee_may_have_a_second_mentor_of_the_same_form(world):
    """A young teacher with a subject mentor and a class-teacher mentor; a pupil with two leaders."""
    school = world.school_a1
    anna = factories.student(school, last_name="Сидорова", first_name="Анна", patronymic="Сергеевна", birth_year=2012)
    factories.pair(factories.student(school, last_name="Орлов", birth_year=2008), [anna])

    report = run(world, MENTEES, [mentee_row()])

    assert report.saved and not report.problems
    assert anna.participations.filter(active=True).count() == 2


def test_a_mentee_twice_with_one_mentor_in_a_form_within_the_file_is_refused(world):
    report = run(
        world,
        MENTEES,
        [
            mentee_row(),
            mentee_row(mentor="Орлов Кирилл Андреевич"),  # a second mentor: allowed
            mentee_row(entry_date=datetime(2025, 10, 1)),  # the first mentor again, another pair
        ],
    )
    [problem] = report.problems
    assert (problem.row, problem.column) == (6, "B")
    assert "уже в другой действующей паре формы «ученик – ученик» с тем же наставником (Ёлкин Пётр Иванович, " in (
        problem.message
    )
    assert "строка 4" in problem.message


def test_an_external_mentor_breaks_a_students_form_and_is_told_why(world):
    report = run(world, MENTEES, [mentee_row(mentor_workplace="Кедровский колледж")])
    [problem] = report.problems
    assert (problem.row, problem.column) == (4, "F")
    assert "наставник — обучающийся" in problem.message
    assert "вносится как внешний участник: место работы «Кедровский колледж»" in problem.message


def test_a_mentor_missing_in_the_named_school_is_a_problem(world):
    report = run(world, MENTEES, [mentee_row(mentor_workplace="МБОУ СОШ № 2")])
    [problem] = report.problems
    assert (problem.row, problem.column) == (4, "F")
    assert problem.message.startswith("В базе «МБОУ СОШ № 2» (место работы наставника) нет участника «Ёлкин")


def test_a_text_file_is_a_file_level_problem(world):
    report = run_import(b"just some text\n", "база.txt", Kind.MENTEES, world.school_a1, None, commit=True)
    [problem] = report.problems
    assert (problem.row, problem.column) == (None, None)
    assert "Не найдена строка заголовков «База наставляемых»" in problem.message  # read as a table, none in it
    assert report.as_text().endswith(problem.message)


def test_a_missing_required_column_is_a_file_level_problem(world):
    headers = [h if h != "ФИО наставника" else "Руководитель" for h in MENTEES.headers]
    data = workbook(MENTEES, [mentee_row()], headers=headers)
    report = run_import(data, "база.xlsx", Kind.MENTEES, world.school_a1, None, commit=True)
    [problem] = report.problems
    assert problem.row is None and problem.header == "ФИО наставника"
    assert "нет столбца «ФИО наставника»" in problem.message


def test_problems_are_capped(world):
    report = run(world, MENTEES, [mentee_row(entry_date="вчера") for _ in range(520)], commit=False)
    assert len(report.problems) == 501
    assert report.problems[-1] == Problem(None, None, None, "… и ещё 20 ошибок.")
    assert report.problem_count == 520


# --- reading cells --------------------------------------------------------------------------


def test_names_are_split_by_lines_semicolons_and_commas_between_whole_names():
    assert split_names("Иванов Иван Иванович, Петров Пётр") == ["Иванов Иван Иванович", "Петров Пётр"]
    assert split_names("Иванов, Иван Иванович") == ["Иванов Иван Иванович"]
    assert split_names("1) Иванов Иван\n2) Петров Пётр; Ким Ли") == ["Иванов Иван", "Петров Пётр", "Ким Ли"]
    assert split_names("Иванов Иван Иванович, 2011 г.р., Петров Пётр") == [
        "Иванов Иван Иванович 2011 г.р",
        "Петров Пётр",
    ]
    name = parse_name("Мамедов Эльчин Рафик оглы (2011)")
    assert (name.last, name.first, name.patronymic, name.year) == ("Мамедов", "Эльчин", "Рафик оглы", 2011)
    assert parse_name("Ия Ли").first == "Ли"


def test_marks_links_and_forms_are_read_leniently():
    assert {parse_mark(text) for text in ("да", "+", "Прошёл", "ПРОШЛА", "пройдена")} == {CompletionMark.PASSED}
    assert {parse_mark(text) for text in ("нет", "-", "не завершил(а)", "Не прошёл")} == {CompletionMark.NOT_PASSED}
    assert parse_mark(None) == ""
    assert parse_url("http://school1.ru/a b".replace(" ", "")) == "http://school1.ru/ab"
    assert parse_url("www.school1.ru/otzyv") == "https://www.school1.ru/otzyv"
    with pytest.raises(ValueError):
        parse_url("ftp://school1.ru/otzyv")
    assert format_sides("руководитель образовательной организации – педагог") == ("teacher", "teacher")
    assert format_sides("студент – ученик") == ("student", "pupil")


@pytest.mark.parametrize("use_json", [False, True], ids=["text", "json"])
def test_the_imports_audit_entries_are_auditlogs_own(world, use_json):
    """The import writes its audit entries in bulk with a diff worked out once per model (CreatedDiff):
    for every row it creates, the entry says exactly what auditlog's model_instance_diff says, with the
    changes kept as text (this project's setting) or as JSON."""
    from auditlog.diff import model_instance_diff

    from exchange.importer.audit import CreatedDiff, _no_reverse_one_to_one

    report = run(world, MENTEES, CLEAN_MENTEES)
    assert report.saved
    rows = [
        *Person.objects.filter(organisation=world.school_a1),
        *MentoringPair.objects.all(),
        *PairMentee.objects.select_related("mentee", "mentor"),
    ]
    assert len(rows) >= 10
    for obj in rows:
        _no_reverse_one_to_one(obj)
        expected = model_instance_diff(None, obj, use_json_for_changes=use_json)
        assert CreatedDiff(type(obj), use_json)(obj) == expected, type(obj).__name__
