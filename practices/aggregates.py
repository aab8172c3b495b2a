"""The bank's figures for the analytic report and the mentor's portfolio: counts grouped in the database,
read from the transitions (`PracticeStep`), so a practice submitted in one year and published in the next
counts in each year for what happened in it. No view of this app uses them; the caller checks access.

    counts_by_year(department_ids, years)          {year: Counts} for the departments
    counts_by_organisation(department_ids, year)   {organisation id: Counts} of one year
    counts_by_department(department_ids, year)     {department id: Counts} of one year
    published_now(department_ids)                  how many practices are on the public pages now
    practices_of_pairs(pair_ids)                   the practices drawing on these pairs (a mentor's portfolio)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from practices.models import Practice, PracticePair, PracticeState, PracticeStep


@dataclass
class Counts:
    """Practices submitted (sent to the methodist), approved and published in a period: each practice once."""

    submitted: int = 0
    approved: int = 0
    published: int = 0


_FIELD = {
    PracticeState.SUBMITTED: "submitted",
    PracticeState.APPROVED: "approved",
    PracticeState.PUBLISHED: "published",
}


def _grouped(department_ids: Iterable[int], by: str, years: Iterable[int] | None) -> dict[int, Counts]:
    steps = PracticeStep.objects.filter(
        practice__department_id__in=list(department_ids), to_state__in=list(_FIELD)
    ).annotate(year=ExtractYear("at"))
    if years is not None:
        steps = steps.filter(year__in=list(years))
    rows = steps.values(by, "to_state").annotate(n=Count("practice", distinct=True)).order_by()
    found: dict[int, Counts] = {}
    for row in rows:
        counts = found.setdefault(row[by], Counts())
        setattr(counts, _FIELD[row["to_state"]], row["n"])
    return found


def counts_by_year(department_ids: Iterable[int], years: Iterable[int] | None = None) -> dict[int, Counts]:
    return _grouped(department_ids, "year", years)


def counts_by_organisation(department_ids: Iterable[int], year: int) -> dict[int, Counts]:
    return _grouped(department_ids, "practice__organisation_id", [year])


def counts_by_department(department_ids: Iterable[int], year: int) -> dict[int, Counts]:
    return _grouped(department_ids, "practice__department_id", [year])


def published_now(department_ids: Iterable[int]) -> int:
    return Practice.objects.published().filter(department_id__in=list(department_ids)).count()


def practices_of_pairs(pair_ids: Iterable[int]) -> QuerySet[Practice]:
    """The practices linked to any of these pairs (e.g. a mentor's pairs), newest first."""
    linked = PracticePair.objects.filter(pair_id__in=list(pair_ids)).values("practice_id")
    return Practice.objects.filter(pk__in=linked).select_related("organisation").order_by("-created_at")
