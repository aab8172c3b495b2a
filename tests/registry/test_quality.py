"""Data quality: before the bases go to the region, each check finds exactly what is missing or wrong,
and only within the user's part of the registry."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from influence.models import Purpose, Role
from influence.services import save_response, template_for
from monitoring.models import Contingent
from registry import quality
from registry.models import Meeting, MeetingKind, Person
from registry.views import quality as quality_views
from tests import factories

ORDER = {"order_number": "15-о", "order_date": date(2025, 9, 10)}
COMPLETED = date(2026, 5, 25)


def today() -> date:
    return timezone.localdate()


def aged(years: int) -> int:
    """The birth year of someone `years` old this year."""
    return today().year - years


def pair_of(school, mentor_name, *, mentees=1, **fields):
    """A pair of minor students of `school` whose mentor is called `mentor_name`."""
    mentor = factories.student(school, last_name=mentor_name, birth_year=aged(16))
    mentees = [factories.student(school, birth_year=aged(12)) for _ in range(mentees)]
    return factories.pair(mentor, mentees, **fields)


def troubles(school, name):
    """One problem of every kind in `school`, all around a mentor called `name`.

    The pair has no order, is past its planned end, has no meeting and no «before» questionnaires; the
    mentor (a minor without a consent, like the mentees) may lead one mentee and leads two; and the mentor
    was entered twice. Beside it a sound pair (order, consents, a meeting, its «before» questionnaires)
    whose pupil mentor has no birth year, and teachers' completed pair without its «after» questionnaires.
    """
    mentor = factories.student(school, last_name=name, first_name="Олег", birth_year=aged(16), max_mentees=1)
    mentees = [factories.student(school, last_name=f"{name}-{i}", birth_year=aged(12)) for i in (1, 2)]
    factories.pair(mentor, mentees, planned_end_date=today() - timedelta(days=1))
    factories.student(school, last_name=name, first_name="Олег", birth_year=aged(16))
    ageless = factories.student(school, last_name=f"{name}-безгодов", birth_year=None)
    junior = factories.student(school, last_name=f"{name}-младший", birth_year=aged(11))
    for person in (ageless, junior):
        factories.ConsentFactory(person=person)
    sound = factories.pair(ageless, [junior], **ORDER)
    Meeting.objects.create(pair=sound, kind=MeetingKind.objects.first(), date=sound.entry_date)
    for participation in (None, sound.participations.get()):
        template = template_for(sound, Purpose.BEFORE, Role.MENTOR if participation is None else Role.MENTEE)
        save_response(pair=sound, participation=participation, template=template, values={}, user=None)
    teachers = [factories.teacher(school, last_name=f"{name}-педагог-{i}") for i in (1, 2)]
    factories.pair(
        teachers[0], teachers[1:], format_name="учитель – учитель", end_date=COMPLETED, results="Освоил", **ORDER
    )
    # Three pupils of 10–18 are mentees this year; the school reported two.
    Contingent.objects.get_or_create(organisation=school, year=today().year, defaults={"students_10_18": 2})


# What `troubles` gives one school, check by check.
ONE_SCHOOLS_TROUBLES = {
    "orders": 1,
    "consents": 4,
    "overdue": 1,
    "duplicates": 1,
    "load": 1,
    "no_meetings": 1,
    "mentor_birth_year": 1,
    "no_before_questionnaire": 1,
    "no_after_questionnaire": 1,
    "contingent_exceeded": 1,
    "mentor_training": 0,  # events/quality.py: its mentors are teachers (tests/events)
}


def section_rows(response, slug):
    [section] = [s for s in response.context["sections"] if s.check.slug == slug]
    return section.rows


def counts(response) -> dict[str, int]:
    return {section.check.slug: section.count for section in response.context["sections"]}


# --- each check, on its own -----------------------------------------------------------------------


def test_active_pairs_without_an_order_number_or_date(world):
    school = world.school_a1
    no_number = pair_of(school, "Безномеров", order_date=date(2025, 9, 10))
    no_date = pair_of(school, "Бездатов", order_number="15-о")
    nothing = pair_of(school, "Бесприказов")
    pair_of(school, "Порядков", **ORDER)
    pair_of(school, "Завершилов", end_date=COMPLETED, results="Освоил программу")  # completed: not asked

    assert set(quality.pairs_without_order(world.methodist_a)) == {no_number, no_date, nothing}


def test_minors_without_a_consent_those_in_active_pairs_first(world):
    school = world.school_a1
    mentee = factories.student(school, last_name="Яковлева", birth_year=aged(12))
    mentor = factories.student(school, last_name="Андреев", birth_year=aged(16))
    factories.pair(mentor, [mentee], **ORDER)
    factories.student(school, last_name="Антонов", birth_year=aged(10))
    withdrawn = factories.student(school, last_name="Отозванова", birth_year=aged(13))
    factories.ConsentFactory(person=withdrawn, withdrawn_on=date(2025, 10, 1))
    # In doubt, so treated as minors: a student who turns 18 this year (may still be 17), one without a birth year.
    factories.student(school, last_name="Взрослов", birth_year=aged(18))
    factories.student(school, last_name="Безгодов", birth_year=None)
    # Healthy: a valid consent, 19 this year, archived, a teacher with or without a birth year.
    factories.ConsentFactory(person=factories.student(school, last_name="Согласнова", birth_year=aged(12)))
    factories.student(school, last_name="Выпускников", birth_year=aged(19))
    factories.student(school, last_name="Архивов", birth_year=aged(12), archived_at=timezone.now())
    factories.teacher(school, last_name="Учителева")
    factories.teacher(school, last_name="Учителев", birth_year=None)

    found = list(quality.minors_without_consent(world.methodist_a))
    assert [(p.last_name, p.in_active_pair) for p in found] == [
        ("Андреев", True),
        ("Яковлева", True),
        ("Антонов", False),
        ("Безгодов", False),
        ("Взрослов", False),
        ("Отозванова", False),
    ]


def test_pairs_past_their_planned_end_and_completed_ones_without_results(world):
    school = world.school_a1
    long_overdue = pair_of(school, "Давнов", planned_end_date=date(2026, 1, 31), **ORDER)
    overdue = pair_of(school, "Просрочкин", planned_end_date=today() - timedelta(days=1), **ORDER)
    silent = pair_of(school, "Молчанов", end_date=COMPLETED, **ORDER)
    pair_of(school, "Впредин", planned_end_date=today() + timedelta(days=30), **ORDER)
    pair_of(school, "Бессрочнов", **ORDER)  # no planned end: nothing to be late for
    pair_of(school, "Итогов", end_date=COMPLETED, results="Повысил успеваемость по алгебре", **ORDER)

    found = list(quality.pairs_past_due(world.methodist_a))
    assert found == [long_overdue, overdue, silent]
    assert [pair.is_active for pair in found] == [True, True, False]


def test_active_pairs_without_a_meeting_for_a_month(world):
    school = world.school_a1
    quiet = pair_of(school, "Молчалин", entry_date=today() - timedelta(days=31), **ORDER)
    pair_of(school, "Новичков", entry_date=today() - timedelta(days=29), **ORDER)  # not a month yet
    met = pair_of(school, "Встречин", entry_date=today() - timedelta(days=60), **ORDER)
    Meeting.objects.create(pair=met, kind=MeetingKind.objects.first(), date=today() - timedelta(days=50))
    pair_of(school, "Итогов", end_date=COMPLETED, results="Освоил программу", **ORDER)  # completed: not asked

    assert list(quality.pairs_without_meetings(world.methodist_a)) == [quiet]
    assert list(quality.pairs_without_meetings(world.curator_a2)) == []


def test_pupil_mentors_of_active_pairs_without_a_birth_year(world):
    school = world.school_a1
    ageless = factories.student(school, last_name="Безгодов", birth_year=None)
    factories.pair(ageless, [factories.student(school, birth_year=aged(12))], **ORDER)
    done = factories.student(school, last_name="Завершилов", birth_year=None)
    factories.pair(done, [factories.student(school, birth_year=aged(12))], end_date=COMPLETED, **ORDER)
    teacher = factories.teacher(school, last_name="Учителев", birth_year=None)  # no age in a teacher's indicator
    factories.pair(teacher, [factories.teacher(school)], format_name="учитель – учитель", **ORDER)
    factories.student(school, last_name="Немой", birth_year=None)  # not a mentor

    assert list(quality.mentors_without_birth_year(world.methodist_a)) == [ageless]


def test_a_meeting_written_down_clears_the_pair_from_the_check(world, as_persona):
    pair = pair_of(world.school_a1, "Молчалин", **ORDER)
    client = as_persona("curator_a1")
    assert [p.pk for p in section_rows(client.get(reverse("quality")), "no_meetings")] == [pair.pk]
    kind = MeetingKind.objects.first()
    client.post(reverse("meeting_create", args=[pair.pk]), {"date": "20.09.2025", "kind": kind.pk})
    assert counts(client.get(reverse("quality")))["no_meetings"] == 0


@pytest.fixture
def twins(world):
    """Possible duplicates across A1 and A2, inside A1, and look-alikes that are not duplicates."""
    a1, a2, b1 = world.school_a1, world.school_a2, world.school_b1
    people = {
        "semyonova_a1": factories.student(a1, last_name="Семёнова", first_name="Ольга", patronymic="Игоревна"),
        "semyonova_a2": factories.student(a2, last_name="СЕМЕНОВА", first_name="ольга", patronymic="Игоревна"),
        "kuznetsov_1": factories.student(a1, last_name="Кузнецов", first_name="Пётр", birth_year=2010),
        "kuznetsov_2": factories.student(a1, last_name="Кузнецов", first_name="Пётр", birth_year=2010),
    }
    factories.student(a1, last_name="Кузнецов", first_name="Пётр", birth_year=2012)  # another year
    factories.student(a1, last_name="Орлов", first_name="Илья")
    factories.student(a2, last_name="Орлов", first_name="Илья", archived_at=timezone.now())  # left A2
    factories.student(a1, last_name="Безгодов", first_name="Ян", birth_year=None)
    factories.student(a1, last_name="Безгодов", first_name="Ян", birth_year=None)  # no year: no match
    factories.student(b1, last_name="Семенова", first_name="Ольга", patronymic="Игоревна")  # another municipality
    return people


def duplicates_seen_by(user, organisation=None):
    groups = quality.expand_duplicates(user, quality.duplicate_groups(user, organisation))
    return [
        (
            group.full_name,
            group.birth_year,
            sorted(o.short_name for o in group.organisations),
            sorted(p.pk for p in group.people),
        )
        for group in groups
    ]


def test_methodist_sees_duplicates_across_the_schools_of_the_department(world, twins):
    assert duplicates_seen_by(world.methodist_a) == [
        ("Кузнецов Пётр Сергеевич", 2010, ["МБОУ СОШ № 1"], sorted([twins["kuznetsov_1"].pk, twins["kuznetsov_2"].pk])),
        (
            "Семёнова Ольга Игоревна",
            2011,
            ["МБОУ СОШ № 1", "МБОУ СОШ № 2"],
            sorted([twins["semyonova_a1"].pk, twins["semyonova_a2"].pk]),
        ),
    ]


def test_methodist_narrowed_to_a_school_still_sees_the_twin_elsewhere(world, twins):
    [(name, _, schools, people)] = duplicates_seen_by(world.methodist_a, world.school_a2)
    assert schools == ["МБОУ СОШ № 1", "МБОУ СОШ № 2"]
    assert people == sorted([twins["semyonova_a1"].pk, twins["semyonova_a2"].pk])


def test_curator_sees_only_duplicates_inside_the_own_school(world, twins):
    [(name, year, schools, people)] = duplicates_seen_by(world.curator_a1)
    assert (name, schools) == ("Кузнецов Пётр Сергеевич", ["МБОУ СОШ № 1"])
    assert duplicates_seen_by(world.curator_a2) == [], "A2's Семенова has her twin in A1, which A2 never sees"
    assert duplicates_seen_by(world.methodist_b) == []


def test_mentors_leading_more_mentees_than_they_can(world):
    school = world.school_a1

    def teacher(name, max_mentees):
        return factories.teacher(school, last_name=name, max_mentees=max_mentees)

    def young(count):
        return [factories.teacher(school, is_young_teacher=True) for _ in range(count)]

    overloaded = teacher("Загруженова", 1)
    factories.pair(overloaded, young(2), format_name="учитель – учитель", **ORDER)
    factories.pair(teacher("Нормова", 2), young(2), format_name="учитель – учитель", **ORDER)
    unbounded = teacher("Безлимитова", None)
    factories.pair(unbounded, young(3), format_name="учитель – учитель", **ORDER)
    # Completed pairs do not count, and one mentee in two forms is one mentee.
    finished = teacher("Завершилова", 1)
    factories.pair(finished, young(2), format_name="учитель – учитель", end_date=COMPLETED, **ORDER)
    factories.pair(finished, young(1), format_name="учитель – учитель", **ORDER)
    two_forms = teacher("Двухформова", 1)
    [mentee] = young(1)
    factories.pair(two_forms, [mentee], format_name="учитель – учитель", **ORDER)
    factories.pair(two_forms, [mentee], format_name="руководитель образовательной организации – педагог", **ORDER)

    found = list(quality.overloaded_mentors(world.methodist_a))
    assert [(p, p.max_mentees, p.active_mentees) for p in found] == [(overloaded, 1, 2)]
    # The per-organisation form (the cached parts use it) finds the same.
    of_school = list(quality.overloaded_mentors_of(world.methodist_a, [school.pk]))
    assert [(p, p.max_mentees, p.active_mentees) for p in of_school] == [(overloaded, 1, 2)]
    assert list(quality.overloaded_mentors_of(world.methodist_a, [world.school_a2.pk])) == []
    assert list(quality.overloaded_mentors_of(world.methodist_b, [school.pk])) == []  # not in B's reach


def test_a_mentor_load_is_seen_from_the_mentors_own_school(world):
    """A mentor of school A2 leads a group in A1: their load is A2's curator's concern."""
    guest = factories.student(world.school_a2, last_name="Гостев", max_mentees=1)
    factories.pair(guest, [factories.student(world.school_a1) for _ in range(2)], **ORDER)
    assert list(quality.overloaded_mentors(world.methodist_a)) == [guest]
    assert list(quality.overloaded_mentors(world.curator_a2)) == [guest]
    assert list(quality.overloaded_mentors(world.curator_a1)) == []


# --- who sees what ---------------------------------------------------------------------------------


def test_curator_sees_only_the_own_schools_problems(world, as_persona):
    troubles(world.school_a1, "Первушин")
    troubles(world.school_a2, "Вторушин")
    response = as_persona("curator_a1").get(reverse("quality"))
    assert response.status_code == 200
    assert counts(response) == ONE_SCHOOLS_TROUBLES
    page = response.content.decode()
    assert "Первушин" in page and "Вторушин" not in page
    assert not response.context["show_filter"], "one school: nothing to choose"
    for slug in ("orders", "overdue"):
        assert {pair.organisation for pair in section_rows(response, slug)} == {world.school_a1}
    for slug in ("consents", "load"):
        assert {person.organisation for person in section_rows(response, slug)} == {world.school_a1}


def test_methodist_and_head_see_the_whole_department(world, as_persona):
    troubles(world.school_a1, "Первушин")
    troubles(world.school_a2, "Вторушин")
    troubles(world.school_b1, "Заречнов")
    expected = {slug: 2 * count for slug, count in ONE_SCHOOLS_TROUBLES.items()}
    for persona in ("methodist_a", "head_a"):
        response = as_persona(persona).get(reverse("quality"))
        assert counts(response) == expected, persona
        page = response.content.decode()
        assert "Первушин" in page and "Вторушин" in page and "Заречнов" not in page


def test_methodist_b_sees_nothing_of_department_a(world, as_persona):
    troubles(world.school_a1, "Первушин")
    client = as_persona("methodist_b")
    response = client.get(reverse("quality"))
    assert set(counts(response).values()) == {0}
    assert "Первушин" not in response.content.decode()
    assert client.get(reverse("quality"), {"organisation": world.school_a1.pk}).status_code == 404


def test_a_user_without_roles_sees_an_empty_page(world):
    from django.test import Client

    troubles(world.school_a1, "Первушин")
    client = Client()
    client.force_login(factories.UserFactory(username="nobody"))
    response = client.get(reverse("quality"))
    assert response.status_code == 200
    assert set(counts(response).values()) == {0}
    page = response.content.decode()
    assert "нет ролей" in page and "Первушин" not in page


def test_anonymous_goes_to_the_login_page(world, client):
    response = client.get(reverse("quality"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- the page -------------------------------------------------------------------------------------


def test_the_sections_are_in_russian_with_counts_and_empty_states(world, as_persona):
    pair_of(world.school_a1, "Бесприказов")  # one pair without an order; its two students lack consents
    response = as_persona("methodist_a").get(reverse("quality"))
    page = response.content.decode()
    for title in [
        "Качество данных",
        "Пары без приказа о закреплении",
        "Несовершеннолетние без согласия на обработку ПДн",
        "Пары с истёкшим сроком без результатов",
        "Возможные дубликаты",
        "Наставники с нагрузкой выше заявленной",
        "Пары без встреч",
        "Наставники-обучающиеся без года рождения",
        "Нет входной анкеты",
        "Нет итоговой анкеты",
    ]:
        assert title in page
    assert counts(response) == {
        "orders": 1,
        "consents": 2,
        "overdue": 0,
        "duplicates": 0,
        "load": 0,
        "no_meetings": 1,
        "mentor_birth_year": 0,
        "no_before_questionnaire": 1,
        "no_after_questionnaire": 0,
        "contingent_exceeded": 0,
        "mentor_training": 0,
    }
    assert page.count("Замечаний нет") == 7
    assert "номер не указан" in page and "в действующей паре" in page


def test_methodist_narrows_the_page_to_one_school(world, as_persona):
    troubles(world.school_a1, "Первушин")
    troubles(world.school_a2, "Вторушин")
    client = as_persona("methodist_a")
    response = client.get(reverse("quality"))
    assert response.context["show_filter"]
    assert [o.short_name for o in response.context["organisations"]] == ["МБОУ СОШ № 1", "МБОУ СОШ № 2"]

    response = client.get(reverse("quality"), {"organisation": world.school_a2.pk})
    assert response.context["organisation"] == world.school_a2
    assert counts(response) == ONE_SCHOOLS_TROUBLES
    assert "Первушин" not in response.content.decode()
    assert client.get(reverse("quality"), {"organisation": world.school_b1.pk}).status_code == 404
    assert client.get(reverse("quality"), {"organisation": "a1"}).status_code == 404


def test_a_section_in_full_page_by_page(world, as_persona, monkeypatch):
    monkeypatch.setattr(quality_views, "PREVIEW_ROWS", 2)
    monkeypatch.setattr(quality_views, "PAGE_SIZE", 2)
    for name in ("Альфин", "Бетин", "Гаммин"):
        troubles(world.school_a1, name)
    client = as_persona("curator_a1")

    overview = client.get(reverse("quality"))
    assert len(section_rows(overview, "orders")) == 2
    assert "Показать все (3)" in overview.content.decode()

    first = client.get(reverse("quality"), {"section": "orders"})
    [section] = first.context["sections"]
    assert (section.check.slug, section.count, len(section.rows)) == ("orders", 3, 2)
    assert "Показать все" not in first.content.decode()
    last = client.get(reverse("quality"), {"section": "duplicates", "page": 2})
    [section] = last.context["sections"]
    assert [group.full_name for group in section.rows] == ["Гаммин Олег Сергеевич"]
    assert [len(group.people) for group in section.rows] == [2]

    assert client.get(reverse("quality"), {"section": "nonsense"}).status_code == 404


def test_the_page_costs_the_same_queries_with_3_or_30_problems(world, as_persona, django_assert_max_num_queries):
    client = as_persona("methodist_a")
    schools = [world.school_a1, world.school_a2]

    def measure(expected_problems):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("quality"))
        found = counts(response)
        assert found.pop("contingent_exceeded") == 2  # a row per school and year, however many people
        assert found.pop("mentor_training") == 0  # pupils mentor here: the events' check is of teachers
        assert set(found.values()) - {4 * expected_problems} == {expected_problems}
        return len(queries)

    for school in schools:  # the contingent check reads the indicators' facts from the first page on
        Contingent.objects.create(organisation=school, year=today().year, students_10_18=2)
    client.get(reverse("quality"))  # the first page ever also gives the organisations their data versions
    for i in range(3):
        troubles(schools[i % 2], f"Проблемов{i:02}")
    few = measure(3)
    for i in range(3, 30):
        troubles(schools[i % 2], f"Проблемов{i:02}")
    many = measure(30)
    assert few == many
    assert few == QUERIES_COMPUTED
    # Unchanged data: the answers are read from the cache.
    with django_assert_max_num_queries(QUERIES_CACHED):
        client.get(reverse("quality"))
    section = {"section": "duplicates", "organisation": world.school_a2.pk}
    with django_assert_max_num_queries(QUERIES_SECTION_COMPUTED):
        client.get(reverse("quality"), section)
    with django_assert_max_num_queries(QUERIES_SECTION_CACHED):
        client.get(reverse("quality"), section)


def test_a_change_in_one_school_computes_that_school_again_and_keeps_the_others(world, as_persona):
    client = as_persona("methodist_a")
    troubles(world.school_a1, "Первый")
    troubles(world.school_a2, "Второй")
    assert counts(client.get(reverse("quality")))["orders"] == 2

    def computed_for() -> list[list[int]]:
        """The organisations each ranking query was asked about (one query per per-organisation check)."""
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("quality"))
        ranked = [q["sql"] for q in queries.captured_queries if "problem_rank" in q["sql"]]
        assert len(ranked) in (0, len(quality.per_organisation()))
        return response, ranked

    response, ranked = computed_for()
    assert ranked == []  # nothing changed: every part from the cache
    mentor = Person.objects.get(last_name="Второй", archived_at__isnull=True, max_mentees=1)
    pair = mentor.mentor_pairs.get()
    pair.order_number, pair.order_date = "7-о", date(2026, 9, 1)
    pair.save()
    response, ranked = computed_for()
    assert len(ranked) == len(quality.per_organisation())
    assert all(f"IN ({world.school_a2.pk})" in sql for sql in ranked), ranked  # the school changed, only
    assert counts(response)["orders"] == 1
    assert [p.mentor.last_name for p in section_rows(response, "orders")] == ["Первый"]
    assert counts(response)["duplicates"] == 2  # a change of pairs keeps the duplicate groups


def test_a_mentor_from_another_school_is_shown_as_that_school_has_them_now(world, as_persona):
    """School A2's page keeps its answer while A2's data is unchanged, but a mentor of A1 renamed (or erased)
    in A1 is shown as A1 has them now, in the overview and in the section."""
    guest = factories.teacher(world.school_a1, last_name="Приезжая")
    mentees = [factories.teacher(world.school_a2) for _ in range(2)]
    factories.pair(guest, mentees, format_name="учитель – учитель", planned_end_date=today() - timedelta(days=3))
    client = as_persona("curator_a2")
    for query in ({}, {"section": "overdue"}):
        assert [p.mentor.last_name for p in section_rows(client.get(reverse("quality"), query), "overdue")] == [
            "Приезжая"
        ]
    guest.last_name = "Переименованная"
    guest.save()  # renews A1's data version, not A2's
    for query in ({}, {"section": "overdue"}):
        page = client.get(reverse("quality"), query)
        assert [p.mentor.last_name for p in section_rows(page, "overdue")] == ["Переименованная"]
        assert "Приезжая" not in page.content.decode()


def test_the_first_rows_of_a_department_are_those_of_the_whole_list(world, as_persona):
    """Kept per organisation, merged in the check's order: the same rows as the whole list's first."""
    for i in range(quality.PREVIEW_ROWS + 5):
        troubles([world.school_a1, world.school_a2][i % 3 == 0], f"Проблемов{i:02}")
    client = as_persona("methodist_a")
    response = client.get(reverse("quality"))
    schools = [world.school_a1.pk, world.school_a2.pk]
    kept = {check.slug: rows for check, _, rows in quality.overview(world.methodist_a, schools, None)}
    for check in quality.CHECKS:
        if check.slug in ("contingent_exceeded", "mentor_training"):  # two rows here; no teacher mentors
            continue
        whole = list(check.rows(world.methodist_a, None))
        assert len(whole) > quality.PREVIEW_ROWS
        assert counts(response)[check.slug] == len(whole)
        # The page shows its first rows; all the rows kept (PREVIEW_ROWS) merge into the whole list's first.
        for shown, first in (
            (section_rows(response, check.slug), quality_views.PREVIEW_ROWS),
            (kept[check.slug], quality.PREVIEW_ROWS),
        ):
            if check.fetch_whole:
                assert [g.name_key for g in shown] == [g["name_key"] for g in whole[:first]]
            else:
                assert [row.pk for row in shown] == [row.pk for row in whole[:first]], check.slug


def test_a_change_is_seen_at_once_and_a_rolled_back_one_never(world, as_persona):
    client = as_persona("methodist_a")
    troubles(world.school_a1, "Первый")
    assert counts(client.get(reverse("quality")))["duplicates"] == 1
    assert counts(client.get(reverse("quality")))["duplicates"] == 1  # from the cache
    try:
        with transaction.atomic():
            troubles(world.school_a2, "Откатанный")
            assert counts(client.get(reverse("quality")))["duplicates"] == 2
            raise RuntimeError
    except RuntimeError:
        pass
    assert counts(client.get(reverse("quality")))["duplicates"] == 1
    person = Person.objects.filter(last_name="Первый").order_by("pk").first()
    person.first_name = "Иван"
    person.save()
    assert counts(client.get(reverse("quality")))["duplicates"] == 0


# Computed (both schools changed): session and user (2), ATOMIC_REQUESTS' savepoint and release (2),
# the scope's memberships (1), the organisations to choose from (1); the counts and first keys: versions
# and a miss (2), the organisations' versions and parts (2), one ranking query per check for the changed
# schools (6), the parts stored in one statement (1), the first keys of the checks with problems (6),
# stored (1); the first rows read by their keys (6); the duplicates: versions and answer (2), the groups
# fetched whole (1) with the people of those shown (1), stored (1); the
# access log's entry naming the minors shown and its people (2). The contingent check (monitoring/quality.py)
# adds its ranking, first keys and rows (3), the indicator facts it reads — the schools with a contingent,
# the department's organisations and years, the facts' versions and parts (5), counted afresh for the
# changed schools (4) and stored (1) — and the same read again for the rows shown (5). The two checks of
# questionnaires (influence/quality.py) add theirs each: ranking, first keys and rows (2 × 3). The mentors
# without training (events/quality.py) add their ranking (1): pupils mentor here, so no row of it is read.
QUERIES_COMPUTED = 63
# Unchanged data: the counts and keys read (2), the rows by their keys (7 + the questionnaires' 2), the
# duplicates' answer (2),
# the facts for the contingent rows shown (5), the access log's entry (2).
QUERIES_CACHED = 29
# A section reads its version, its count and its page (3), computed and stored (2 × 1 + 2 + 1), or not.
# Each with the access log's entry naming the minors shown (2).
QUERIES_SECTION_COMPUTED = 19
QUERIES_SECTION_CACHED = 14
