"""«Нет входной анкеты» and «Нет итоговой анкеты» on the data-quality page: a pair is listed until the curator
has entered the missing questionnaire of every participant, and leaves the list as soon as it is in."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from influence.models import Purpose, Role
from influence.services import save_response, template_for
from registry import quality
from tests import factories

pytestmark = pytest.mark.django_db

COMPLETED = date(2026, 5, 25)


def today() -> date:
    return timezone.localdate()


def pair_of(school, name, *, mentees=2, **fields):
    """A teacher called `name` mentoring `mentees` pupils of `school`, entered two months ago (a completed
    pair: in September 2025) unless told."""
    mentor = factories.teacher(school, last_name=name)
    pupils = [factories.student(school, last_name=f"{name}-{i}", birth_year=2012) for i in range(mentees)]
    fields.setdefault("entry_date", date(2025, 9, 15) if "end_date" in fields else today() - timedelta(days=60))
    return factories.pair(mentor, pupils, format_name="студент – ученик", **fields)


def enter(pair, purpose, user, *, mentor=True, mentees=slice(None)):
    """The curator enters the questionnaires of `purpose`: the mentor's, and those of the participations
    `mentees` picks (all by default), every scale question at 7."""
    participations = list(pair.participations.order_by("pk"))
    participants = ([None] if mentor else []) + participations[mentees]
    for participation in participants:
        template = template_for(pair, purpose, Role.MENTOR if participation is None else Role.MENTEE)
        values = {q.pk: 7 for q in template.questions.filter(kind="scale")}
        save_response(pair=pair, participation=participation, template=template, values=values, user=user)


def section(response, slug):
    [found] = [s for s in response.context["sections"] if s.check.slug == slug]
    return found


def listed(response, slug) -> list[str]:
    return [pair.mentor.last_name for pair in section(response, slug).rows]


def test_an_active_pair_a_month_in_the_program_needs_everyones_before_questionnaire(world, as_persona):
    school, curator = world.school_a1, world.curator_a1
    pair_of(school, "Безанкетова")
    enter(pair_of(school, "Безнаставникова"), Purpose.BEFORE, curator, mentor=False)
    enter(pair_of(school, "Полуанкетова"), Purpose.BEFORE, curator, mentees=slice(1))
    enter(pair_of(school, "Всеанкетова"), Purpose.BEFORE, curator)
    pair_of(school, "Новенькая", entry_date=today() - timedelta(days=29))  # not a month yet
    pair_of(school, "Завершилова", end_date=COMPLETED)  # completed: asked «after»

    response = as_persona("methodist_a").get(reverse("quality"))

    assert listed(response, "no_before_questionnaire") == ["Безанкетова", "Безнаставникова", "Полуанкетова"]
    assert section(response, "no_before_questionnaire").count == 3
    html = response.content.decode()
    assert "Нет входной анкеты" in html
    assert "Анкеты пары" in html
    for pair in section(response, "no_before_questionnaire").rows:
        assert reverse("influence_pair", args=[pair.pk]) in html


def test_a_completed_pair_needs_everyones_after_questionnaire(world, as_persona):
    school, curator = world.school_a1, world.curator_a1
    enter(pair_of(school, "Безытогова", end_date=COMPLETED), Purpose.BEFORE, curator)  # «before» is not «after»
    enter(pair_of(school, "Полуитогова", end_date=COMPLETED), Purpose.AFTER, curator, mentees=slice(1))
    enter(pair_of(school, "Итогова", end_date=COMPLETED), Purpose.AFTER, curator)
    enter(pair_of(school, "Действующая"), Purpose.BEFORE, curator)  # active: «after» not asked yet

    response = as_persona("curator_a1").get(reverse("quality"))

    assert listed(response, "no_after_questionnaire") == ["Безытогова", "Полуитогова"]
    assert listed(response, "no_before_questionnaire") == []
    assert "Нет итоговой анкеты" in response.content.decode()


def test_entering_the_missing_questionnaire_clears_the_pair_at_once(world, as_persona):
    pair = pair_of(world.school_a1, "Забывчивая")
    pair_of(world.school_a2, "Другая")
    client = as_persona("methodist_a")
    assert section(client.get(reverse("quality")), "no_before_questionnaire").count == 2
    assert section(client.get(reverse("quality")), "no_before_questionnaire").count == 2  # from the cache

    enter(pair, Purpose.BEFORE, world.curator_a1, mentees=slice(1))
    assert section(client.get(reverse("quality")), "no_before_questionnaire").count == 2  # one mentee still missing
    enter(pair, Purpose.BEFORE, world.curator_a1, mentor=False, mentees=slice(1, None))  # the second mentee
    assert listed(client.get(reverse("quality")), "no_before_questionnaire") == ["Другая"]


def test_a_deleted_questionnaire_puts_the_pair_back(world, as_persona):
    from influence.models import Response

    pair = pair_of(world.school_a1, "Удалённая")
    enter(pair, Purpose.BEFORE, world.curator_a1)
    client = as_persona("curator_a1")
    assert section(client.get(reverse("quality")), "no_before_questionnaire").count == 0

    Response.objects.get(pair=pair, participation__isnull=True, purpose=Purpose.BEFORE).delete()

    assert listed(client.get(reverse("quality")), "no_before_questionnaire") == ["Удалённая"]


def test_each_sees_only_the_pairs_of_their_reach(world, as_persona):
    pair_of(world.school_a1, "Первая")
    pair_of(world.school_a2, "Вторая")
    pair_of(world.school_b1, "Чужая")

    assert listed(as_persona("curator_a2").get(reverse("quality")), "no_before_questionnaire") == ["Вторая"]
    methodist = as_persona("methodist_a")
    assert listed(methodist.get(reverse("quality")), "no_before_questionnaire") == ["Первая", "Вторая"]
    narrowed = methodist.get(reverse("quality"), {"organisation": world.school_a1.pk})
    assert listed(narrowed, "no_before_questionnaire") == ["Первая"]
    assert listed(as_persona("methodist_b").get(reverse("quality")), "no_before_questionnaire") == ["Чужая"]


def test_the_checks_are_registered_before_the_monitorings(world):
    slugs = [check.slug for check in quality.CHECKS]
    assert slugs[-3:] == ["no_before_questionnaire", "no_after_questionnaire", "contingent_exceeded"]
    assert {"no_before_questionnaire", "no_after_questionnaire"} <= {c.slug for c in quality.per_organisation()}
