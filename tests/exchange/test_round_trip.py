"""A municipality moving in: export a school's bases, import them into an empty organisation, export again."""

from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from registry.models import MentoringPair, PairMentee, Person
from registry.models.pairs import CompletionMark
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_with_history(world):
    school = world.school_a1
    leader = factories.student(
        school,
        last_name="Ёлкин",
        first_name="Пётр",
        patronymic="Ильич",
        birth_year=2008,
        competencies="Математика, олимпиады",
        interests="Шахматы",
        time_resource="2 часа в неделю",
        desired_mentee_age="10–13 лет",
    )
    group = factories.pair(
        leader,
        [
            factories.student(
                school,
                last_name="Абрамова",
                first_name="Вера",
                patronymic="",
                birth_year=2013,
                main_request="=Дроби и проценты",
            ),
            factories.student(school, last_name="Борисов", first_name="Глеб", patronymic="Ильич", birth_year=2014),
        ],
        entry_date=date(2025, 9, 15),
        mentor_feedback_url="https://school1.example/case/1",
    )
    teacher = factories.teacher(
        school, last_name="Смирнова", first_name="Анна", patronymic="Львовна", achievements="Учитель года — 2019"
    )
    young = factories.teacher(
        school,
        last_name="Юнусов",
        first_name="Марат",
        patronymic="",
        birth_year=2001,
        main_request="Дисциплина на уроке",
    )
    done = factories.pair(
        teacher,
        [young],
        format_name="учитель – учитель",
        entry_date=date(2024, 9, 2),
        end_date=date(2025, 5, 30),
        results="Провёл открытый урок",
    )
    PairMentee.objects.filter(pair=done).update(
        completion_mark=CompletionMark.PASSED, feedback_url="https://school1.example/otzyv/2"
    )
    return group, done


def data_rows(path):
    return [row for row in load_workbook(path).active.iter_rows(values_only=True) if isinstance(row[0], int)]


@pytest.mark.parametrize("base", ["mentees", "mentors"])
def test_export_import_export_gives_the_same_rows(world, school_with_history, tmp_path, base):
    # The same school in a municipality that is moving into the registry: an empty organisation.
    newcomer = factories.EducationDepartmentFactory(code="novy")
    target = factories.OrganisationFactory(
        department=newcomer, code="sosh1", short_name=world.school_a1.short_name, full_name=world.school_a1.full_name
    )
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    call_command(
        "export_base",
        base,
        "--department",
        world.department_a.code,
        "--organisation",
        world.school_a1.code,
        "--all",
        "--output",
        str(first),
    )
    assert len(data_rows(first)) >= 2

    call_command("import_base", base, str(first), "--organisation", target.code, "--department", newcomer.code)
    assert Person.objects.filter(organisation=target).exists()
    pairs_after_first_import = MentoringPair.objects.filter(organisation=target).count()

    call_command(
        "export_base",
        base,
        "--department",
        newcomer.code,
        "--organisation",
        target.code,
        "--all",
        "--output",
        str(second),
    )
    assert data_rows(second) == data_rows(first)

    # Importing the same file again creates nothing new.
    people = Person.objects.count()
    call_command("import_base", base, str(first), "--organisation", target.code, "--department", newcomer.code)
    assert (Person.objects.count(), MentoringPair.objects.filter(organisation=target).count()) == (
        people,
        pairs_after_first_import,
    )
