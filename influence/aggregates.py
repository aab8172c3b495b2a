"""The figures of the monitoring of influence for a set of organisations (a school, a department): by year,
form of mentoring and role, how many participants have both questionnaires, the average change of each
growth group, the share who improved; and the quality of the process, the average 1–10 of each question per
school.

The year is the calendar year in which the pair entered the program (`MentoringPair.entry_date`): the
cohort whose growth is measured, whenever its «after» questionnaire comes in — the same calendar years as
the indicators of the monitoring (`manage.py indicators --years`).

A participant is a participation: the mentor of a pair, or a mentee in a pair (a person in two pairs counts
twice). Their score of a growth group at a stage is the average of their 1–10 answers to that group's
questions in that stage's questionnaire; each answer takes its group from its own question, so answers
to an older version of a questionnaire stay scored by the questions they answered. The change is «after»
minus «before»; only a participant with both is counted (one with «before» alone is neither counted nor
improved); «improved» is a change above zero.

Everything is summed in the database, in one query per table whatever the size of the registry: the
participants' scores are grouped from the answers (an ORM `values().annotate()`), and that grouping is
summed again by (organisation, year, form, role, group) around it. The sums are kept per organisation
(registry/freshness.py) so that a department's table is the sum of its schools' (`merge`), and a change in
one school computes that school's part again, not the department's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections
from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import ExtractYear

from influence.models import Answer, GrowthGroup, Purpose, QuestionKind, Role
from registry import freshness
from registry.models import MentoringFormat

PARTS_VERSION = 1  # the shape of a kept part (GrowthRow): bump it when it changes
HUNDREDTH = Decimal("0.01")
TENTH = Decimal("0.1")


def _decimal(value, places: Decimal = HUNDREDTH) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


@dataclass
class GrowthRow:
    """One line of the table: the participants of a year, form and role with both questionnaires, in a group."""

    year: int
    format: str  # MentoringFormat.name
    role: str  # Role
    group: str  # GrowthGroup
    participants: int  # with both questionnaires
    change_sum: float  # the sum of their changes (for merging)
    improved: int  # of them, with a change above zero

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def group_label(self) -> str:
        return GrowthGroup(self.group).label

    @property
    def average_change(self) -> Decimal | None:
        return _decimal(self.change_sum / self.participants) if self.participants else None

    @property
    def improved_share(self) -> Decimal | None:
        """Percent of the participants, one decimal."""
        return _decimal(100 * Decimal(self.improved) / self.participants, TENTH) if self.participants else None


def _in_years(answers: QuerySet[Answer], years: Iterable[int] | None) -> QuerySet[Answer]:
    """The answers of pairs that entered the program in these years (all with None)."""
    if years is None:
        return answers
    years = sorted(set(years))
    # A range on the date itself (its index), then the years (a list with gaps).
    return answers.filter(
        response__pair__entry_date__range=(date(years[0], 1, 1), date(years[-1], 12, 31)),
        response__pair__entry_date__year__in=years,
    )


def participant_scores(organisation_ids: Iterable[int], years: Iterable[int] | None = None) -> QuerySet:
    """Each participant's score of each growth group before and after (dicts; only those with both).

    A participant is (pair, participation): the mentor's participation is None.
    """
    answers = Answer.objects.filter(
        response__pair__organisation_id__in=list(organisation_ids),
        response__purpose__in=[Purpose.BEFORE, Purpose.AFTER],
        kind=QuestionKind.SCALE,
    ).exclude(question__growth_group="")
    return (
        _in_years(answers, years)
        .values(
            "response__pair_id",
            "response__participation_id",
            organisation_id=F("response__pair__organisation_id"),
            year=ExtractYear("response__pair__entry_date"),
            format_id=F("response__pair__format_id"),
            role=F("response__role"),
            group=F("question__growth_group"),
        )
        .annotate(
            before=Avg("number_value", filter=Q(response__purpose=Purpose.BEFORE)),
            after=Avg("number_value", filter=Q(response__purpose=Purpose.AFTER)),
        )
        .filter(before__isnull=False, after__isnull=False)
        .order_by()
    )


def growth_by_organisation(
    organisation_ids: Iterable[int], years: Iterable[int] | None = None
) -> dict[int, list[GrowthRow]]:
    """Each organisation's lines (one query): the participants' scores summed by year, form, role and group."""
    scores = participant_scores(organisation_ids, years)
    sql, params = scores.query.get_compiler(using=scores.db).as_sql()
    connection = connections[scores.db]
    name = connection.ops.quote_name
    keys = ", ".join(f"scores.{name(column)}" for column in ("organisation_id", "year", "role", "group"))
    before, after = name("before"), name("after")
    text = (
        f"SELECT {keys}, forms.{name('name')}, COUNT(*), SUM({after} - {before}), "
        f"SUM(CASE WHEN {after} > {before} THEN 1 ELSE 0 END) "
        f"FROM ({sql}) scores JOIN {name(MentoringFormat._meta.db_table)} forms "
        f"ON forms.{name('id')} = scores.{name('format_id')} "
        f"GROUP BY {keys}, forms.{name('name')}"
    )
    if connection.vendor == "postgresql":
        # Compiling this statement with JIT costs more than it saves (1.6 s of 5 for 100 000 people, as
        # for the indicators): off for this query's transaction (the request's under ATOMIC_REQUESTS).
        text = "SET LOCAL jit = off;\n" + text
    found: dict[int, list[GrowthRow]] = {}
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        for organisation_id, year, role, group, form, participants, change_sum, improved in cursor.fetchall():
            found.setdefault(organisation_id, []).append(
                GrowthRow(int(year), form, role, group, participants, float(change_sum), int(improved))
            )
    return found


_GROUPS = {group.value: i for i, group in enumerate(GrowthGroup)}
_ROLES = {role.value: i for i, role in enumerate(Role)}


def merge(parts: Iterable[Iterable[GrowthRow]]) -> list[GrowthRow]:
    """The organisations' lines summed into one table, by year, form, role (mentors first) and group."""
    table: dict[tuple, GrowthRow] = {}
    for rows in parts:
        for row in rows:
            key = (row.year, row.format, row.role, row.group)
            line = table.setdefault(key, GrowthRow(*key, participants=0, change_sum=0.0, improved=0))
            line.participants += row.participants
            line.change_sum += row.change_sum
            line.improved += row.improved
    return sorted(table.values(), key=lambda r: (r.year, r.format, _ROLES[r.role], _GROUPS[r.group]))


