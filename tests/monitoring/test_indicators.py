"""The indicator table on small registries whose answers are worked out by hand in each test."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from monitoring.indicators import (
    INDICATORS,
    Cell,
    breakdown,
    default_years,
    drilldown,
    indicator_table,
)
from monitoring.models import Contingent
from registry import freshness
from registry.models import MentoringProgram, PersonCategory
from registry.services.pairs import save_pair
from tests import factories

pytestmark = pytest.mark.django_db

ANY_FORM = "студент – ученик"  # participants: any
OTHER_ANY_FORM = "работодатель – ученик"  # participants: any
STAFF_FORM = "учитель – учитель"


def contingent(organisation, year, **numbers) -> Contingent:
    return Contingent.objects.create(organisation=organisation, year=year, **numbers)


def external_mentor(organisation):
    """A college student: a mentor that no indicator counts."""
    return factories.PersonFactory(
        organisation=organisation, category=PersonCategory.COLLEGE_STUDENT, birth_year=2003, class_or_group=""
    )


def pair(mentor, mentees, entry, end=None, form=ANY_FORM):
    return factories.pair(mentor, mentees, format_name=form, entry_date=entry, end_date=end)


def cells(table, code):
    return table.row(code)


def people(queryset) -> set[str]:
    return {person.last_name for person in queryset}


# --- Boundaries of the year --------------------------------------------------------------------------


@pytest.fixture
def boundary_world(world):
    """Four pupils of 14–16 years in school A1, each in one pair with dates on the edges of years."""
    school = world.school_a1
    mentor = external_mentor(school)
    names = {}
    for name, entry, end in (
        ("Декабрёв", date(2023, 12, 31), None),  # entered on the last day of 2023: counts in 2023 and 2024
        ("Январёв", date(2022, 3, 1), date(2023, 1, 1)),  # completed on 1 January 2023: 2022 and 2023
        ("Новогодний", date(2024, 1, 1), None),  # entered on 1 January 2024: 2024 only
        ("Декабрина", date(2021, 5, 5), date(2022, 12, 31)),  # completed on 31 December 2022: 2021, 2022
    ):
        names[name] = factories.student(school, last_name=name, birth_year=2009)
        pair(mentor, [names[name]], entry, end)
    for year in (2021, 2022, 2023, 2024):
        contingent(school, year, students_total=400, students_10_18=200)
    return world


EXPECTED_BY_YEAR = {
    2020: set(),
    2021: {"Декабрина"},
    2022: {"Январёв", "Декабрина"},
    2023: {"Декабрёв", "Январёв"},
    2024: {"Декабрёв", "Новогодний"},
    2025: {"Декабрёв", "Новогодний"},
}


def test_a_pair_counts_in_every_year_it_was_active_on_some_day(boundary_world):
    department = boundary_world.department_a
    table = indicator_table(department, [2020, 2021, 2022, 2023, 2024, 2025])
    row = cells(table, "students_mentees_share")
    school = boundary_world.school_a1
    for year, expected in EXPECTED_BY_YEAR.items():
        assert people(drilldown(department, "students_mentees_share", year, school)) == expected, year
        if year in (2020, 2025):  # no contingent for these years: the share is missing, the people are not
            assert row[year] == Cell(None, None, None, 0, 2, len(expected))
            assert not drilldown(department, "students_mentees_share", year).exists()
        else:
            assert people(drilldown(department, "students_mentees_share", year)) == expected, year
            assert row[year].numerator == len(expected), year
            assert row[year].denominator == 200
    assert row[2021].value == Decimal("0.5")
    assert row[2022].value == Decimal("1.0")
    assert row[2024].value == Decimal("1.0")


def test_completing_a_pair_later_does_not_change_past_years(boundary_world):
    department = boundary_world.department_a
    before = indicator_table(department, [2023, 2024])
    active = boundary_world.school_a1.pairs.get(
        mentor__category=PersonCategory.COLLEGE_STUDENT, entry_date=date(2023, 12, 31)
    )
    active.end_date = date(2024, 2, 1)
    save_pair(active, list(active.mentees.all()))  # completed, as the pair page does it
    factories.pair(
        active.mentor, list(active.mentees.all()), format_name=ANY_FORM, entry_date=date(2024, 3, 1)
    )  # the same pupil again, in a new pair
    after = indicator_table(department, [2023, 2024, 2025])
    assert after.row("students_mentees_share")[2023].numerator == before.row("students_mentees_share")[2023].numerator
    assert after.row("students_mentees_share")[2024].numerator == 2  # still counted once


# --- Ages --------------------------------------------------------------------------------------------


def test_ages_ten_and_eighteen_count_nine_and_nineteen_do_not(world):
    school = world.school_a1
    mentor = external_mentor(school)
    for name, birth_year in (
        ("Девятилетний", 2015),
        ("Десятилетний", 2014),
        ("Восемнадцатилетний", 2006),
        ("Девятнадцатилетний", 2005),
        ("Безгодов", None),
    ):
        pair(mentor, [factories.student(school, last_name=name, birth_year=birth_year)], date(2024, 9, 1))
    # Pupils as mentors of pupils: 18 counts, 19 does not.
    mentee = factories.student(school, last_name="Подопечный", birth_year=2003)  # 21: not counted as mentee
    pair(
        factories.student(school, last_name="Старший", birth_year=2006),
        [mentee],
        date(2024, 9, 1),
        form="ученик – ученик",
    )
    other = factories.student(school, last_name="Второй", birth_year=2003)
    pair(
        factories.student(school, last_name="Выпускник", birth_year=2005),
        [other],
        date(2024, 9, 1),
        form="ученик – ученик",
    )
    contingent(school, 2024, students_total=100, students_10_18=80)

    table = indicator_table(world.department_a, [2024])
    assert table.row("students_mentees_share")[2024] == Cell(2, 80, Decimal("2.5"), 1, 2, 2)
    assert people(drilldown(world.department_a, "students_mentees_share", 2024)) == {
        "Десятилетний",
        "Восемнадцатилетний",
    }
    assert table.row("students_mentors_share")[2024] == Cell(1, 80, Decimal("1.3"), 1, 2, 1)  # 1.25 → 1.3
    assert people(drilldown(world.department_a, "students_mentors_share", 2024)) == {"Старший"}
    # In 2023 the 18-year-old mentor was 17 and the 10-year-old 9; but the pairs only began in 2024.
    assert indicator_table(world.department_a, [2023]).row("students_mentees_share")[2023].numerator is None


# --- Each person once; denominators; organisations without a contingent -----------------------------


def test_a_person_in_several_pairs_counts_once(world):
    school = world.school_a1
    pupil = factories.student(school, last_name="Дважды", birth_year=2011)
    teacher = factories.teacher(school, last_name="Наставникова")
    pair(teacher, [pupil], date(2024, 2, 1))
    pair(teacher, [pupil], date(2024, 3, 1), form=OTHER_ANY_FORM)
    pair(
        teacher,
        [factories.student(school, last_name="Другой", birth_year=2011)],
        date(2023, 9, 1),
        end=date(2024, 5, 1),
        form=ANY_FORM,
    )
    contingent(school, 2024, students_total=50, students_10_18=40, teachers=20)

    table = indicator_table(world.department_a, [2024])
    assert table.row("students_mentees_share")[2024].numerator == 2
    assert table.row("teachers_mentors_share")[2024] == Cell(1, 20, Decimal("5.0"), 1, 2, 1)
    assert list(drilldown(world.department_a, "teachers_mentors_share", 2024)) == [teacher]


def test_no_contingent_at_all_leaves_every_share_missing(world):
    school = world.school_a1
    pair(factories.teacher(school), [factories.student(school, birth_year=2011)], date(2024, 1, 10))
    table = indicator_table(world.department_a, [2024])
    for indicator, by_year in table.rows:
        cell = by_year[2024]
        if indicator.needs_contingent:
            assert cell.value is None and cell.numerator is None and cell.denominator is None, indicator.code
            assert (cell.reported, cell.organisations) == (0, 2)
    assert table.row("students_mentees_share")[2024].numerator_all == 1
    assert table.row("teachers_mentors_share")[2024].numerator_all == 1
    # A contingent without the number is not a report of it either.
    contingent(school, 2024, students_total=300)
    table = indicator_table(world.department_a, [2024])
    assert table.row("students_mentees_share")[2024].value is None
    assert table.row("students_mentees_share")[2024].reported == 0


def test_shares_count_only_organisations_that_reported(world):
    a1, a2 = world.school_a1, world.school_a2
    pair(
        external_mentor(a1),
        [factories.student(a1, birth_year=2012), factories.student(a1, birth_year=2012)],
        date(2024, 1, 10),
    )
    pair(external_mentor(a2), [factories.student(a2, last_name="Безотчётный", birth_year=2012)], date(2024, 1, 10))
    contingent(a1, 2024, students_total=100, students_10_18=50)  # a2 did not report

    cell = indicator_table(world.department_a, [2024]).row("students_mentees_share")[2024]
    assert cell == Cell(2, 50, Decimal("4.0"), 1, 2, 3)
    assert cell.coverage_incomplete
    assert "Безотчётный" not in people(drilldown(world.department_a, "students_mentees_share", 2024))
    assert people(drilldown(world.department_a, "students_mentees_share", 2024, a2)) == {"Безотчётный"}


def test_breakdown_lists_every_organisation(world):
    a1, a2 = world.school_a1, world.school_a2
    a3 = factories.OrganisationFactory(department=world.department_a, code="a3", short_name="МБОУ ООШ № 3")
    pair(external_mentor(a1), [factories.student(a1, birth_year=2012)], date(2024, 1, 10))
    pair(external_mentor(a2), [factories.student(a2, birth_year=2012)], date(2024, 1, 10))
    contingent(a1, 2024, students_10_18=10, students_total=20)
    contingent(a3, 2024, students_10_18=30, students_total=40)  # reported, no mentoring at all

    rows = {row.organisation.code: row.cell for row in breakdown(world.department_a, "students_mentees_share", 2024)}
    assert rows == {
        "a1": Cell(1, 10, Decimal("10.0"), 1, 1, 1),
        "a2": Cell(None, None, None, 0, 1, 1),
        "a3": Cell(0, 30, Decimal("0.0"), 1, 1, 0),
    }
    orgs = {row.organisation.code: row.cell for row in breakdown(world.department_a, "orgs_share", 2024)}
    assert orgs["a3"] == Cell(0, 1, Decimal("0.0"), 1, 1, 0)
    assert orgs["a1"].value == Decimal("100.0")
    table = indicator_table(world.department_a, [2024]).row("students_mentees_share")[2024]
    assert table == Cell(1, 40, Decimal("2.5"), 2, 3, 2)


# --- Teachers: indicators 5–8 ------------------------------------------------------------------------


@pytest.fixture
def staff_world(world):
    school = world.school_a1
    mentor = factories.teacher(school, last_name="Опытная")
    young_mentor = factories.teacher(school, last_name="Юная", is_young_teacher=True)
    with_iom = factories.teacher(school, last_name="Сиомом", is_young_specialist=True, is_young_teacher=True)
    without_iom = factories.teacher(school, last_name="Безиома", is_young_specialist=True)
    worker = factories.teacher(
        school,
        last_name="Психолог",
        category=PersonCategory.STAFF,
        is_young_specialist=True,
        position="педагог-психолог",
    )
    archived = factories.teacher(school, last_name="Архивная", is_young_specialist=True, is_young_teacher=True)
    old_hand = factories.teacher(school, last_name="Ветеран")

    pair(mentor, [with_iom, without_iom], date(2024, 9, 1), form=STAFF_FORM)
    pair(young_mentor, [worker, old_hand], date(2024, 10, 1), form="руководитель образовательной организации – педагог")
    pair(mentor, [archived], date(2022, 9, 1), end=date(2023, 6, 30), form=STAFF_FORM)
    for participation in with_iom.participations.all():
        participation.iom_built = True
        participation.save()
    archived_participation = archived.participations.get()
    archived_participation.iom_built = True
    archived_participation.save()
    archived.archived_at = datetime(2023, 7, 1, tzinfo=UTC)
    archived.archive_reason = "уволилась"
    archived.save()
    for year in (2023, 2024):
        contingent(school, year, teachers=40, young_specialists=8, young_teachers=5)
    return world


@pytest.mark.parametrize(
    "code, year, expected",
    [
        ("young_specialists_mentees_share", 2024, {"Сиомом", "Безиома", "Психолог"}),
        ("young_specialists_mentees_share", 2023, {"Архивная"}),
        ("teachers_mentors_share", 2024, {"Опытная", "Юная"}),
        ("teachers_mentors_share", 2023, {"Опытная"}),
        ("young_specialists_iom_share", 2024, {"Сиомом"}),
        ("young_specialists_iom_share", 2023, {"Архивная"}),
        ("young_teachers_share", 2024, {"Сиомом", "Юная"}),
        ("young_teachers_share", 2023, {"Архивная"}),
    ],
)
def test_staff_indicators(staff_world, code, year, expected):
    department = staff_world.department_a
    denominators = {
        "young_specialists_mentees_share": 8,
        "teachers_mentors_share": 40,
        "young_specialists_iom_share": 8,
        "young_teachers_share": 5,
    }
    cell = indicator_table(department, [2023, 2024]).row(code)[year]
    assert people(drilldown(department, code, year)) == expected
    assert cell.numerator == len(expected)
    assert cell.denominator == denominators[code]
    assert cell.value == (Decimal(len(expected) * 100) / denominators[code]).quantize(Decimal("0.1"))


def test_the_national_target_carries_its_goal():
    target = {indicator.code: indicator.target for indicator in INDICATORS}
    assert target["young_teachers_share"] == Decimal("70")
    assert [indicator.number for indicator in INDICATORS] == list(range(1, 9))
    assert all(indicator.definition for indicator in INDICATORS)
    assert {indicator.unit for indicator in INDICATORS} == {"%", "шт."}


# --- Indicators 1 and 2 ------------------------------------------------------------------------------


def test_organisations_with_mentoring_and_programs(world):
    a1, a2, b1 = world.school_a1, world.school_a2, world.school_b1
    factories.OrganisationFactory(department=world.department_a, code="a3")  # no mentoring
    pair(external_mentor(a1), [factories.student(a1)], date(2024, 3, 1))
    pair(external_mentor(a2), [factories.student(a2)], date(2022, 9, 1), end=date(2023, 1, 1))
    pair(external_mentor(b1), [factories.student(b1)], date(2023, 3, 1))  # another department
    factories.ProgramFactory(organisation=a1, name="Ушедшая", start_date=date(2022, 9, 1), end_date=date(2023, 5, 31))
    factories.ProgramFactory(organisation=a1, name="Новогодняя", start_date=date(2023, 12, 31))
    factories.ProgramFactory(organisation=a2, name="Будущая", start_date=date(2025, 1, 1))
    factories.ProgramFactory(
        organisation=a2, name="Прошлогодняя", start_date=date(2021, 9, 1), end_date=date(2022, 12, 31)
    )
    factories.ProgramFactory(organisation=b1, name="Чужая", start_date=date(2020, 1, 1))

    table = indicator_table(world.department_a, [2022, 2023, 2024])
    assert table.row("orgs_share")[2022] == Cell(1, 3, Decimal("33.3"), 3, 3, 1)
    assert table.row("orgs_share")[2023] == Cell(1, 3, Decimal("33.3"), 3, 3, 1)
    assert table.row("orgs_share")[2024] == Cell(1, 3, Decimal("33.3"), 3, 3, 1)
    assert [o.code for o in drilldown(world.department_a, "orgs_share", 2023)] == ["a2"]
    assert [o.code for o in drilldown(world.department_a, "orgs_share", 2024)] == ["a1"]
    assert table.row("programs_count")[2022] == Cell(2, None, Decimal(2), 3, 3, 2)
    assert table.row("programs_count")[2023].value == 2
    assert table.row("programs_count")[2024].value == 1
    assert {p.name for p in drilldown(world.department_a, "programs_count", 2023)} == {"Ушедшая", "Новогодняя"}
    assert {p.name for p in drilldown(world.department_a, "programs_count", 2024, a1)} == {"Новогодняя"}


def test_a_region_adds_its_departments_up(world):
    a1, b1 = world.school_a1, world.school_b1
    pair(external_mentor(a1), [factories.student(a1, birth_year=2012)], date(2024, 3, 1))
    pair(
        external_mentor(b1),
        [factories.student(b1, birth_year=2012), factories.student(b1, birth_year=2012)],
        date(2024, 3, 1),
    )
    contingent(a1, 2024, students_total=10, students_10_18=10)
    contingent(b1, 2024, students_total=30, students_10_18=30)
    region = [world.department_a, world.department_b]
    assert indicator_table(region, [2024]).row("students_mentees_share")[2024] == Cell(3, 40, Decimal("7.5"), 2, 3, 3)
    assert indicator_table(world.department_b, [2024]).row("students_mentees_share")[2024].numerator == 2
    assert len(drilldown(region, "students_mentees_share", 2024)) == 3
    assert indicator_table(region, [2024]).row("orgs_share")[2024] == Cell(2, 3, Decimal("66.7"), 3, 3, 2)


# --- Agreement of the table with the drill-down ------------------------------------------------------


def test_the_drilldown_counts_what_the_table_counts(boundary_world):
    department = boundary_world.department_a
    school, other = boundary_world.school_a1, boundary_world.school_a2
    young = factories.teacher(school, is_young_specialist=True, is_young_teacher=True)
    pair(factories.teacher(school), [young], date(2012, 2, 2), form=STAFF_FORM)
    pair(
        young, [factories.student(school, birth_year=2012)], date(2023, 2, 2), end=date(2024, 1, 1), form=OTHER_ANY_FORM
    )
    pair(
        factories.student(other, birth_year=2008),
        [factories.student(other, birth_year=2011)],
        date(2019, 5, 1),
        end=date(2022, 5, 1),
        form="ученик – ученик",
    )
    Contingent.objects.filter(organisation=school).update(teachers=30, young_specialists=3, young_teachers=3)
    years = list(range(2012, 2027))  # fifteen years: more than one block of bits per person
    table = indicator_table(department, years, cached=False)
    for indicator, by_year in table.rows:
        for year, cell in by_year.items():
            where = (indicator.code, year)
            assert drilldown(department, indicator.code, year).count() == (cell.numerator or 0), where
            by_organisation = sum(drilldown(department, indicator.code, year, o).count() for o in (school, other))
            assert by_organisation == cell.numerator_all, where
    assert table.row("young_teachers_share")[2012].numerator_all == 1
    assert table.row("students_mentors_share")[2020].numerator_all == 1
    assert table.row("students_mentors_share")[2023].numerator_all == 0  # 15 by then, but the pair had ended


# --- Queries and cache -------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_depend_on_years_or_size(boundary_world, django_assert_num_queries):
    department = boundary_world.department_a
    with django_assert_num_queries(5):  # organisations, pairs, programs, people, contingents
        indicator_table(department, [2024], cached=False)
    with django_assert_num_queries(5):
        indicator_table(department, list(range(2015, 2027)), cached=False)
    for _ in range(3):
        factories.OrganisationFactory(department=department)
        pair(
            external_mentor(boundary_world.school_a2),
            [factories.student(boundary_world.school_a2, birth_year=2010) for _ in range(3)],
            date(2024, 1, 5),
        )
    with django_assert_num_queries(5):
        indicator_table(department, list(range(2015, 2027)), cached=False)
    with django_assert_num_queries(5):
        breakdown(department, "young_teachers_share", 2024, cached=False)


def test_with_the_cache_the_number_of_queries_does_not_depend_on_years_either(boundary_world):
    department = boundary_world.department_a
    freshness.versions(department.organisations.values_list("pk", flat=True))  # the first ever: tokens made
    counts = []
    for years in ([2024], list(range(2015, 2027))):  # two different answers: both computed, then kept
        with CaptureQueriesContext(connection) as computed:
            indicator_table(department, years)
        with CaptureQueriesContext(connection) as kept:
            indicator_table(department, years)
        counts.append((len(computed), len(kept)))
    assert counts[0] == counts[1]
    assert counts[0][1] == 3


def test_the_table_is_cached_until_the_data_changes(boundary_world, django_assert_max_num_queries):
    department, school = boundary_world.department_a, boundary_world.school_a1
    first = indicator_table(department, [2024])
    with django_assert_max_num_queries(3):  # organisations, data versions, the cached answer
        assert indicator_table(department, [2024]).rows == first.rows
    record = Contingent.objects.get(organisation=school, year=2024)
    record.students_10_18 = 100
    record.save()
    assert indicator_table(department, [2024]).row("students_mentees_share")[2024].value == Decimal("2.0")
    MentoringProgram.objects.create(organisation=school, name="Новая", start_date=date(2024, 9, 1))
    assert indicator_table(department, [2024]).row("programs_count")[2024].value == 1
    pair(external_mentor(school), [factories.student(school, birth_year=2012)], date(2024, 9, 1))
    assert indicator_table(department, [2024]).row("students_mentees_share")[2024].numerator == 3


def _tables_agree(department, years):
    cached, fresh = indicator_table(department, years), indicator_table(department, years, cached=False)
    assert cached.rows == fresh.rows
    return cached


def test_a_change_in_one_school_counts_that_school_again_with_roles_from_every_school(world):
    """Facts are kept per organisation; a school's people still count their roles in other schools' pairs."""
    department, school, other = world.department_a, world.school_a1, world.school_a2
    years = [2024, 2025]
    guest = factories.teacher(other)  # a teacher of A2 mentors in A1: counted in A2
    young = factories.teacher(school, is_young_specialist=True, is_young_teacher=True)
    pair(guest, [young], date(2024, 9, 1), form=STAFF_FORM)
    pair(
        factories.student(other, birth_year=2008),
        [factories.student(other, birth_year=2011)],
        date(2024, 2, 2),
        form="ученик – ученик",
    )
    for organisation in (school, other):
        contingent(organisation, 2024, teachers=20, young_specialists=2, young_teachers=2)
    table = _tables_agree(department, years)
    assert table.row("teachers_mentors_share")[2024].numerator == 1

    with CaptureQueriesContext(connection) as queries:
        pair(
            factories.teacher(school),
            [factories.teacher(school, is_young_specialist=True)],
            date(2025, 1, 9),
            form=STAFF_FORM,
        )
        table = _tables_agree(department, years)
    statements = [q["sql"] for q in queries.captured_queries if "BIT_OR" in q["sql"] or "MAX(CASE" in q["sql"]]
    assert len(statements) == 2  # the cached table counted A1's people again; then the uncached one
    assert f"IN ({school.pk}))" in statements[0] and f"IN ({other.pk}))" not in statements[0]
    assert table.row("teachers_mentors_share")[2025].numerator_all == 2  # the guest of A2 still counted

    guest.organisation = school  # moved: both schools' facts are counted again
    guest.save()
    table = _tables_agree(department, years)
    assert table.row("teachers_mentors_share")[2025].numerator_all == 2
    assert [c.cell.numerator_all for c in breakdown(department, "teachers_mentors_share", 2025)] == [2, 0]


def test_default_years_span_the_data(world):
    assert default_years(world.department_a, today=date(2025, 3, 1)) == [2025]
    school = world.school_a1
    pair(external_mentor(school), [factories.student(school)], date(2021, 10, 1), end=date(2022, 5, 1))
    assert default_years(world.department_a, today=date(2025, 3, 1)) == [2021, 2022]
    pair(external_mentor(school), [factories.student(school)], date(2023, 10, 1))
    assert default_years(world.department_a, today=date(2025, 3, 1)) == [2021, 2022, 2023, 2024, 2025]
    assert default_years(world.department_b, today=date(2025, 3, 1)) == [2025]


def test_an_unknown_indicator_is_refused(world):
    with pytest.raises(KeyError):
        drilldown(world.department_a, "nope", 2024)


# --- The contingent model ----------------------------------------------------------------------------


def test_contingent_clean_explains_in_russian(world):
    record = Contingent(
        organisation=world.school_a1,
        year=2024,
        students_total=10,
        students_10_18=11,
        teachers=5,
        young_specialists=6,
        young_teachers=7,
    )
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    errors = caught.value.message_dict
    assert errors["students_10_18"] == ["Обучающихся 10–18 лет не может быть больше, чем всего обучающихся."]
    assert "молодых специалистов" in errors["young_specialists"][0]
    assert "до 35 лет" in errors["young_teachers"][0]
    with pytest.raises(ValidationError) as caught:
        Contingent(organisation=world.school_a1, year=1999).full_clean()
    assert "year" in caught.value.message_dict
    Contingent(organisation=world.school_a1, year=2024, students_10_18=11).full_clean()  # no whole: fine
    contingent(world.school_a1, 2024)
    with pytest.raises(ValidationError) as caught:
        Contingent(organisation=world.school_a1, year=2024).full_clean()
    assert "уже внесён" in str(caught.value)


@pytest.mark.parametrize(
    "numbers",
    [
        {"year": 2024, "students_total": 10, "students_10_18": 11},
        {"year": 2024, "teachers": 5, "young_specialists": 6},
        {"year": 2024, "teachers": 5, "young_teachers": 6},
        {"year": 1999},
        {"year": 2101},
        {"year": 2024, "teachers": -1},
    ],
)
def test_the_database_refuses_an_impossible_contingent(world, numbers):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contingent.objects.create(organisation=world.school_a1, **numbers)


def test_one_contingent_per_organisation_and_year(world):
    contingent(world.school_a1, 2024, teachers=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        contingent(world.school_a1, 2024, teachers=4)
    contingent(world.school_a1, 2023, teachers=4)


def test_contingents_are_scoped_like_the_registry(world):
    for school in (world.school_a1, world.school_a2, world.school_b1):
        contingent(school, 2024)
    seen = lambda user: {c.organisation.code for c in Contingent.objects.for_user(user)}  # noqa: E731
    assert seen(world.methodist_a) == {"a1", "a2"}
    assert seen(world.head_a) == {"a1", "a2"}
    assert seen(world.curator_a1) == {"a1"}
    assert seen(world.methodist_b) == {"b1"}
