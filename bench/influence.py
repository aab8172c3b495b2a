"""Timing the municipality's table of the monitoring of influence (influence/aggregates.py) on the current database.

    measure(department_code=None, repeat=10) -> dict   p50/p95/max ms and SQL queries of `growth_table`

The synthetic region of `generate_data` has questionnaires as a school would (influence/synthetic.py: «after»
only for completed pairs). `measure` replaces them, inside a transaction that it rolls back at the end so
the bench database is left as it was, by the registry of issue 19: two questionnaires per participation —
«before» and «after» of every pair's mentor and of every mentee — each with every scale question answered
(before 3–7, after 4–9, so that most improve and some do not), with every participant's stored growth. It
then times the table of the department (the first one, or `department_code`) over all its years: computed
without the cache (`computed`: the cost after every organisation changed), read from the organisations' kept
parts (`cached`), and after a change in one school (`one_school_changed`: that school's part computed
again).

    python manage.py shell -c "from bench.influence import measure; print(measure())"
"""

from __future__ import annotations

import time
from datetime import date

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from bench.indicators import _timings
from influence import synthetic
from influence.aggregates import growth_table
from registry import freshness
from registry.models import EducationDepartment, MentoringPair, Organisation


class _RolledBack(Exception):
    pass


def _fill(department: EducationDepartment) -> tuple[int, int]:
    """Two questionnaires per participation (the issue's registry) in place of generate_data's (fewer: only
    completed pairs have «after»), written as generate_data writes them (influence/synthetic.py)."""
    synthetic.delete([department.pk])
    made = dict(synthetic.fill([department.pk], date.today(), everyone=True))
    return made.get("анкет", 0), made.get("ответов", 0)


def measure(department_code: str | None = None, repeat: int = 10) -> dict:
    """p50/p95/max ms (computed, cached, one school changed) and the SQL queries of the department's table
    computed, on questionnaires added and rolled back."""
    departments = EducationDepartment.objects.order_by("pk")
    department = departments.get(code=department_code) if department_code else departments.first()
    if department is None:
        raise ValueError("No department: run generate_data first")
    organisation_ids = list(Organisation.objects.filter(department=department).values_list("pk", flat=True))
    result: dict = {}
    with override_settings(DEBUG=False):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                responses, answers = _fill(department)
                fill_seconds = round(time.perf_counter() - started, 1)
                with CaptureQueriesContext(connection) as captured:
                    rows = growth_table(organisation_ids, cached=False)
                computed, _ = _timings(lambda: growth_table(organisation_ids, cached=False), repeat)
                growth_table(organisation_ids)  # every organisation's part kept
                kept, _ = _timings(lambda: growth_table(organisation_ids), repeat)

                def after_a_change() -> None:
                    freshness.touch(organisation_ids[0], topics=(freshness.PAIRS,))  # a school's questionnaire
                    growth_table(organisation_ids)

                changed, _ = _timings(after_a_change, repeat)
                result = {
                    "database": connection.vendor,
                    "department": department.code,
                    "pairs": MentoringPair.objects.filter(organisation__department=department).count(),
                    "responses": responses,
                    "answers": answers,
                    "fill_seconds": fill_seconds,
                    "rows": len(rows),
                    "queries": len(captured),
                    "computed": computed,
                    "cached": kept,
                    "one_school_changed": changed,
                }
                raise _RolledBack
        except _RolledBack:
            pass
    return result