def growth_table(
    organisation_ids: Iterable[int], years: Iterable[int] | None = None, *, cached: bool = True
) -> list[GrowthRow]:
    """The table of a set of organisations (a school, a department).

    Each organisation's lines are kept per its data version of the pairs (registry/freshness.py: a saved
    pair, participation, questionnaire or answer renews it), so only the organisations changed since are
    computed again, in one query for all of them (two cache reads when nothing changed). `cached=False`
    computes every organisation (one query).
    """
    organisation_ids = sorted(set(organisation_ids))
    years = None if years is None else sorted(set(years))
    if not cached:
        return merge(growth_by_organisation(organisation_ids, years).values())
    name = f"influence:growth:v{PARTS_VERSION}:{'-'.join(map(str, years)) if years else 'all'}"
    parts = freshness.cached_by_organisation(
        name, organisation_ids, (freshness.PAIRS,), lambda stale: growth_by_organisation(stale, years), list
    )
    return merge(parts.values())


# --- The quality of the process ------------------------------------------------------------------


@dataclass
class QualityRow:
    organisation: str  # short name
    questionnaire: str  # the template's title and version
    order: int
    question: str
    answers: int
    average: Decimal | None


def process_quality(organisation_ids: Iterable[int], years: Iterable[int] | None = None) -> list[QualityRow]:
    """The average 1–10 of each question of the questionnaires on the quality of the process, per school
    (one query): by organisation, questionnaire (role and version) and question."""
    answers = Answer.objects.filter(
        response__pair__organisation_id__in=list(organisation_ids),
        response__purpose=Purpose.QUALITY,
        kind=QuestionKind.SCALE,
    )
    rows = (
        _in_years(answers, years)
        .values(
            "question__order",
            "question__text",
            "question__template__title",
            "question__template__version",
            "response__pair__organisation_id",
            organisation=F("response__pair__organisation__short_name"),
        )
        .annotate(answers=Count("pk"), average=Avg("number_value"))
        .order_by("organisation", "question__template__title", "question__template__version", "question__order")
    )
    return [
        QualityRow(
            organisation=row["organisation"],
            questionnaire=f"{row['question__template__title']} (версия {row['question__template__version']})",
            order=row["question__order"],
            question=row["question__text"],
            answers=row["answers"],
            average=_decimal(row["average"]),
        )
        for row in rows
    ]
