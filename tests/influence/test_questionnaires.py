"""The curator enters a pair's paper questionnaires; the pair's page shows each growth group before and after."""

import uuid
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from influence.models import Answer, GrowthGroup, Purpose, Question, QuestionKind, QuestionnaireTemplate, Response
from influence.services import template_for
from registry.models import PersonalDataAccess
from tests import factories
from tests.conftest import client_for


@pytest.fixture
def pair(world):
    """School A1: a teacher mentors a pupil (a minor) and a second pupil."""
    mentor = factories.teacher(world.school_a1, last_name="Наставникова")
    pupils = [
        factories.student(world.school_a1, last_name="Ученикова", birth_year=2012),
        factories.student(world.school_a1, last_name="Второва", birth_year=2012),
    ]
    return factories.pair(mentor, pupils, format_name="студент – ученик")


def mentee_url(pair, purpose, index=0):
    participation = pair.participations.order_by("pk")[index]
    return reverse("influence_mentee_response", args=[pair.pk, purpose, participation.pk])


def answers(template, scale=7, **by_order):
    """A full POST for the template: every scale question `scale`, a choice its first option, by_order overrides."""
    data = {}
    for question in template.questions.all():
        value = {
            QuestionKind.SCALE: scale,
            QuestionKind.CHOICE: (question.choices or [""])[0],
            QuestionKind.NUMBER: 3,
            QuestionKind.TEXT: "Больше встреч",
        }[question.kind]
        data[f"q{question.pk}"] = by_order.get(f"q{question.order}", value)
    return data


def mentee_template(pair, purpose):
    return template_for(pair, purpose, "mentee")


def test_the_common_questionnaires_are_seeded(db):
    templates = QuestionnaireTemplate.objects.filter(department__isnull=True)
    assert {(t.purpose, t.role) for t in templates} == {
        (purpose, role) for purpose in Purpose.values for role in ("mentor", "mentee")
    }
    for template in templates:
        assert template.is_seeded
        assert 10 <= template.questions.count() <= 15
    teacher_before = templates.get(title="Анкета наставляемого педагога до начала программы")
    assert teacher_before.questions.filter(text__icontains="инновационную").exists()
    assert teacher_before.questions.filter(text__icontains="адаптации").exists()
    teacher_after = templates.get(title="Анкета наставляемого педагога по завершении программы")
    assert teacher_after.questions.filter(text__icontains="стать наставником").exists()


def test_a_teacher_mentee_gets_the_teachers_questionnaire(world):
    mentor = factories.teacher(world.school_a1)
    teachers = factories.pair(mentor, [factories.teacher(world.school_a1)], format_name="учитель – учитель")
    assert template_for(teachers, Purpose.BEFORE, "mentee").title == "Анкета наставляемого педагога до начала программы"


def test_the_curator_enters_a_paper_questionnaire(world, pair):
    curator = client_for(world, "curator_a1")
    template = mentee_template(pair, Purpose.BEFORE)
    page = curator.get(mentee_url(pair, Purpose.BEFORE))
    assert page.status_code == 200
    assert "Ученикова" in page.content.decode()
    response = curator.post(mentee_url(pair, Purpose.BEFORE), answers(template, scale=6))
    assert response.status_code == 302
    saved = Response.objects.get()
    assert saved.participation.mentee.last_name == "Ученикова"
    assert saved.entered_by == world.curator_a1
    assert saved.get_entry_method_display() == "С бумажной анкеты куратором"
    assert saved.answers.count() == template.questions.count()
    assert set(saved.answers.filter(kind=QuestionKind.SCALE).values_list("number_value", flat=True)) == {6}
    # The minor's answers shown are in the access log; the answers in the audit trail.
    assert PersonalDataAccess.objects.filter(
        what__startswith="анкета участника", people__last_name="Ученикова"
    ).exists()
    assert LogEntry.objects.get_for_objects(Answer.objects.all()).count() == template.questions.count()

    # Corrected later: the same response, the new values.
    page = curator.get(mentee_url(pair, Purpose.BEFORE))
    assert "вы исправляете ответы" in page.content.decode()
    curator.post(mentee_url(pair, Purpose.BEFORE), answers(template, scale=9))
    assert Response.objects.get().pk == saved.pk
    assert set(Answer.objects.filter(kind=QuestionKind.SCALE).values_list("number_value", flat=True)) == {9}


def test_the_mentor_questionnaire(world, pair):
    curator = client_for(world, "curator_a1")
    template = template_for(pair, Purpose.QUALITY, "mentor")
    url = reverse("influence_mentor_response", args=[pair.pk, Purpose.QUALITY])
    assert curator.post(url, answers(template)).status_code == 302
    response = Response.objects.get()
    assert response.participation is None and response.role == "mentor"


def test_a_questionnaire_of_another_school_is_not_found(world, pair):
    template = mentee_template(pair, Purpose.BEFORE)
    for persona in ("curator_a2", "methodist_b"):
        response = client_for(world, persona).post(mentee_url(pair, Purpose.BEFORE), answers(template))
        assert response.status_code == 404, persona
    assert not Response.objects.exists()


def test_a_participation_of_another_pair_is_not_found(world, pair):
    other = factories.pair(
        factories.teacher(world.school_a1), [factories.student(world.school_a1)], format_name="студент – ученик"
    )
    participation = other.participations.get()
    url = reverse("influence_mentee_response", args=[pair.pk, Purpose.BEFORE, participation.pk])
    assert client_for(world, "curator_a1").get(url).status_code == 404


