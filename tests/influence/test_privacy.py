"""Questionnaire answers are personal data: in the subject's extract, and destroyed with the person's data."""

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from influence.models import Answer, Purpose, Response
from influence.services import template_for
from registry.models import Consent, Erasure
from tests import factories
from tests.conftest import client_for
from tests.influence.test_questionnaires import answers, mentee_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def entered(world):
    """A pupil and their mentor, each with a «before» questionnaire entered by the curator."""
    mentor = factories.teacher(world.school_a1, last_name="Наставникова")
    pupil = factories.student(world.school_a1, last_name="Ласточкина", birth_year=2012)
    factories.ConsentFactory(person=pupil)
    pair = factories.pair(mentor, [pupil], format_name="студент – ученик", entry_date=date(2025, 9, 15))
    curator = client_for(world, "curator_a1")
    participation = pair.participations.get()
    template = mentee_template(pair, Purpose.BEFORE)
    url = reverse("influence_mentee_response", args=[pair.pk, Purpose.BEFORE, participation.pk])
    assert curator.post(url, answers(template, scale=4)).status_code == 302
    mentor_url = reverse("influence_mentor_response", args=[pair.pk, Purpose.BEFORE])
    assert curator.post(mentor_url, answers(template_for(pair, Purpose.BEFORE, "mentor"), scale=8)).status_code == 302
    return pair, pupil, mentor, template


def test_the_subject_extract_lists_the_persons_answers_and_no_one_elses(world, entered):
    pair, pupil, _, template = entered
    response = client_for(world, "curator_a1").post(reverse("person_extract", args=[pupil.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook["Анкеты"].iter_rows(values_only=True))
    assert rows[0] == ("Анкета", "Пара / группа", "Внесена", "Как внесена", "Вопрос", "Ответ")
    first_scale = template.questions.filter(kind="scale").order_by("order").first()
    assert any(row[4] == first_scale.text and row[5] == 4 for row in rows[1:])
    assert all(row[1] == f"пара № {pair.pk}" for row in rows[1:])
    assert len(rows) - 1 == template.questions.count(), "the mentor's answers (8) are not the pupil's"


def test_erasure_destroys_the_persons_answers_and_their_history_and_keeps_the_mentors(world, entered):
    pair, pupil, mentor, _ = entered
    own = Response.objects.get(participation__mentee=pupil)
    own_answers = list(own.answers.values_list("pk", flat=True))
    assert LogEntry.objects.get_for_model(Answer).filter(object_id__in=own_answers).exists()
    Consent.objects.filter(person=pupil).update(withdrawn_on=date(2026, 10, 1))

    response = client_for(world, "curator_a1").post(reverse("person_erase", args=[pupil.pk]), {"confirm": "on"})
    assert response.status_code == 302

    assert not Response.objects.filter(pk=own.pk).exists()
    assert not Answer.objects.filter(pk__in=own_answers).exists()
    assert not LogEntry.objects.get_for_model(Response).filter(object_id=own.pk).exists()
    assert not LogEntry.objects.get_for_model(Answer).filter(object_id__in=own_answers).exists()
    assert Erasure.objects.get(person=pupil).removed["questionnaires"] == 1
    assert Response.objects.filter(pair=pair, participation__isnull=True).count() == 1, "the mentor's stays"
