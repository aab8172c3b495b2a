"""Timing the municipality's table of the monitoring of influence (influence/aggregates.py) on the current database.

    measure(department_code=None, repeat=10) -> dict   p50/p95/max ms and SQL queries of `growth_table`

The synthetic region of `generate_data` has no questionnaires yet. `measure` adds plausible ones inside a
transaction that it rolls back at the end, so the bench database is left as it was: two questionnaires per
participation — «before» and «after» of every pair's mentor and of every mentee — each with every scale
question answered (before 3–7, after 4–9, so that most improve and some do not), written by two
INSERT … SELECT statements, then `ANALYZE` so the planner knows them. It then times the table of the
department (the first one, or `department_code`) over all its years: computed without the cache (`computed`:
the cost after every organisation changed), read from the organisations' kept parts (`cached`), and after a
change in one school (`one_school_changed`: that school's part computed again).

    python manage.py shell -c "from bench.influence import measure; print(measure())"
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from bench.indicators import _timings
from influence import growth
from influence.aggregates import growth_table
from influence.models import Purpose, Role
from influence.services import template_for
from registry import freshness
from registry.models import EducationDepartment, MentoringPair, Organisation


class _RolledBack(Exception):
    pass


def _templates(department: EducationDepartment) -> list[tuple[int, str, str, int]]:
    """(form, purpose, role, template) for each form used in the department: the template the pages use."""
    found = []
    pairs = MentoringPair.objects.filter(organisation__department=department).select_related("organisation")
    for form_id in pairs.order_by().values_list("format_id", flat=True).distinct():
        pair = pairs.filter(format_id=form_id).first()
        assert pair is not None
        for purpose in (Purpose.BEFORE, Purpose.AFTER):
            for role in Role:
                template = template_for(pair, purpose, role)
                if template is not None:
                    found.append((form_id, purpose.value, role.value, template.pk))
    return found


def _fill(department: EducationDepartment) -> tuple[int, int]:
    """Two questionnaires per participation of the department's pairs, with their scale answers."""
    templates = _templates(department)
    chosen = ", ".join(["(%s, %s, %s, %s)"] * len(templates))
    params = [value for row in templates for value in row]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH chosen(format_id, purpose, role, template_id) AS (VALUES {chosen}),
            participants AS (
                SELECT p.id AS pair_id, NULL::bigint AS participation_id, p.format_id, 'mentor' AS role
                FROM registry_mentoringpair p JOIN registry_organisation o ON o.id = p.organisation_id
                WHERE o.department_id = %s
                UNION ALL
                SELECT pm.pair_id, pm.id, pm.format_id, 'mentee'
                FROM registry_pairmentee pm JOIN registry_organisation o ON o.id = pm.organisation_id
                WHERE o.department_id = %s
            )
            INSERT INTO influence_response
                (template_id, pair_id, participation_id, entry_method, purpose, role, created_at, updated_at)
            SELECT c.template_id, x.pair_id, x.participation_id, 'paper', c.purpose, c.role, now(), now()
            FROM participants x JOIN chosen c ON c.format_id = x.format_id AND c.role = x.role
            """,
            [*params, department.pk, department.pk],
        )
        responses = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO influence_answer (response_id, question_id, number_value, text_value, kind)
            SELECT r.id, q.id,
                   CASE WHEN r.purpose = 'before' THEN 3 + floor(random() * 5) ELSE 4 + floor(random() * 6) END,
                   '', 'scale'
            FROM influence_response r JOIN influence_question q ON q.template_id = r.template_id AND q.kind = 'scale'
            """
        )
        answers = cursor.rowcount
    growth.rebuild(MentoringPair.objects.filter(organisation__department=department).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for table in ("influence_response", "influence_answer", "influence_participantgrowth"):
            cursor.execute(f"ANALYZE {table}")
    return responses, answers


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
