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

Everything is summed in the database, in two queries per table (the lines and their forms' names)
whatever the size of the registry: each participant's scores are kept as one line per group when their
questionnaires are saved (ParticipantGrowth, influence/growth.py), and those lines are summed by
(organisation, year, form, role, group). The sums are kept per organisation (registry/freshness.py) so
that a department's table is the sum of its schools' (`merge`), and a change in one school computes that
school's part again, not the department's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast, ExtractYear

from influence.models import Answer, GrowthGroup, ParticipantGrowth, Purpose, QuestionKind, Role, school_year_label
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


def _in_years(rows: QuerySet, years: Iterable[int] | None, pair: str) -> QuerySet:
    """The rows of pairs that entered the program in these years (all with None); `pair` is the path to it."""
    if years is None:
        return rows
    years = sorted(set(years))
    # A range on the date itself (its index), then the years (a list with gaps).
    return rows.filter(
        **{
            f"{pair}__entry_date__range": (date(years[0], 1, 1), date(years[-1], 12, 31)),
            f"{pair}__entry_date__year__in": years,
        }
    )


def participants(organisation_ids: Iterable[int], years: Iterable[int] | None = None) -> QuerySet[ParticipantGrowth]:
    """The stored growth lines of the participants with both questionnaires (influence/growth.py)."""
    lines = ParticipantGrowth.objects.filter(pair__organisation_id__in=list(organisation_ids))
    return _in_years(lines, years, "pair")


def both_questionnaires(
    organisation_ids: Iterable[int], years: Iterable[int] | None = None, format_name: str = ""
) -> dict[str, int]:
    """The participants with both questionnaires, by role (every Role, 0 when none): the stored growth lines,
    one a participant (influence/growth.py), counted in one query; `format_name`: of this form alone."""
    lines = participants(organisation_ids, years)
    if format_name:
        lines = lines.filter(pair__format__name=format_name)
    counted = dict(lines.values_list("role").annotate(n=Count("pk")).order_by())
    return {role: counted.get(role, 0) for role in Role.values}


def _group_sums(group: str) -> dict:
    before, after, improved = ParticipantGrowth.score_fields(group)
    return {
        f"{group}_n": Count(before),
        f"{group}_change": Sum(F(after) - F(before)),
        f"{group}_improved": Count("pk", filter=Q(**{improved: True})),
    }


def growth_by_organisation(
    organisation_ids: Iterable[int], years: Iterable[int] | None = None
) -> dict[int, list[GrowthRow]]:
    """Each organisation's lines: the participants' stored scores summed by year, form and role, each growth
    group in its own columns (one query, and one for the forms' names). Grouped by integers — the form's id,
    the year cast from the date — which PostgreSQL hashes several times faster than a form's name or
    EXTRACT's numeric."""
    sums: dict = {}
    for group in GrowthGroup.values:
        sums |= _group_sums(group)
    rows = list(
        participants(organisation_ids, years)
        .values(
            "role",
            organisation_id=F("pair__organisation_id"),
            year=Cast(ExtractYear("pair__entry_date"), IntegerField()),
            format_id=F("pair__format_id"),
        )
        .annotate(**sums)
        .order_by()
    )
    forms = dict(MentoringFormat.objects.filter(pk__in={row["format_id"] for row in rows}).values_list("pk", "name"))
    found: dict[int, list[GrowthRow]] = {}
    for row in rows:
        for group in GrowthGroup.values:
            if row[f"{group}_n"]:
                found.setdefault(row["organisation_id"], []).append(
                    GrowthRow(
                        int(row["year"]),
                        forms[row["format_id"]],
                        row["role"],
                        group,
                        row[f"{group}_n"],
                        float(row[f"{group}_change"]),
                        row[f"{group}_improved"],
                    )
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
    computed again, in two queries for all of them (two cache reads when nothing changed). `cached=False`
    computes every organisation (two queries).
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
        _in_years(answers, years, "response__pair")
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


# --- Outcomes of mentees per school year (MenteeOutcome) -------------------------------------------


@dataclass
class OutcomeRow:
    """The outcomes of a school year and form of mentoring: the mentees with figures, the share who passed
    each exam among those who took it, the average marks of those with both marks, and the olympiads."""

    school_year: int  # the year it starts in: 2025 is 2025/26
    format: str  # MentoringFormat.name
    mentees: int  # participations with outcomes of the year
    vpr_taken: int
    vpr_passed: int
    oge_taken: int
    oge_passed: int
    ege_taken: int
    ege_passed: int
    with_marks: int  # with both marks, before and after
    mark_before: Decimal | None  # their average, to 0.01
    mark_after: Decimal | None
    mark_change: Decimal | None  # the average of (after − before)
    olympiads: int  # olympiads entered, in all
    prizewinners: int  # prizewinners and winners

    @property
    def school_year_label(self) -> str:
        """«2025/26»."""
        return school_year_label(self.school_year)

    @staticmethod
    def _share(passed: int, taken: int) -> Decimal | None:
        return _decimal(100 * passed / taken, TENTH) if taken else None

    @property
    def vpr_share(self) -> Decimal | None:
        """Per cent who passed among those who took it (None: nobody took it)."""
        return self._share(self.vpr_passed, self.vpr_taken)

    @property
    def oge_share(self) -> Decimal | None:
        return self._share(self.oge_passed, self.oge_taken)

    @property
    def ege_share(self) -> Decimal | None:
        return self._share(self.ege_passed, self.ege_taken)


def outcome_summary(
    organisation_ids: Iterable[int],
    school_years: Iterable[int] | None = None,
    *,
    entry_years: Iterable[int] | None = None,
    format_name: str = "",
) -> list[OutcomeRow]:
    """The outcomes of the organisations' mentees (their pairs' organisations) by school year and form of
    mentoring, summed in the database in one query. `entry_years`: of the pairs that entered the program in
    these years (as the growth table's); `format_name`: of this form alone."""
    # Imported here: the outcomes came after the module's imports, which other tables keep to their own needs.
    from django.db.models import ExpressionWrapper, FloatField

    from influence.models import MenteeOutcome, OlympiadResult

    outcomes = MenteeOutcome.objects.filter(participation__organisation_id__in=list(organisation_ids))
    if school_years is not None:
        outcomes = outcomes.filter(school_year__in=list(school_years))
    outcomes = _in_years(outcomes, entry_years, "participation__pair")
    if format_name:
        outcomes = outcomes.filter(participation__format__name=format_name)
    both = Q(mark_before__isnull=False, mark_after__isnull=False)
    rows = (
        outcomes.values("school_year", format=F("participation__format__name"))
        .annotate(
            mentees=Count("participation", distinct=True),
            vpr_taken=Count("pk", filter=Q(vpr_passed__isnull=False)),
            vpr_yes=Count("pk", filter=Q(vpr_passed=True)),
            oge_taken=Count("pk", filter=Q(oge_passed__isnull=False)),
            oge_yes=Count("pk", filter=Q(oge_passed=True)),
            ege_taken=Count("pk", filter=Q(ege_passed__isnull=False)),
            ege_yes=Count("pk", filter=Q(ege_passed=True)),
            with_marks=Count("pk", filter=both),
            before=Avg(Cast("mark_before", FloatField()), filter=both),
            after=Avg(Cast("mark_after", FloatField()), filter=both),
            change=Avg(
                ExpressionWrapper(
                    Cast("mark_after", FloatField()) - Cast("mark_before", FloatField()), output_field=FloatField()
                ),
                filter=both,
            ),
            olympiads_sum=Sum("olympiads"),
            winners=Count("pk", filter=Q(olympiad_result__in=[OlympiadResult.PRIZEWINNER, OlympiadResult.WINNER])),
        )
        .order_by("school_year", "format")
    )
    return [
        OutcomeRow(
            school_year=row["school_year"],
            format=row["format"],
            mentees=row["mentees"],
            vpr_taken=row["vpr_taken"],
            vpr_passed=row["vpr_yes"],
            oge_taken=row["oge_taken"],
            oge_passed=row["oge_yes"],
            ege_taken=row["ege_taken"],
            ege_passed=row["ege_yes"],
            with_marks=row["with_marks"],
            mark_before=_decimal(row["before"]),
            mark_after=_decimal(row["after"]),
            mark_change=_decimal(row["change"]),
            olympiads=row["olympiads_sum"] or 0,
            prizewinners=row["winners"],
        )
        for row in rows
    ]
