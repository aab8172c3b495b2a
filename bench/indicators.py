"""Timing the indicator table on the current database, for the project's `bench` command.

    measure(departments, repeat) -> dict   p50/p95/max ms and SQL queries of `indicator_table`

The table is computed `repeat` times without the cache (the cost after any change of the data) and
then read `repeat` times through it (the cost of every other request). The synthetic region of
`generate_data` has no contingents: `fill_contingents` invents plausible ones (a bench database
only — it writes).
"""

from __future__ import annotations

import math
import random
import time

from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from monitoring.indicators import default_years, indicator_table
from monitoring.models import Contingent
from registry import freshness
from registry.models import MentoringPair, Organisation, Person, PersonCategory


def _percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


def _timings(call, repeat: int) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as captured:
        call()
    queries = len(captured)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "p50_ms": round(_percentile(timings, 0.5), 1),
        "p95_ms": round(_percentile(timings, 0.95), 1),
        "max_ms": round(timings[-1], 1),
    }, queries


def measure(departments, repeat: int = 10, years: list[int] | None = None) -> dict:
    """p50/p95/max ms and the number of SQL queries of `indicator_table` for these departments:
    computed (`p50_ms`, `p95_ms`, `max_ms`, `queries`) and read from the cache (`cached_*`)."""
    departments = list(departments)
    years = years or default_years(departments)
    department_ids = [department.pk for department in departments]
    computed, queries = _timings(lambda: indicator_table(departments, years, cached=False), repeat)
    indicator_table(departments, years)  # fill the cache
    cached, cached_queries = _timings(lambda: indicator_table(departments, years), repeat)
    return {
        "database": connection.vendor,
        "departments": [department.code for department in departments],
        "years": years,
        "organisations": Organisation.objects.filter(department_id__in=department_ids).count(),
        "people": Person.objects.filter(organisation__department_id__in=department_ids).count(),
        "pairs": MentoringPair.objects.filter(organisation__department_id__in=department_ids).count(),
        "repeat": repeat,
        **computed,
        "queries": queries,
        **{f"cached_{key}": value for key, value in cached.items()},
        "cached_queries": cached_queries,
    }


@transaction.atomic
def fill_contingents(departments, years: list[int] | None = None, *, reporting: float = 0.85, seed: int = 1) -> int:
    """Invent a contingent per organisation and year where none is entered (a bench database only).

    About `reporting` of the organisations report each year; the numbers are a few times the people
    in the registry (most pupils and teachers do not take part in mentoring). Returns the rows made.
    """
    rng = random.Random(seed)
    departments = list(departments)
    years = years or default_years(departments)
    organisations = list(
        Organisation.objects.filter(department__in=departments).annotate(
            students=Count("people", filter=Q(people__category=PersonCategory.STUDENT)),
            teachers=Count("people", filter=Q(people__category=PersonCategory.TEACHER)),
        )
    )
    existing = set(
        Contingent.objects.filter(organisation__in=organisations, year__in=years).values_list("organisation_id", "year")
    )
    made = []
    for organisation in organisations:
        for year in years:
            if (organisation.pk, year) in existing or rng.random() > reporting:
                continue
            students = organisation.students * rng.randint(3, 6) + rng.randint(0, 50)
            teachers = organisation.teachers * rng.randint(2, 4) + rng.randint(5, 20)
            young = rng.randint(1, max(1, teachers // 8))
            made.append(
                Contingent(
                    organisation=organisation,
                    year=year,
                    students_total=students,
                    students_10_18=int(students * rng.uniform(0.55, 0.7)),
                    teachers=teachers,
                    young_specialists=young,
                    young_teachers=min(teachers, young + rng.randint(0, 5)),
                )
            )
    Contingent.objects.bulk_create(made, batch_size=1000)
    freshness.touch_all()  # bulk_create sends no signals
    return len(made)
