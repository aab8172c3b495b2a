"""common.bulk: many new rows at once (COPY on PostgreSQL, bulk_create elsewhere), read back as saved."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from common import bulk
from registry.models import MentoringPair, PairMentee, Person, PersonCategory
from registry.services.pairs import participation_facts
from tests import factories

pytestmark = pytest.mark.django_db

AWKWARD = ['Кавычки "внутри", запятая', "строка\nвторая строка", "", "None", "\\N", "  пробелы  "]


def _people(school, count=3):
    return [
        Person(
            organisation=school,
            last_name=f"Иванов{index}",
            first_name="Пётр",
            patronymic=AWKWARD[index % len(AWKWARD)],
            birth_year=None if index % 2 else 2010,
            category=PersonCategory.STUDENT,
            is_young_specialist=bool(index % 2),
            interests=AWKWARD[(index + 1) % len(AWKWARD)],
            name_key=f"иванов{index} пётр",
        )
        for index in range(count)
    ]


def test_every_value_comes_back_as_it_was_written_and_each_object_gets_its_pk():
    school = factories.OrganisationFactory()
    people = _people(school, count=len(AWKWARD) * 2)
    bulk.insert(people)
    assert all(person.pk and not person._state.adding for person in people)
    stored = {person.pk: person for person in Person.objects.filter(organisation=school)}
    assert sorted(stored) == sorted(person.pk for person in people)
    for person in people:
        again = stored[person.pk]
        for field in ("last_name", "patronymic", "birth_year", "category", "is_young_specialist", "interests"):
            assert getattr(again, field) == getattr(person, field), field
        assert again.created_at is not None and again.created_at == person.created_at  # auto_now_add, as save()
    # An empty text stays an empty text (a NOT NULL column), not a NULL.
    assert Person.objects.filter(organisation=school, patronymic="").count() == 2


def test_a_related_object_saved_after_it_was_assigned_gives_its_pk():
    """As bulk_create: a pair drafted with a mentor not yet saved takes the mentor's pk when inserted."""
    school = factories.OrganisationFactory()
    mentor, mentee = _people(school, count=2)
    fmt = factories.mentoring_format("ученик – ученик")
    pair = MentoringPair(organisation=school, mentor=mentor, format=fmt, entry_date=date(2026, 9, 1))
    assert pair.mentor_id is None
    bulk.insert([mentor, mentee])
    bulk.insert([pair])
    participation = PairMentee(
        pair=pair, mentee=mentee, mentee_organisation=school, mentee_category="student", **participation_facts(pair)
    )
    bulk.insert([participation])
    stored = PairMentee.objects.select_related("pair").get(pk=participation.pk)
    assert (stored.pair_id, stored.mentee_id, stored.format_id) == (pair.pk, mentee.pk, fmt.pk)
    assert stored.pair.mentor_id == mentor.pk


def test_the_database_refuses_as_django_says():
    school = factories.OrganisationFactory()
    person = _people(school, count=1)[0]
    person.birth_year = 1700  # registry_person_birth_year_plausible
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert([person])
    assert not Person.objects.filter(organisation=school).exists()


def test_rows_without_objects_keep_json_and_defaults():
    content_type = ContentType.objects.get_for_model(Person)
    changes = {"last_name": ["None", 'Иванов "младший"'], "note": ["None", "строка\nвторая"]}
    bulk.insert_rows(
        LogEntry,
        ("content_type_id", "object_pk", "object_id", "object_repr", "action", "changes", "changes_text"),
        [(content_type.pk, "7", 7, "Иванов", LogEntry.Action.CREATE, changes, "")],
    )
    entry = LogEntry.objects.get(content_type=content_type, object_id=7)
    assert entry.changes == changes and entry.action == LogEntry.Action.CREATE and entry.changes_text == ""
    assert entry.additional_data is None and entry.pk


# --- new(): objects as Model(**values) builds them -------------------------------------------------


def _fields(obj) -> dict:
    values = {name: value for name, value in obj.__dict__.items() if name != "_state"}
    return values | {"_cached": dict(obj._state.fields_cache), "_adding": obj._state.adding, "_db": obj._state.db}


def test_new_builds_the_same_object_as_the_models_own_constructor():
    school = factories.OrganisationFactory()
    mentor, mentee = factories.student(school), factories.student(school)
    pair = factories.pair(mentor, [mentee])
    cases = [
        (Person, {"organisation": school, "last_name": "Петров", "first_name": "Иван", "category": "student"}),
        (Person, {"organisation_id": school.pk, "last_name": "Петров", "birth_year": 2011, "name_key": "петров"}),
        (
            MentoringPair,
            {"organisation": school, "mentor": mentor, "format": pair.format, "entry_date": date(2025, 9, 1)},
        ),
        (PairMentee, {"pair": pair, "mentee": mentee, "mentee_organisation_id": school.pk, "results": ""}),
    ]
    for model, values in cases:
        built, expected = bulk.new(model, **values), model(**values)
        assert type(built) is model
        assert _fields(built) == _fields(expected), model.__name__


def test_new_refuses_what_is_not_a_field():
    with pytest.raises(TypeError, match="unexpected keyword argument 'full_name'"):
        bulk.new(Person, full_name="Петров Иван")


def test_objects_built_by_new_are_saved_like_any_other():
    school = factories.OrganisationFactory()
    people = [
        bulk.new(Person, organisation=school, last_name=f"Сидоров{index}", first_name="Олег", category="teacher")
        for index in range(3)
    ]
    bulk.insert(people)
    saved = Person.objects.filter(organisation=school).order_by("last_name")
    assert [(p.pk, p.last_name, p.is_young_specialist, p.interests) for p in saved] == [
        (p.pk, p.last_name, False, "") for p in people
    ]
