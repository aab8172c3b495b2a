"""The rules of pairs, as the service explains them and as the database enforces them."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import MentoringPair, PairMentee, PersonCategory
from registry.services.pairs import refresh_person_facts, save_pair
from tests import factories


@pytest.fixture
def people(world):
    school = world.school_a1
    return {
        "mentor": factories.student(school, last_name="Ёлкин", birth_year=2009),
        "mentee": factories.student(
            school, last_name="Сидорова", first_name="Анна", patronymic="Сергеевна", birth_year=2012
        ),
        "teacher": factories.teacher(school, last_name="Морозова", first_name="Ольга", patronymic="Сергеевна"),
        "young": factories.teacher(school, last_name="Новиков", first_name="Илья", is_young_teacher=True),
        "stranger": factories.student(world.school_a2, last_name="Чужой"),
    }


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_a_pair_of_students_is_formed(people):
    pair = factories.pair(people["mentor"], [people["mentee"]])
    [row] = pair.participations.all()
    assert (row.mentor, row.mentee, row.active) == (people["mentor"], people["mentee"], True)


def test_completion_before_entry_is_refused_by_both(people):
    with pytest.raises(ValidationError) as error:
        factories.pair(people["mentor"], [people["mentee"]], end_date=date(2025, 9, 1))
    assert messages(error.value) == "Дата завершения не может быть раньше даты вхождения в программу."
    pair = factories.pair(people["mentor"], [people["mentee"]])
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        MentoringPair.objects.filter(pk=pair.pk).update(end_date=date(2025, 9, 1))
    assert "registry_mentoringpair_end_after_entry" in str(error.value)


def test_a_person_is_not_their_own_mentor(people):
    with pytest.raises(ValidationError) as error:
        factories.pair(people["mentor"], [people["mentor"]])
    assert "не может быть наставником самому себе" in messages(error.value)


def test_students_form_pairs_students(people):
    with pytest.raises(ValidationError) as error:
        factories.pair(people["teacher"], [people["mentee"]])
    assert "наставник — обучающийся, а Морозова Ольга Сергеевна — нет" in messages(error.value)


def test_a_mentee_may_have_several_mentors_of_a_form_but_one_mentor_leads_them_once(people, world):
    factories.pair(people["mentor"], [people["mentee"]])
    other = factories.student(world.school_a1, last_name="Другой")
    factories.pair(other, [people["mentee"]])  # a second mentor of the same form
    with pytest.raises(ValidationError) as error:
        factories.pair(people["mentor"], [people["mentee"]], entry_date=date(2025, 10, 1))
    assert f"{people['mentor'].full_name} уже ведёт {people['mentee'].full_name} в действующей паре формы " in (
        messages(error.value)
    )
    # Once the first pair is completed, the same mentor may lead the mentee again.
    first = MentoringPair.objects.get(mentor=people["mentor"])
    first.end_date = date(2026, 5, 25)
    save_pair(first, [people["mentee"]])
    factories.pair(people["mentor"], [people["mentee"]], entry_date=date(2026, 9, 1))


def test_mentees_come_from_the_pairs_organisation(people):
    with pytest.raises(ValidationError) as error:
        factories.pair(
            people["mentor"], [people["mentee"], people["stranger"]], organisation=people["mentee"].organisation
        )
    assert "из другой организации" in messages(error.value)


def test_a_mentor_from_another_organisation_may_lead(people, world):
    outside = factories.student(world.school_a2, last_name="Гостев")
    pair = factories.pair(outside, [people["mentee"]])
    assert pair.organisation == world.school_a1


def test_changing_a_category_that_breaks_a_pair_is_refused(people):
    factories.pair(people["mentor"], [people["mentee"]])
    mentee = people["mentee"]
    mentee.category = PersonCategory.TEACHER
    with pytest.raises(ValidationError) as error:
        refresh_person_facts(mentee)
    assert "Участники не подходят для этой формы наставничества." in messages(error.value)


@pytest.mark.parametrize(
    "change, constraint",
    [
        ({"mentor_id": "mentee"}, "registry_pairmentee_not_own_mentor"),
        ({"mentor_category": PersonCategory.TEACHER}, "registry_pairmentee_format_participants"),
        ({"organisation_id": "other"}, "registry_pairmentee_mentee_of_the_organisation"),
    ],
)
def test_the_database_enforces_the_rules_itself(people, world, change, constraint):
    pair = factories.pair(people["mentor"], [people["mentee"]])
    row = pair.participations.get()
    values = {
        "mentee": people["mentee"].pk,
        "other": world.school_a2.pk,
    }
    field, value = next(iter(change.items()))
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        PairMentee.objects.filter(pk=row.pk).update(**{field: values.get(value, value)})
    assert constraint in str(error.value)


def test_the_database_keeps_one_active_pair_per_mentor_mentee_and_form(people, world):
    factories.pair(people["mentor"], [people["mentee"]])
    other = factories.pair(people["mentor"], [factories.student(world.school_a1)], entry_date=date(2025, 10, 1))
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        PairMentee.objects.filter(pair=other).update(mentee=people["mentee"])
    assert "registry_pairmentee_one_active_pair_per_mentor_and_format" in str(error.value) or "UNIQUE" in str(
        error.value
    )
