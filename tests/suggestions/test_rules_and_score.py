"""The hard rules keep candidates out; the score explains itself in dictionary forms."""

from datetime import date

from django.db import connection

from registry.models import Person
from suggestions import text
from suggestions.profiles import age_range, capacity
from suggestions.services import suggest
from tests import factories
from tests.suggestions.conftest import grown

YEAR = date.today().year


def names(result):
    return [s.full_name.split()[0] for s in result.found]


def test_lemmas_are_dictionary_forms():
    assert {"подготовка", "огэ", "математика"} <= text.lemmas("подготовка к ОГЭ по математике")
    assert "по" not in text.lemmas("по математике") and "к" not in text.lemmas("к ОГЭ")
    assert text.lemmas("учитель математики, эксперт ОГЭ") >= {"математика", "огэ", "эксперт"}


def test_capacity_and_ages_are_read_from_the_texts():
    assert capacity(3, "") == 3
    assert capacity(None, "2 часа в неделю") == 2
    assert capacity(None, "2 раза в месяц") == 1
    assert age_range("12–15 лет") == (12, 15)
    assert age_range("5–7 классы") == (11, 14)
    assert age_range("молодые педагоги до 35 лет") == (0, 35)
    assert age_range("педагоги со стажем до 3 лет") is None


def test_reasons_name_the_matched_words_in_their_dictionary_form(world, students):
    school = world.school_a1
    mentee = grown(school, last_name="Ученикова", birth_year=YEAR - 15, main_request="подготовка к ОГЭ по математике")
    grown(school, last_name="Отличников", birth_year=YEAR - 17, competencies="математика, олимпиады", max_mentees=2)
    grown(school, last_name="Спортсменов", birth_year=YEAR - 17, competencies="лёгкая атлетика", max_mentees=2)
    result = suggest(mentee, students)
    assert names(result) == ["Отличников", "Спортсменов"]
    first = result.found[0]
    assert "Запрос и компетенции: математика" in first.reasons
    assert first.score > result.found[1].score
    assert any(reason.startswith("Нагрузка: ведёт 0 из 2") for reason in first.reasons)


def test_each_hard_rule_keeps_a_candidate_out(world, students, staff):
    school = world.school_a1
    mentee = grown(school, last_name="Ученикова", birth_year=YEAR - 14, main_request="математика")
    kept = grown(school, last_name="Годный", birth_year=YEAR - 17, competencies="математика", max_mentees=1)
    # the form's participant rule: a teacher does not mentor in «ученик – ученик»
    factories.teacher(school, last_name="Учителев", competencies="математика")
    # archived
    grown(
        school, last_name="Архивный", birth_year=YEAR - 17, competencies="математика", archived_at="2025-01-01T00:00Z"
    )
    # no place left: leads one of one already
    busy = grown(school, last_name="Занятой", birth_year=YEAR - 17, competencies="математика", max_mentees=1)
    factories.pair(busy, [grown(school, birth_year=YEAR - 12)])
    # a minor without a consent in force
    factories.student(school, last_name="Бессогласный", birth_year=YEAR - 16, competencies="математика", max_mentees=2)
    # another school, in a students' form
    grown(world.school_a2, last_name="Чужой", birth_year=YEAR - 17, competencies="математика", max_mentees=2)
    # already leading this mentee in this form
    already = grown(school, last_name="Уженаставник", birth_year=YEAR - 17, competencies="математика", max_mentees=3)
    factories.pair(already, [mentee])
    found = names(suggest(mentee, students, limit=10))
    assert found == ["Годный"], found
    # the mentee is never their own mentor
    assert kept.pk not in [s.mentor_id for s in suggest(kept, students).found]


def test_a_staff_form_looks_across_the_department_and_shows_little_of_another_school(world, staff):
    young = factories.teacher(
        world.school_a1,
        last_name="Молодой",
        position="учитель математики",
        main_request="дисциплина на уроке",
        competencies="",
    )
    factories.teacher(
        world.school_a2,
        last_name="Опытный",
        competencies="дисциплина, классное руководство",
        achievements="Учитель года",
        max_mentees=3,
    )
    factories.teacher(world.school_b1, last_name="Другоймуниципалитет", competencies="дисциплина", max_mentees=3)
    result = suggest(young, staff)
    assert names(result) == ["Опытный"]
    (other,) = result.found
    assert other.foreign and other.reasons == ["Запрос и компетенции: дисциплина"]
    assert other.load == other.capacity == 0 and other.position == ""


def test_a_minor_mentee_without_consent_gets_no_suggestion(world, students):
    mentee = factories.student(world.school_a1, birth_year=YEAR - 12, main_request="математика")
    grown(world.school_a1, birth_year=YEAR - 17, competencies="математика", max_mentees=2)
    assert "согласия" in suggest(mentee, students).refusal


