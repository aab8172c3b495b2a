"""Forming, changing and completing pairs, with their participations kept in step.

Every rule is checked here first, to explain it in Russian, and enforced again by the
database constraints on PairMentee (see registry/models/pairs.py); a violation that
slips past the checks (two requests at once) is turned into the same kind of message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry import freshness
from registry.models import MentoringFormat, MentoringPair, Organisation, PairMentee, Participants, Person
from registry.models.people import STAFF_CATEGORIES, PersonCategory
from registry.services.errors import integrity_message


def participation_facts(pair: MentoringPair) -> dict:
    """The copies a PairMentee keeps of its pair, for the database's own rules."""
    return {
        "organisation_id": pair.organisation_id,
        "mentor_id": pair.mentor_id,
        "mentor_category": pair.mentor.category,
        "format_id": pair.format_id,
        "participants": pair.format.participants,
        "active": pair.end_date is None,
    }


def admits(participants: str, person: Person) -> bool:
    """Whether a form's participant rule (`MentoringFormat.participants`) admits the person, on either side."""
    if participants == Participants.STUDENTS:
        return person.category == PersonCategory.STUDENT
    if participants == Participants.STAFF:
        return person.category in STAFF_CATEGORIES
    return True


# What a form's rule asks of each side, as check_pair's messages say it.
_SIDE_OF_RULE: dict[str, str] = {Participants.STUDENTS: "обучающийся", Participants.STAFF: "педагог или работник ОО"}


def fits_format(mentoring_format: MentoringFormat, mentor: Person, mentees: Iterable[Person]) -> bool:
    """Whether the form's participant rule accepts this mentor and these mentees (check_pair's rule)."""
    return all(admits(mentoring_format.participants, person) for person in (mentor, *mentees))


# Words a form's name uses for each side («учитель – ученик»): who the side is.
_SIDE_WORDS: dict[str, tuple[str, ...]] = {
    PersonCategory.STUDENT: ("ученик", "обучающ", "воспитанник", "школьник"),
    PersonCategory.TEACHER: ("учитель", "педагог", "преподаватель", "воспитатель", "руководитель", "специалист"),
    PersonCategory.STAFF: ("работник", "сотрудник", "специалист", "руководитель"),
    PersonCategory.COLLEGE_STUDENT: ("студент",),
    PersonCategory.EMPLOYEE: ("работодатель", "работник", "сотрудник", "специалист"),
    PersonCategory.GRADUATE: ("выпускник",),
}


def named_for(mentoring_format: MentoringFormat, mentor: Person, mentees: Iterable[Person]) -> bool:
    """Whether the form's name «X – Y» speaks of such a mentor (X) and such mentees (Y)."""
    sides = re.split(r"\s*[–—-]\s*", mentoring_format.name.lower(), maxsplit=1)
    if len(sides) != 2:
        return False

    def speaks_of(side: str, person: Person) -> bool:
        return any(word in side for word in _SIDE_WORDS.get(person.category, ()))

    return speaks_of(sides[0], mentor) and all(speaks_of(sides[1], mentee) for mentee in mentees)


def check_pair(pair: MentoringPair, mentees: Iterable[Person]) -> list[str]:
    """Every rule a pair and its mentees break, as Russian sentences (empty: all is well)."""
    mentees = list(mentees)
    errors: list[str] = []
    if not mentees:
        errors.append("Добавьте хотя бы одного наставляемого.")
    mentor = pair.mentor
    participants = pair.format.participants
    side = _SIDE_OF_RULE.get(participants, "")
    if not admits(participants, mentor):
        errors.append(f"В форме «{pair.format}» наставник — {side}, а {mentor.full_name} — нет.")
    if mentor.is_archived:
        errors.append(f"{mentor.full_name} в архиве и не может быть наставником.")
    for mentee in mentees:
        name = mentee.full_name
        if mentee.pk == mentor.pk:
            errors.append(f"{name} не может быть наставником самому себе.")
        if mentee.organisation_id != pair.organisation_id:
            errors.append(f"{name} — из другой организации: наставляемые пары — из её организации.")
        if mentee.is_archived:
            errors.append(f"{name} в архиве и не может войти в пару.")
        if not admits(participants, mentee):
            errors.append(f"В форме «{pair.format}» наставляемый — {side}, а {name} — нет.")
    if pair.end_date is None:
        clashes = (
            PairMentee.objects.filter(
                mentee__in=mentees, mentor_id=pair.mentor_id, format_id=pair.format_id, active=True
            )
            .exclude(pair_id=pair.pk)
            .select_related("mentee", "mentor")
        )
        for clash in clashes:
            errors.append(
                f"{clash.mentor.full_name} уже ведёт {clash.mentee.full_name} в действующей паре формы "
                f"«{pair.format}»: одна и та же пара дважды не нужна — завершите ту пару или добавьте "
                "наставляемого в неё."
            )
    return errors


def save_pair(pair: MentoringPair, mentees: Iterable[Person]) -> MentoringPair:
    """Save a pair and make its mentees exactly `mentees`, in one transaction.

    Raises ValidationError (Russian messages) when a rule is broken, and
    concurrency's RecordModifiedError when someone saved the pair meanwhile.
    """
    mentees = list(mentees)
    errors = check_pair(pair, mentees)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            pair.save()
            facts = participation_facts(pair)
            wanted = {mentee.pk: mentee for mentee in mentees}
            pair.participations.exclude(mentee_id__in=list(wanted)).delete()
            existing = set(pair.participations.values_list("mentee_id", flat=True))
            pair.participations.filter(mentee_id__in=existing).update(**facts)
            PairMentee.objects.bulk_create(
                PairMentee(
                    pair=pair,
                    mentee=mentee,
                    mentee_organisation_id=mentee.organisation_id,
                    mentee_category=mentee.category,
                    **facts,
                )
                for pk, mentee in wanted.items()
                if pk not in existing
            )
            # bulk_create and update() send no signals: the mentees' organisations by hand.
            freshness.touch(*(mentee.organisation_id for mentee in mentees), topics=(freshness.PAIRS,))
    except IntegrityError as error:
        raise ValidationError(integrity_message(error)) from None
    return pair


def refresh_person_facts(person: Person) -> None:
    """After a person's category changes: update the copies, or refuse (ValidationError)."""
    try:
        with transaction.atomic():
            PairMentee.objects.filter(mentor=person).update(mentor_category=person.category)
            PairMentee.objects.filter(mentee=person).update(
                mentee_category=person.category, mentee_organisation_id=person.organisation_id
            )
            freshness.touch(person.organisation_id)
    except IntegrityError as error:
        raise ValidationError(integrity_message(error)) from None


def form_pair(
    pair: MentoringPair, organisation: Organisation, mentor: Person, mentees: Iterable[Person]
) -> MentoringPair:
    """Save a pair with its mentor and mentees, some of them new people typed on the pair's page
    (unsaved, given the pair's organisation here): everything or nothing, in one transaction."""
    with transaction.atomic():
        people = [mentor, *mentees]
        for person in people:
            if person.pk is None:
                person.organisation = organisation
                person.save()
        pair.mentor = mentor
        return save_pair(pair, people[1:])
