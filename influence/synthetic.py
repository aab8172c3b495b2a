"""Plausible questionnaires for the synthetic region (generate_data, registered in registry/synthetic/extras.py),
so that the benchmark and the demo of a large region have the monitoring of influence to show.

Who answered what, as a school would have it: the «before» questionnaire of nine participants in ten of the
pairs that entered the program more than a month ago (mentor and mentees alike), the «after» of nine in ten
of those with «before» whose pair is completed, and the quality of the process of two completed mentees in
three. Each answers every scale question of the questionnaire the pages would give them (influence/services.py
`template_for`): «before» 3–7, «after» 4–9, so that most improve and some do not; the quality 5–10.

Written by INSERT … SELECT statements that both databases run (the choices are arithmetic on the ids: the
two have no random function in common), then each participant's stored growth is built (influence/growth.py
`rebuild`).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection

from influence import growth
from influence.models import Answer, AnswerLink, ParticipantGrowth, Purpose, Response, Role
from influence.services import template_for
from registry.models import MentoringPair
from registry.synthetic.extras import Extra, register

BEFORE_AFTER_DAYS = 30  # a pair this long in the program has its «before» questionnaires


def _templates(department_ids: list[int]) -> list[tuple[int, int, str, str, int]]:
    """(department, form, purpose, role, template) for each form used: the template the pages give."""
    found = []
    pairs = MentoringPair.objects.filter(organisation__department__in=department_ids).select_related("organisation")
    used = pairs.order_by().values_list("organisation__department_id", "format_id").distinct()
    for department_id, form_id in used:
        pair = pairs.filter(organisation__department_id=department_id, format_id=form_id).first()
        assert pair is not None
        for purpose in Purpose:
            for role in Role:
                template = template_for(pair, purpose, role)
                if template is not None:
                    found.append((department_id, form_id, purpose.value, role.value, template.pk))
    return found


def _participants(department_ids: list[int]) -> str:
    """The participants of the departments' pairs: the mentor (no participation) and each mentee."""
    marks = ", ".join(["%s"] * len(department_ids))
    return f"""
        SELECT p.id AS pair_id, CAST(NULL AS bigint) AS participation_id, p.id AS n, o.department_id,
               p.format_id, 'mentor' AS role, p.entry_date, p.end_date
        FROM registry_mentoringpair p JOIN registry_organisation o ON o.id = p.organisation_id
        WHERE o.department_id IN ({marks})
        UNION ALL
        SELECT pm.pair_id, pm.id, pm.id, o.department_id, pm.format_id, 'mentee', p.entry_date, p.end_date
        FROM registry_pairmentee pm
        JOIN registry_mentoringpair p ON p.id = pm.pair_id
        JOIN registry_organisation o ON o.id = p.organisation_id
        WHERE o.department_id IN ({marks})
    """


def fill(department_ids: list[int], today: date, *, everyone: bool = False) -> list[tuple[str, int]]:
    """`everyone`: «before» and «after» of every participation, whatever its pair's stage (the benchmark's
    registry of issue 19: two questionnaires per participation)."""
    templates = _templates(department_ids)
    if not templates:
        return []
    first = "SELECT %s AS department_id, %s AS format_id, %s AS purpose, %s AS role, %s AS template_id"
    chosen = " UNION ALL ".join([first] + ["SELECT %s, %s, %s, %s, %s"] * (len(templates) - 1))
    params = [value for row in templates for value in row]
    entered = today - timedelta(days=BEFORE_AFTER_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO influence_response
                (template_id, pair_id, participation_id, entry_method, purpose, role, created_at, updated_at)
            SELECT c.template_id, x.pair_id, x.participation_id, 'paper', c.purpose, c.role,
                   CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
            FROM ({_participants(department_ids)}) x
            JOIN ({chosen}) c
              ON c.department_id = x.department_id AND c.format_id = x.format_id AND c.role = x.role
            WHERE (%s AND c.purpose <> 'quality') OR x.entry_date <= %s AND x.n %% 10 <> 3 AND (
                c.purpose = 'before'
                OR (c.purpose = 'after' AND x.end_date IS NOT NULL AND x.n %% 10 <> 7)
                OR (c.purpose = 'quality' AND x.role = 'mentee' AND x.end_date IS NOT NULL AND x.n %% 3 <> 0)
            )
            """,
            [*department_ids, *department_ids, *params, everyone, entered],
        )
        responses = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO influence_answer (response_id, question_id, number_value, text_value, kind)
            SELECT r.id, q.id,
                   CASE r.purpose WHEN 'before' THEN 3 + (r.id * 7 + q.id * 13) %% 5
                                  WHEN 'after' THEN 4 + (r.id * 11 + q.id * 17) %% 6
                                  ELSE 5 + (r.id * 5 + q.id * 3) %% 6 END,
                   '', 'scale'
            FROM influence_response r
            JOIN influence_question q ON q.template_id = r.template_id AND q.kind = 'scale'
            JOIN registry_mentoringpair p ON p.id = r.pair_id
            JOIN registry_organisation o ON o.id = p.organisation_id
            WHERE o.department_id IN ({", ".join(["%s"] * len(department_ids))})
            """,
            department_ids,
        )
        answers = cursor.rowcount
    _analyze(Response, Answer)  # the growth lines' query below planned for the new volume, not for empty tables
    pairs = MentoringPair.objects.filter(organisation__department__in=department_ids).values_list("pk", flat=True)
    lines = growth.rebuild(pairs)
    _analyze(ParticipantGrowth)
    return [("анкет", responses), ("ответов", answers), ("строк роста", lines)]


def delete(department_ids: list[int]) -> None:
    """Bulk deletes without loading rows (no audit entries): the data is synthetic."""
    in_departments = {"pair__organisation__department__in": department_ids}
    for queryset in (
        ParticipantGrowth.objects.filter(**in_departments),
        Answer.objects.filter(response__pair__organisation__department__in=department_ids),
        Response.objects.filter(**in_departments),
        AnswerLink.objects.filter(**in_departments),
    ):
        queryset._raw_delete(queryset.db)


def register_with_generator() -> None:
    register(Extra(name="questionnaires", fill=fill, delete=delete))


def _analyze(*models) -> None:
    """Fresh planner statistics (PostgreSQL; autovacuum may be off, and the rows are this transaction's)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
