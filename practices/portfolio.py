"""The mentor's portfolio (issue 21): what the registry knows of one person as a mentor, gathered for the card's
section and the two files (practices/exports.py) — the pairs they lead with their state, dates, form, results and
the mentees' completion marks; the growth measured by the questionnaires «до» and «по завершении» (influence,
the stored lines of ParticipantGrowth); the training hours, events and awards (events); the practices of the
bank drawing on their pairs.

Everything is read within the user's reach, as the card shows it: the pairs the user reads (a curator does not
see a pair the mentor leads in another school), the events and participations the user reads, the practices
the user reads. For a methodist or a head that is the whole department, and the hours are those of
events/training.py `training_hours`. The caller checks access to the person (`get_portfolio`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.http import Http404
from django.utils import timezone

from events.models import Event, EventParticipant, Result
from influence.aggregates import HUNDREDTH
from influence.models import GrowthGroup, ParticipantGrowth, Role
from practices.aggregates import practices_of_pairs
from practices.models import Practice, PracticeState
from registry.access import get_person
from registry.models import MentoringPair, PairMentee, Person, User
from registry.models.pairs import CompletionMark, PairStatus

NOT_A_MENTOR = "Портфолио составляется для наставника: этот участник не был наставником ни в одной паре."


@dataclass
class PairLine:
    pair: MentoringPair
    status: PairStatus
    mentees: list[PairMentee]

    @property
    def completed(self) -> bool:
        return self.status == PairStatus.COMPLETED

    @property
    def passed(self) -> int:
        return sum(1 for p in self.mentees if p.completion_mark == CompletionMark.PASSED)


@dataclass(frozen=True)
class GrowthLine:
    """One growth group of one role: the participants with both questionnaires, the average scores (1–10)
    before and after, the average change and how many improved."""

    role: str
    group: str
    participants: int
    before: Decimal | None
    after: Decimal | None
    improved: int

    @property
    def role_label(self) -> str:
        return "Наставник" if self.role == Role.MENTOR else "Наставляемые"

    @property
    def group_label(self) -> str:
        return GrowthGroup(self.group).label

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class Portfolio:
    person: Person
    today: date
    pairs: list[PairLine]
    growth: list[GrowthLine]
    trainings: list[EventParticipant]
    events: list[EventParticipant]  # every participation, newest first
    awards: list[EventParticipant]
    practices: list[Practice]
    hours: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def completed(self) -> list[PairLine]:
        return [line for line in self.pairs if line.completed]

    @property
    def active(self) -> list[PairLine]:
        return [line for line in self.pairs if not line.completed]

    @property
    def mentees(self) -> int:
        return sum(len(line.mentees) for line in self.pairs)

    @property
    def passed(self) -> int:
        return sum(line.passed for line in self.pairs)

    @property
    def since(self) -> date | None:
        return min((line.pair.entry_date for line in self.pairs), default=None)

    @property
    def years(self) -> int:
        """Full years since the first pair entered the program (0 within the first year)."""
        first = self.since
        if first is None:
            return 0
        return max(0, self.today.year - first.year - ((self.today.month, self.today.day) < (first.month, first.day)))

    @property
    def published_practices(self) -> list[Practice]:
        return [p for p in self.practices if p.state in (PracticeState.APPROVED, PracticeState.PUBLISHED)]

    @property
    def mentee_growth(self) -> list[GrowthLine]:
        return [line for line in self.growth if line.role == Role.MENTEE]

    @property
    def mentor_growth(self) -> list[GrowthLine]:
        return [line for line in self.growth if line.role == Role.MENTOR]

    def shown_people(self) -> list[Person]:
        """Whom the portfolio names: the mentor and their mentees (for the personal-data access log)."""
        return [self.person, *(p.mentee for line in self.pairs for p in line.mentees)]


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(HUNDREDTH)


def growth_of(pair_ids: list[int]) -> list[GrowthLine]:
    """The growth of these pairs' participants by role and group, one query: the mentor's own (the average of
    their pairs) and their mentees'. A group nobody answered at both stages is left out."""
    sums: dict = {}
    for group in GrowthGroup.values:
        before, after, improved = ParticipantGrowth.score_fields(group)
        sums |= {
            f"{group}_n": Count(before),
            f"{group}_before": Avg(before),
            f"{group}_after": Avg(after),
            f"{group}_improved": Count("pk", filter=Q(**{improved: True})),
        }
    rows = ParticipantGrowth.objects.filter(pair_id__in=pair_ids).values("role").annotate(**sums).order_by()
    found = {row["role"]: row for row in rows}
    lines = []
    for role in (Role.MENTEE, Role.MENTOR):
        row = found.get(role)
        if row is None:
            continue
        for group in GrowthGroup.values:
            if row[f"{group}_n"]:
                lines.append(
                    GrowthLine(
                        role,
                        group,
                        row[f"{group}_n"],
                        _decimal(row[f"{group}_before"]),
                        _decimal(row[f"{group}_after"]),
                        row[f"{group}_improved"],
                    )
                )
    return lines


def is_mentor(person: Person) -> bool:
    return MentoringPair.objects.filter(mentor=person).exists()


def get_portfolio(user: User, pk: int, *, today: date | None = None) -> Portfolio:
    """The portfolio of person `pk`: 404 outside the user's reach (the regional coordinator's too) and for a
    person who never was a mentor."""
    person = get_person(user, pk)
    if not is_mentor(person):
        raise Http404(NOT_A_MENTOR)
    return gather(user, person, today=today)


def gather(user: User, person: Person, *, today: date | None = None) -> Portfolio:
    today = today or timezone.localdate()
    pairs = list(
        MentoringPair.objects.for_user(user)
        .filter(mentor=person)
        .select_related("format", "organisation", "role_model", "program")
        .order_by("-entry_date", "-pk")
    )
    pair_ids = [pair.pk for pair in pairs]
    participations: dict[int, list[PairMentee]] = {}
    for participation in (
        PairMentee.objects.filter(pair_id__in=pair_ids).select_related("mentee__organisation").order_by("pk")
    ):
        participations.setdefault(participation.pair_id, []).append(participation)
    lines = [PairLine(pair, PairStatus(pair.status(today)), participations.get(pair.pk, [])) for pair in pairs]

    # The events: the person's own participations and their pairs', of the events and schools the user reads.
    events = list(
        EventParticipant.objects.for_user(user)
        .filter(event__in=Event.objects.for_user(user))
        .filter(Q(person=person) | Q(pair_id__in=pair_ids))
        .select_related("event__kind")
        .order_by("-event__end_date", "-pk")
    )
    trainings = [row for row in events if row.event.kind.is_training]
    awards = [row for row in events if row.result != Result.PARTICIPANT]
    practices = list(
        practices_of_pairs(pair_ids)
        .filter(pk__in=Practice.objects.for_user(user).values("pk"))
        .select_related("format", "program")
    )
    return Portfolio(
        person=person,
        today=today,
        pairs=lines,
        growth=growth_of(pair_ids),
        trainings=trainings,
        events=events,
        awards=awards,
        practices=practices,
        hours=sum(row.training_hours or 0 for row in trainings),
    )
