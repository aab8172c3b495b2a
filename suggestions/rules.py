"""The hard rules: who may never be suggested as a mentee's mentor in a form.

The registry's own rules (`registry.services.pairs.check_pair` and the constraints on `PairMentee`): the
form's participant rule on both sides, not one's own mentor, not already leading this mentee in an active
pair of the form, not archived (nor erased); and two of the registry's checks: capacity left (the desired
load, else the time given, against the active mentees led: `profiles.capacity`), and a consent in force
for a minor. Mentors come from the mentee's school, and for a staff-only form from any school of the
department (a pair's mentor may be from elsewhere; its mentees are always of its organisation).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from registry.models import MentoringFormat, PairMentee, Participants, Person
from registry.models.people import MENTOR_FACTS, STAFF_CATEGORIES, PersonCategory
from registry.services.pairs import admits
from suggestions.profiles import Mentors, Reading, free, lacks_consent


def admitted(participants: str) -> Q:
    """The form's participant rule as a filter (the rule of `registry.services.pairs.admits`)."""
    if participants == Participants.STUDENTS:
        return Q(category=PersonCategory.STUDENT)
    if participants == Participants.STAFF:
        return Q(category__in=STAFF_CATEGORIES)
    return Q()


def across_department(mentoring_format: MentoringFormat) -> bool:
    """A staff-only form looks for mentors in every school of the department; others in the mentee's."""
    return mentoring_format.participants == Participants.STAFF


def mentor_pool(
    mentoring_format: MentoringFormat, organisations: Iterable[int] | QuerySet, mentee: Person | None = None
):
    """The people who may mentor in the form, among these organisations: admitted, current, with a
    mentor's facts, and not already leading `mentee` in an active pair of the form."""
    pool = Person.objects.filter(
        admitted(mentoring_format.participants),
        MENTOR_FACTS,
        organisation_id__in=organisations,
        archived_at__isnull=True,
        erased_at__isnull=True,
    )
    if mentee is not None:
        leading = PairMentee.objects.filter(mentor=OuterRef("pk"), mentee=mentee, format=mentoring_format, active=True)
        pool = pool.exclude(pk=mentee.pk).filter(~Exists(leading))
    return pool


def unpaired_mentees(mentoring_format: MentoringFormat, organisations: Iterable[int] | QuerySet):
    """The people with a request and no active pair at all, admitted by the form: a proposal's mentees."""
    in_pair = PairMentee.objects.filter(mentee=OuterRef("pk"), active=True)
    return Person.objects.filter(
        admitted(mentoring_format.participants),
        ~Exists(in_pair),
        organisation_id__in=organisations,
        archived_at__isnull=True,
        erased_at__isnull=True,
    ).exclude(main_request="")


def mentor_refusals(mentor: Reading, year: int, taken: int = 0) -> list[str]:
    """What keeps a mentor of the pool out (beyond the pool's filters): no place left, no consent."""
    refusals = []
    if mentor.free - taken <= 0:
        refusals.append(f"нет свободных мест: ведёт {mentor.load} из {mentor.capacity}")
    if mentor.lacks_consent(year):
        refusals.append("несовершеннолетний без действующего согласия на обработку персональных данных")
    return refusals


def taking(mentors: Mentors, year: int) -> list[int]:
    """The rows of a pool that `mentor_refusals` lets in (a place left, a consent for a minor), read column by
    column: the same two rules, without a `Reading` built for each of a department's thousands."""
    return [
        i
        for i, (places, load, category, birth_year, consent) in enumerate(
            zip(mentors.capacity, mentors.load, mentors.category, mentors.birth_year, mentors.consent, strict=True)
        )
        if free(places, load) > 0 and not lacks_consent(category, birth_year, consent, year)
    ]


def mentee_refusal(mentee: Person, mentoring_format: MentoringFormat) -> str:
    """Why no mentor can be suggested to this mentee in the form ("" when one can)."""
    if mentee.archived_at or mentee.erased_at:
        return f"{mentee.full_name} в архиве: подбирать наставника не нужно."
    if not admits(mentoring_format.participants, mentee):
        return f"В форме «{mentoring_format}» {mentee.full_name} не может быть наставляемым."
    return ""