def test_the_head_reads_but_does_not_enter(world, pair):
    head = client_for(world, "head_a")
    template = mentee_template(pair, Purpose.BEFORE)
    assert head.get(reverse("influence_pair", args=[pair.pk])).status_code == 200
    assert head.post(mentee_url(pair, Purpose.BEFORE), answers(template)).status_code == 403
    assert not Response.objects.exists()


def test_an_answer_outside_the_scale_is_refused(world, pair):
    curator = client_for(world, "curator_a1")
    template = mentee_template(pair, Purpose.BEFORE)
    page = curator.post(mentee_url(pair, Purpose.BEFORE), answers(template, q1=11, q2=0))
    assert page.status_code == 200
    assert page.content.decode().count("Выберите оценку от 1 до 10.") == 2
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_the_database_keeps_a_scale_answer_within_1_10(world, pair):
    template = mentee_template(pair, Purpose.BEFORE)
    response = Response.objects.create(
        template=template, pair=pair, participation=pair.participations.first(), purpose="before", role="mentee"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question=template.questions.get(order=1), number_value=11)
    assert not Answer.objects.exists()


def test_a_missing_required_answer_is_refused(world, pair):
    curator = client_for(world, "curator_a1")
    template = mentee_template(pair, Purpose.AFTER)
    data = answers(template)
    del data[f"q{template.questions.get(order=3).pk}"]
    page = curator.post(mentee_url(pair, Purpose.AFTER), data)
    assert page.status_code == 200
    assert "Выберите оценку от 1 до 10." in page.content.decode()
    assert not Response.objects.exists()


def test_a_used_template_keeps_its_questions(world, pair):
    template = mentee_template(pair, Purpose.BEFORE)
    client_for(world, "curator_a1").post(mentee_url(pair, Purpose.BEFORE), answers(template))
    question = template.questions.get(order=1)
    question.text = "Другой вопрос"
    with pytest.raises(ValidationError, match="уже внесены ответы"):
        question.save()
    with pytest.raises(ValidationError):
        Question(template=template, order=99, text="Новый вопрос").save()
    with pytest.raises(ValidationError):
        template.questions.get(order=2).delete()
    assert Question.objects.get(pk=question.pk).text != "Другой вопрос"
    # An unused version may still be edited.
    unused = template_for(pair, Purpose.AFTER, "mentee").questions.get(order=1)
    unused.text = "Уточнённый вопрос"
    unused.save()


def test_before_and_after_give_each_groups_change(world, pair):
    """Worked out by hand: the first pupil scores motivation 4 before and 7 after (+3.00); competence
    questions 5, 6, 6, 6 before → 5.75, all 8 after → 8.00 (+2.25). The second pupil has only «before»:
    their scores show, their change does not."""
    curator = client_for(world, "curator_a1")
    before = mentee_template(pair, Purpose.BEFORE)
    after = mentee_template(pair, Purpose.AFTER)
    competence = list(before.questions.filter(growth_group=GrowthGroup.COMPETENCE).order_by("order"))
    assert len(competence) == 4
    overrides = {f"q{q.order}": score for q, score in zip(competence, [5, 6, 6, 6], strict=True)}
    curator.post(mentee_url(pair, Purpose.BEFORE), answers(before, scale=4, **overrides))
    after_overrides = {f"q{q.order}": 8 for q in after.questions.filter(growth_group=GrowthGroup.COMPETENCE)}
    curator.post(mentee_url(pair, Purpose.AFTER), answers(after, scale=7, **after_overrides))
    curator.post(mentee_url(pair, Purpose.BEFORE, index=1), answers(before, scale=5))

    page = curator.get(reverse("influence_pair", args=[pair.pk]))
    sheet = {p.person.last_name: p for p in page.context["sheet"]}
    first = {g.group: (g.before, g.after, g.change) for g in sheet["Ученикова"].growth}
    assert first[GrowthGroup.MOTIVATION.label] == (Decimal("4.00"), Decimal("7.00"), Decimal("3.00"))
    assert first[GrowthGroup.COMPETENCE.label] == (Decimal("5.75"), Decimal("8.00"), Decimal("2.25"))
    second = {g.group: (g.before, g.after, g.change) for g in sheet["Второва"].growth}
    assert second[GrowthGroup.MOTIVATION.label] == (Decimal("5.00"), None, None)
    mentor = sheet["Наставникова"]
    assert all(g.before is None and g.change is None for g in mentor.growth)
    html = page.content.decode()
    assert "+3.00" in html or "+3,00" in html
    assert PersonalDataAccess.objects.filter(what__startswith="анкеты пары").exists()


def test_the_pair_card_links_to_its_questionnaires(world, pair):
    page = client_for(world, "head_a").get(reverse("pair_detail", args=[pair.pk]))
    assert reverse("influence_pair", args=[pair.pk]) in page.content.decode()


def test_a_questionnaire_sent_twice_is_saved_once(world, pair):
    curator = client_for(world, "curator_a1")
    data = {**answers(mentee_template(pair, Purpose.BEFORE), scale=5), "submission": str(uuid.uuid4())}
    first = curator.post(mentee_url(pair, Purpose.BEFORE), data)
    second = curator.post(mentee_url(pair, Purpose.BEFORE), data, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "Эта форма уже отправлена" in second.content.decode()
    assert Response.objects.filter(pair=pair).count() == 1
