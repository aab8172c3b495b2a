"""What a pair's questionnaires show: each participant's stages, and each growth group's score before and
after with the change (none unless both questionnaires are in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg

from influence.models import Answer, AnswerLink, GrowthGroup, Purpose, QuestionKind, Response, Role
from registry.models import MentoringPair, PairMentee, Person

STAGES = (Purpose.BEFORE, Purpose.AFTER, Purpose.QUALITY)


@dataclass
class Growth:
    group: str  # GrowthGroup's label
    before: Decimal | None
    after: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class Participant:
    person: Person
    role: str  # Role
    participation: PairMentee | None  # None: the mentor
    responses: dict[str, Response | None] = field(default_factory=dict)  # by purpose
    growth: list[Growth] = field(default_factory=list)
    links: dict[str, AnswerLink] = field(default_factory=dict)  # the unused personal link, by purpose

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def stages(self) -> list[tuple[str, str, Response | None, AnswerLink | None]]:
        """(purpose, its label, the response or None, the unused link or None) in the order of the page."""
        return [
            (purpose.value, purpose.label, self.responses.get(purpose.value), self.links.get(purpose.value))
            for purpose in STAGES
        ]


def _round(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def pair_sheet(pair: MentoringPair, participations: list[PairMentee]) -> list[Participant]:
    """The mentor first, then each mentee: their responses and unused links per stage and their growth
    (three queries)."""
    participants = [Participant(person=pair.mentor, role=Role.MENTOR, participation=None)] + [
        Participant(person=p.mentee, role=Role.MENTEE, participation=p) for p in participations
    ]
    by_key = {(None if p.participation is None else p.participation.pk): p for p in participants}
    for response in Response.objects.filter(pair=pair).select_related("template", "entered_by"):
        participant = by_key.get(response.participation_id)
        if participant is not None:
            participant.responses[response.purpose] = response
    for link in AnswerLink.objects.unused().filter(pair=pair):
        participant = by_key.get(link.participation_id)
        if participant is not None:
            participant.links[link.purpose] = link
    # Each response's average score per growth group, computed in the database.
    averages: dict[tuple[int | None, str, str], Decimal | None] = {}
    rows = (
        Answer.objects.filter(
            response__pair=pair,
            response__purpose__in=[Purpose.BEFORE, Purpose.AFTER],
            kind=QuestionKind.SCALE,
        )
        .exclude(question__growth_group="")
        .values("response__participation_id", "response__purpose", "question__growth_group")
        .annotate(average=Avg("number_value"))
    )
    for row in rows:
        found = (row["response__participation_id"], row["response__purpose"], row["question__growth_group"])
        averages[found] = _round(row["average"])
    for key, participant in by_key.items():
        participant.growth = [
            Growth(
                group=group.label,
                before=averages.get((key, Purpose.BEFORE, group.value)),
                after=averages.get((key, Purpose.AFTER, group.value)),
            )
            for group in GrowthGroup
        ]
    return participants
