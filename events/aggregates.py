"""Counts of events for the analytic report and the portfolio, computed in the database.

    events_by_level(department_ids, year)   one `LevelCounts` per level (every level, zeros included):
                                            events, participants (rows), winners, prize winners, laureates
    training_summary(department_ids, year)  `TrainingSummary`: trained mentors (people), training hours, events
    awards_of(person_ids)                   {person id: [participations with a result above «участник»]}
    events_by_year(department_ids, years)   {year: [LevelCounts]}: the same for several years, in three queries
    training_by_year(department_ids, years) {year: TrainingSummary}, in two queries (the analytic report)

A year is the calendar year the event ended in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from events.models import Event, EventParticipant, Level, Result
from events.training import credited_person


@dataclass(frozen=True)
class LevelCounts:
    level: str
    label: str
    events: int
    participants: int
    winners: int
    prize_winners: int
    laureates: int


def events_by_level(department_ids: Iterable[int], year: int) -> list[LevelCounts]:
    ids = list(department_ids)
    events = dict(
        Event.objects.filter(department_id__in=ids, end_date__year=year)
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
    )
    participants = {
        row["event__level"]: row
        for row in EventParticipant.objects.filter(event__department_id__in=ids, event__end_date__year=year)
        .order_by()
        .values("event__level")
        .annotate(
            total=Count("pk"),
            winners=Count("pk", filter=Q(result=Result.WINNER)),
            prize_winners=Count("pk", filter=Q(result=Result.PRIZE_WINNER)),
            laureates=Count("pk", filter=Q(result=Result.LAUREATE)),
        )
    }
    rows = []
    for level in Level:
        found = participants.get(level.value, {})
        rows.append(
            LevelCounts(
                level.value,
                level.label,
                events.get(level.value, 0),
                found.get("total", 0),
                found.get("winners", 0),
                found.get("prize_winners", 0),
                found.get("laureates", 0),
            )
        )
    return rows


@dataclass(frozen=True)
class TrainingSummary:
    mentors_trained: int  # distinct people (a pair's training counts for its mentor)
    hours: int
    events: int


def training_summary(department_ids: Iterable[int], year: int) -> TrainingSummary:
    ids = list(department_ids)
    rows = EventParticipant.objects.trainings().filter(event__department_id__in=ids, event__end_date__year=year)
    people = set(rows.exclude(person__isnull=True).values_list("person_id", flat=True))
    people |= set(rows.exclude(pair__isnull=True).values_list("pair__mentor_id", flat=True))
    totals = rows.aggregate(hours=Sum("training_hours"), events=Count("event", distinct=True))
    return TrainingSummary(len(people), totals["hours"] or 0, totals["events"] or 0)


def awards_of(person_ids: Iterable[int]) -> dict[int, list[EventParticipant]]:
    """Each person's results above «участник» (in person or with a pair they mentor), newest first."""
    ids = list(person_ids)
    found: dict[int, list[EventParticipant]] = defaultdict(list)
    rows = (
        EventParticipant.objects.filter(Q(person_id__in=ids) | Q(pair__mentor_id__in=ids))
        .exclude(result=Result.PARTICIPANT)
        .select_related("event__kind", "pair")
        .order_by("-event__end_date", "-pk")
    )
    for row in rows:
        found[credited_person(row)].append(row)
    return dict(found)


def events_by_year(department_ids: Iterable[int], years: Iterable[int]) -> dict[int, list[LevelCounts]]:
    """`events_by_level` for each of the years, read in a fixed number of queries (the analytic report)."""
    ids, years = list(department_ids), sorted(set(years))
    events: dict[tuple[int, str], int] = {
        (row["year"], row["level"]): row["n"]
        for row in Event.objects.filter(department_id__in=ids, end_date__year__in=years)
        .annotate(year=ExtractYear("end_date"))
        .order_by()
        .values("year", "level")
        .annotate(n=Count("pk"))
    }
    participants = {
        (row["year"], row["event__level"]): row
        for row in EventParticipant.objects.filter(event__department_id__in=ids, event__end_date__year__in=years)
        .annotate(year=ExtractYear("event__end_date"))
        .order_by()
        .values("year", "event__level")
        .annotate(
            total=Count("pk"),
            winners=Count("pk", filter=Q(result=Result.WINNER)),
            prize_winners=Count("pk", filter=Q(result=Result.PRIZE_WINNER)),
            laureates=Count("pk", filter=Q(result=Result.LAUREATE)),
        )
    }
    found: dict[int, list[LevelCounts]] = {}
    for year in years:
        found[year] = [
            LevelCounts(
                level.value,
                level.label,
                events.get((year, level.value), 0),
                participants.get((year, level.value), {}).get("total", 0),
                participants.get((year, level.value), {}).get("winners", 0),
                participants.get((year, level.value), {}).get("prize_winners", 0),
                participants.get((year, level.value), {}).get("laureates", 0),
            )
            for level in Level
        ]
    return found


def training_by_year(department_ids: Iterable[int], years: Iterable[int]) -> dict[int, TrainingSummary]:
    """`training_summary` for each of the years: the rows read once (who, hours, event, year), summed here."""
    ids, years = list(department_ids), sorted(set(years))
    rows = (
        EventParticipant.objects.trainings()
        .filter(event__department_id__in=ids, event__end_date__year__in=years)
        .annotate(year=ExtractYear("event__end_date"))
        .values_list("year", "person_id", "pair__mentor_id", "training_hours", "event_id")
    )
    people: dict[int, set[int]] = defaultdict(set)
    hours: dict[int, int] = defaultdict(int)
    held: dict[int, set[int]] = defaultdict(set)
    for year, person_id, mentor_id, value, event_id in rows:
        people[year].add(person_id or mentor_id)
        hours[year] += value or 0
        held[year].add(event_id)
    return {year: TrainingSummary(len(people[year]), hours[year], len(held[year])) for year in years}
