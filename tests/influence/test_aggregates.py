"""The figures of influence worked out by hand on a small registry: who is counted, the average change of
each growth group, the share who improved, and the quality of the process per school."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from influence import growth
from influence import privacy as questionnaires
from influence.aggregates import growth_table, process_quality
from influence.models import (
    GrowthGroup,
    ParticipantGrowth,
    Purpose,
    Question,
    QuestionKind,
    QuestionnaireTemplate,
    Response,
    Role,
)
from influence.services import save_response, template_for
from registry.models import Person
from tests import factories

pytestmark = pytest.mark.django_db

FORM = "студент – ученик"
M, C, P = GrowthGroup.MOTIVATION, GrowthGroup.COMPETENCE, GrowthGroup.PROFESSIONAL


def enter(pair, participation, purpose, scores, user=None):
    """A questionnaire whose scale questions score `scores` (a number for all, or one per growth group);
    the scale questions outside the groups are answered 1 (they count nowhere)."""
    role = Role.MENTOR if participation is None else Role.MENTEE
    template = template_for(pair, purpose, role)
    by_group = scores if isinstance(scores, dict) else dict.fromkeys(GrowthGroup.values, scores)
    scale = template.questions.filter(kind=QuestionKind.SCALE)
    if purpose != Purpose.QUALITY:
        assert {q.growth_group for q in scale} >= set(by_group), template
    values = {q.pk: by_group.get(q.growth_group, 1) if purpose != Purpose.QUALITY else scores for q in scale}
    save_response(pair=pair, participation=participation, template=template, values=values, user=user)


def mentee(pair, person):
    return pair.participations.get(mentee=person)


def table(organisations, years=None):
    return [
        (row.year, row.format, row.role, row.group, row.participants, row.average_change, row.improved_share)
        for row in growth_table([o.pk for o in organisations], years)
    ]


@pytest.fixture
def registry(world):
    """Department A: in A1, pair X (a teacher, two pupils) and pair Y (another teacher and X's first pupil),
    both of 2025; in A2, pair Z of 2026; in B1 (another department) pair W."""
    a1, a2, b1 = world.school_a1, world.school_a2, world.school_b1
    first, second = factories.student(a1, last_name="Первова"), factories.student(a1, last_name="Вторая")
    x = factories.pair(factories.teacher(a1, last_name="Иксова"), [first, second], format_name=FORM)
    y = factories.pair(
        factories.teacher(a1, last_name="Игрекова"), [first], format_name=FORM, entry_date=date(2025, 10, 1)
    )
    third = factories.student(a2, last_name="Третья")
    z = factories.pair(factories.teacher(a2), [third], format_name=FORM, entry_date=date(2026, 2, 1))
    alien = factories.student(b1)
    w = factories.pair(factories.teacher(b1), [alien], format_name=FORM)

    # Pair X: the mentor +3 / 0 / −1; the first pupil +2 / +3 / 0; the second pupil only «before».
    enter(x, None, Purpose.BEFORE, 5)
    enter(x, None, Purpose.AFTER, {M: 8, C: 5, P: 4})
    enter(x, mentee(x, first), Purpose.BEFORE, {M: 4, C: 6, P: 6})
    enter(x, mentee(x, first), Purpose.AFTER, {M: 6, C: 9, P: 6})
    enter(x, mentee(x, second), Purpose.BEFORE, 5)
    # Pair Y: the mentor +1 in each group; the first pupil again, −1 in each.
    enter(y, None, Purpose.BEFORE, 6)
    enter(y, None, Purpose.AFTER, 7)
    enter(y, mentee(y, first), Purpose.BEFORE, 5)
    enter(y, mentee(y, first), Purpose.AFTER, 4)
    # Pair Z (2026): the pupil +2 in each group; the mentor only «before».
    enter(z, None, Purpose.BEFORE, 5)
    enter(z, mentee(z, third), Purpose.BEFORE, 3)
    enter(z, mentee(z, third), Purpose.AFTER, 5)
    # Pair W, another department's: a change that must not leak in.
    enter(w, None, Purpose.BEFORE, 1)
    enter(w, None, Purpose.AFTER, 10)
    # The quality of the process: in A1 the two pupils of X answer 8 and 6, in A2 the pupil answers 9.
    enter(x, mentee(x, first), Purpose.QUALITY, 8)
    enter(x, mentee(x, second), Purpose.QUALITY, 6)
    enter(z, mentee(z, third), Purpose.QUALITY, 9)
    return world


def test_the_departments_table_by_year_form_role_and_group(registry):
    a1, a2 = registry.school_a1, registry.school_a2
    d = Decimal
    assert table([a1, a2]) == [
        # Mentors of 2025: X's (+3, 0, −1) and Y's (+1 each).
        (2025, FORM, Role.MENTOR, M, 2, d("2.00"), d("100.0")),
        (2025, FORM, Role.MENTOR, C, 2, d("0.50"), d("50.0")),
        (2025, FORM, Role.MENTOR, P, 2, d("0.00"), d("50.0")),
        # Mentees of 2025: the first pupil twice, in X (+2, +3, 0) and in Y (−1 each); the second, with
        # «before» alone, is not counted at all.
        (2025, FORM, Role.MENTEE, M, 2, d("0.50"), d("50.0")),
        (2025, FORM, Role.MENTEE, C, 2, d("1.00"), d("50.0")),
        (2025, FORM, Role.MENTEE, P, 2, d("-0.50"), d("0.0")),
        # 2026: Z's pupil, +2 each; its mentor has «before» alone.
        (2026, FORM, Role.MENTEE, M, 1, d("2.00"), d("100.0")),
        (2026, FORM, Role.MENTEE, C, 1, d("2.00"), d("100.0")),
        (2026, FORM, Role.MENTEE, P, 1, d("2.00"), d("100.0")),
    ]


def test_a_school_and_a_year(registry):
    a1, a2 = registry.school_a1, registry.school_a2
    assert table([a1, a2], [2026]) == table([a2])
    assert [row[:5] for row in table([a1], [2025, 2026])] == [row[:5] for row in table([a1, a2], [2025])]
    assert table([a1, a2], [2024]) == []


def test_the_table_costs_two_queries_and_is_kept_until_a_school_changes(registry):
    schools = [registry.school_a1.pk, registry.school_a2.pk]
    with CaptureQueriesContext(connection) as queries:
        growth_table(schools, [2025, 2026], cached=False)
    assert len(queries) == 2  # the lines, and the names of their forms
    growth_table(schools)
    with CaptureQueriesContext(connection) as queries:
        kept = table([registry.school_a1, registry.school_a2])
    assert not [q for q in queries.captured_queries if "influence_participantgrowth" in q["sql"]], "all from the cache"

    # The second pupil of pair X completes the «after» questionnaire: +1 in every group, in A1 alone.
    pair = registry.school_a1.pairs.get(mentor__last_name="Иксова")
    enter(pair, pair.participations.get(mentee__last_name="Вторая"), Purpose.AFTER, 6)
    with CaptureQueriesContext(connection) as queries:
        changed = table([registry.school_a1, registry.school_a2])
    [computed] = [q["sql"] for q in queries.captured_queries if "influence_participantgrowth" in q["sql"]]
    assert f"IN ({registry.school_a1.pk})" in computed  # A1 only
    assert [row[4] for row in changed] == [2, 2, 2, 3, 3, 3, 1, 1, 1]
    assert changed[3][5:] == (Decimal("0.67"), Decimal("66.7"))  # motivation: +2, −1, +1
    assert changed != kept


def test_an_older_version_keeps_its_answers_scored_by_its_own_questions(world):
    """The common «after» questionnaire of a mentee gets a version 2 whose scale questions all measure
    competence: answers already given to version 1 keep their groups, new answers take version 2's."""
    school = world.school_a1
    early, late = factories.student(school), factories.student(school)
    pair = factories.pair(factories.teacher(school), [early, late], format_name=FORM)
    for person in (early, late):
        enter(pair, mentee(pair, person), Purpose.BEFORE, 5)
    enter(pair, mentee(pair, early), Purpose.AFTER, 7)  # version 1: +2 in each group
    before_the_change = table([school])

    first = template_for(pair, Purpose.AFTER, Role.MENTEE)
    second = QuestionnaireTemplate.objects.create(
        purpose=first.purpose, role=first.role, title=first.title, version=first.version + 1
    )
    second.formats.set(first.formats.all())
    for question in first.questions.all():
        Question.objects.create(
            template=second,
            order=question.order,
            text=question.text,
            kind=question.kind,
            choices=question.choices,
            required=question.required,
            growth_group=C if question.kind == QuestionKind.SCALE else "",
        )
    assert table([school]) == before_the_change
    assert template_for(pair, Purpose.AFTER, Role.MENTEE) == second
    enter(pair, mentee(pair, late), Purpose.AFTER, {C: 9})  # version 2: competence +4, nothing else measured

    d = Decimal
    assert table([school]) == [
        (2025, FORM, Role.MENTEE, M, 1, d("2.00"), d("100.0")),
        (2025, FORM, Role.MENTEE, C, 2, d("3.00"), d("100.0")),
        (2025, FORM, Role.MENTEE, P, 1, d("2.00"), d("100.0")),
    ]


def test_the_quality_of_the_process_per_question_and_school(registry):
    a1, a2 = registry.school_a1, registry.school_a2
    rows = process_quality([a1.pk, a2.pk], [2025, 2026])
    assert {row.organisation for row in rows} == {a1.short_name, a2.short_name}
    in_a1 = [row for row in rows if row.organisation == a1.short_name]
    assert in_a1 and all((row.answers, row.average) == (2, Decimal("7.00")) for row in in_a1)
    assert [row.order for row in in_a1] == sorted(row.order for row in in_a1)
    in_a2 = [row for row in rows if row.organisation == a2.short_name]
    assert len(in_a2) == len(in_a1)
    assert all((row.answers, row.average) == (1, Decimal("9.00")) for row in in_a2)
    assert process_quality([a1.pk], [2026]) == []


def _stored(world) -> set[tuple]:
    return set(
        ParticipantGrowth.objects.values_list(
            "pair_id", "participation_id", *(f for g in GrowthGroup.values for f in ParticipantGrowth.score_fields(g))
        )
    )


def test_a_corrected_questionnaire_renews_the_stored_growth_and_erasure_takes_it(registry):
    """The lines kept on every save are the lines built from the answers; a correction of «before» moves the
    figure; erasing a person removes their lines with their questionnaires."""
    kept = _stored(registry)
    assert len(kept) == 6  # X's mentor and first pupil, Y's mentor and pupil, Z's pupil, W's mentor
    growth.rebuild()
    assert _stored(registry) == kept

    pair = registry.school_a1.pairs.get(mentor__last_name="Иксова")
    response = Response.objects.get(pair=pair, participation=None, purpose=Purpose.BEFORE)
    values = {q.pk: 2 for q in response.template.questions.filter(kind=QuestionKind.SCALE)}
    save_response(
        pair=pair, participation=None, template=response.template, values=values, user=None, response=response
    )
    # X's mentor now +6 / +3 / +2 (was +3 / 0 / −1); Y's mentor +1 each: averages 3.5, 2, 1.5, all improved.
    mentors = [row for row in table([registry.school_a1]) if row[2] == Role.MENTOR]
    assert [row[5:] for row in mentors] == [(Decimal("3.50"), Decimal("100.0"))] + [
        (Decimal("2.00"), Decimal("100.0")),
        (Decimal("1.50"), Decimal("100.0")),
    ]

    first = Person.objects.get(last_name="Первова")
    questionnaires.erase(first)  # what registry.privacy.erase calls for the answers (tests/influence/test_privacy.py)
    assert not ParticipantGrowth.objects.filter(participation__mentee=first).exists()
    assert len(_stored(registry)) == 4
    mentees_2025 = [row for row in table([registry.school_a1]) if row[2] == Role.MENTEE]
    assert mentees_2025 == []  # the first pupil was the only mentee of 2025 with both


def test_every_growth_group_has_its_columns_in_the_stored_line():
    """A group added to GrowthGroup needs its columns (and a migration): the tables read them by name."""
    for group in GrowthGroup.values:
        for name in ParticipantGrowth.score_fields(group):
            ParticipantGrowth._meta.get_field(name)