def test_lemmas_are_kept_and_renewed_when_the_person_changes(world, students):
    mentee = grown(world.school_a1, birth_year=YEAR - 14, main_request="шахматы")
    mentor = grown(world.school_a1, birth_year=YEAR - 17, competencies="футбол", max_mentees=2)
    assert suggest(mentee, students).found[0].reasons[0] == "Та же организация"
    mentor.competencies = "шахматы и футбол"
    mentor.save()
    assert suggest(mentee, students).found[0].reasons[0] == "Запрос и компетенции: шахматы"


def test_the_top_five_costs_a_fixed_number_of_queries(world, students, staff, django_assert_num_queries):
    mentee = grown(world.school_a1, birth_year=YEAR - 14, main_request="математика и шахматы")
    for i in range(12):
        grown(world.school_a1, birth_year=YEAR - 17, competencies=f"математика {i}", max_mentees=2)
    young = factories.teacher(world.school_a1, main_request="дисциплина на уроке", competencies="")
    for school in (world.school_a1, world.school_a2, world.school_a1):
        factories.teacher(school, competencies="дисциплина", max_mentees=2)
    suggest(mentee, students)  # the lemmas are stored, the pool's parts kept
    suggest(young, staff)
    mentee = Person.objects.select_related("organisation").get(pk=mentee.pk)
    young = Person.objects.select_related("organisation").get(pk=young.pk)
    # the mentee's reading (on PostgreSQL after turning JIT off), the versions of the pool's organisations and
    # their kept parts, the mentors already leading the mentee, the weights, the names of the five; a staff
    # form reads the department's organisations first — whatever their number
    jit = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(6 + jit):
        result = suggest(mentee, students)
    assert len(result.found) == 5
    with django_assert_num_queries(7 + jit):
        assert len(suggest(young, staff).found) == 3


def test_the_kept_pool_follows_the_pairs_consents_and_people_of_every_school(world, students, staff):
    """The pool is kept per organisation (suggestions/pools.py) and read again when that organisation's
    people, consents or pairs change — a pair formed in another school with this school's mentor too."""
    young = factories.teacher(world.school_a1, main_request="дисциплина", competencies="")
    mentor = factories.teacher(world.school_a2, last_name="Опытный", competencies="дисциплина", max_mentees=1)
    assert names(suggest(young, staff)) == ["Опытный"]
    # the mentor's one place taken by a pair of school a1's (the pair's organisation is the mentee's)
    taken = factories.teacher(world.school_a1, max_mentees=None)
    factories.pair(mentor, [taken], format_name="учитель – учитель")
    assert names(suggest(young, staff)) == []
    mentor.max_mentees = 2
    mentor.save()
    assert names(suggest(young, staff)) == ["Опытный"]

    pupil = grown(world.school_a1, birth_year=YEAR - 14, main_request="шахматы")
    minor = grown(world.school_a1, last_name="Шахматов", birth_year=YEAR - 16, competencies="шахматы", max_mentees=1)
    assert names(suggest(pupil, students)) == ["Шахматов"]
    consent = minor.consents.get()
    consent.withdrawn_on = date.today()
    consent.save()
    assert names(suggest(pupil, students)) == []


def test_another_schools_candidates_are_read_as_the_columns_shown_never_as_rows(world, staff):
    """The staff form's pool spans the department: a curator's suggestion reads another school's mentor as
    the name, school and competencies it shows (and the numbers the score needs), never as a Person row —
    the rule tests/security/test_tenant_reads.py watches."""
    from django.db.models.signals import post_init

    young = factories.teacher(world.school_a1, main_request="дисциплина на уроке", competencies="")
    factories.teacher(world.school_a2, last_name="Опытный", competencies="дисциплина", max_mentees=3)
    built = []

    def watch(sender, instance, **kwargs):
        built.append(instance.organisation_id)

    post_init.connect(watch, sender=Person)
    try:
        result = suggest(Person.objects.select_related("organisation").get(pk=young.pk), staff)
    finally:
        post_init.disconnect(watch, sender=Person)
    assert [s.full_name.split()[0] for s in result.found] == ["Опытный"]
    assert set(built) <= {world.school_a1.pk}


def _kept_answers() -> str:
    """Every value in the cache table, unpickled, as one text."""
    import base64
    import pickle
    import zlib

    from django.core.cache import cache

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {connection.ops.quote_name(cache._table)}")
        values = [pickle.loads(base64.b64decode(value)) for (value,) in cursor.fetchall()]
    # the pool's parts are kept compressed (suggestions/pools.py)
    return " ".join(repr(pickle.loads(zlib.decompress(v)) if isinstance(v, bytes) else v) for v in values)


def test_erasing_a_mentor_leaves_no_kept_pool_holding_their_words(world, staff):
    from registry import privacy

    young = factories.teacher(world.school_a1, main_request="виолончель", competencies="")
    mentor = factories.teacher(world.school_a2, competencies="игра на виолончели", max_mentees=2)
    assert suggest(young, staff).found[0].mentor_id == mentor.pk
    assert "виолончель" in _kept_answers()
    mentor.archived_at = "2025-01-01T00:00Z"
    mentor.save()
    privacy.erase(mentor, user=world.methodist_a)
    assert "виолончель" not in _kept_answers()
    assert mentor.pk not in [s.mentor_id for s in suggest(young, staff).found]
