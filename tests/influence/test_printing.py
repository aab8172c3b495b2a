"""The curator prints a participant's questionnaire with the participant's name, hands it out on paper and
later types the answers in (issue 19)."""

import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from pypdf import PdfReader

from influence.models import Purpose, QuestionKind, QuestionnaireTemplate
from influence.services import template_for
from registry.models import PersonalDataAccess
from tests import factories
from tests.conftest import client_for

A4_PORTRAIT = (595, 842)  # pt, rounded


@pytest.fixture
def pair(world):
    """School A1: a teacher mentors a pupil (a minor)."""
    mentor = factories.teacher(world.school_a1, last_name="Наставникова", first_name="Ольга", patronymic="Ивановна")
    pupil = factories.student(
        world.school_a1, last_name="Ученикова", first_name="Анна", patronymic="Петровна", birth_year=2012
    )
    return factories.pair(mentor, [pupil], format_name="студент – ученик")


def mentee_print_url(pair, purpose):
    return reverse("influence_mentee_print", args=[pair.pk, purpose, pair.participations.get().pk])


def mentor_print_url(pair, purpose):
    return reverse("influence_mentor_print", args=[pair.pk, purpose])


def printout(response) -> tuple[str, PdfReader]:
    """The PDF's text, with every run of white space (the line breaks of the layout) as one space, and the PDF."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages)), reader


def test_the_curator_prints_a_mentees_questionnaire_with_the_name(world, pair):
    template = template_for(pair, Purpose.BEFORE, "mentee")
    response = client_for(world, "curator_a1").get(mentee_print_url(pair, Purpose.BEFORE))
    text, reader = printout(response)

    assert template.title in text and f"Версия {template.version}" in text
    assert "Наставляемый: Ученикова Анна Петровна" in text
    assert world.school_a1.full_name in text and "Форма наставничества: студент – ученик" in text
    assert "Дата заполнения" in text and "Подпись участника" in text
    # A minor: the legal representative signs too.
    assert "Законный представитель" in text
    questions = list(template.questions.order_by("order"))
    assert len(questions) >= 10
    for question in questions:
        assert f"{question.order}. {question.text}" in text, question.text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4_PORTRAIT
    # A page that comes loose still names its participant (in its header).
    assert len(reader.pages) > 1
    assert all("Ученикова Анна Петровна" in page.extract_text() for page in reader.pages[1:])
    # Opened in the browser to print; saved under the questionnaire's and the participant's names.
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("inline")
    assert disposition.endswith(f"{template.title} — Ученикова Анна Петровна.pdf")
    # The minor shown is in the access log.
    entry = PersonalDataAccess.objects.get()
    assert entry.what == f"анкета для печати ({mentee_print_url(pair, Purpose.BEFORE)})"
    assert list(entry.people.values_list("last_name", flat=True)) == ["Ученикова"]
    assert entry.user == world.curator_a1


def test_the_mentors_questionnaire_has_no_representative_line(world, pair):
    template = template_for(pair, Purpose.QUALITY, "mentor")
    text, _ = printout(client_for(world, "methodist_a").get(mentor_print_url(pair, Purpose.QUALITY)))
    assert template.title in text and "Наставник: Наставникова Ольга Ивановна" in text
    assert "Законный представитель" not in text
    assert not PersonalDataAccess.objects.exists(), "an adult mentor shown is not logged"


def test_each_kind_of_answer_is_laid_out_for_the_pen(world, pair):
    """The department's own questionnaire (picked before the common one): a scale to circle, options to tick,
    a blank for a number or a text; the required ones marked with a star, the optional ones not."""
    own = QuestionnaireTemplate.objects.create(
        purpose=Purpose.AFTER,
        role="mentee",
        title="Анкета Кедровского округа",
        version=3,
        department=world.department_a,
    )
    own.questions.create(order=1, text="Насколько вы довольны встречами?", kind=QuestionKind.SCALE)
    own.questions.create(
        order=2, text="Куда пойдёте дальше?", kind=QuestionKind.CHOICE, choices=["В кружок", "В секцию", "Никуда"]
    )
    own.questions.create(order=3, text="Сколько встреч пропустили?", kind=QuestionKind.NUMBER, required=False)
    own.questions.create(order=4, text="Что запомнилось?", kind=QuestionKind.TEXT, required=False)

    text, _ = printout(client_for(world, "curator_a1").get(mentee_print_url(pair, Purpose.AFTER)))

    assert "Анкета Кедровского округа" in text and "Версия 3" in text
    assert "1. Насколько вы довольны встречами? * 1 2 3 4 5 6 7 8 9 10 2. Куда пойдёте дальше? *" in text
    assert "В кружок В секцию Никуда 3. Сколько встреч пропустили? 4. Что запомнилось? Подпись участника" in text
    assert "отмеченные звёздочкой (*), обязательные" in text


def test_another_school_cannot_print(world, pair):
    url = mentee_print_url(pair, Purpose.BEFORE)
    for persona in ("curator_a2", "methodist_b"):
        assert client_for(world, persona).get(url).status_code == 404, persona
    assert client_for(world, "head_a").get(url).status_code == 403, "the head reads the pair but does not enter"
    assert not PersonalDataAccess.objects.exists()


def test_a_pair_of_another_school_is_not_found(world, pair):
    other = factories.pair(
        factories.teacher(world.school_b1), [factories.student(world.school_b1)], format_name="студент – ученик"
    )
    curator = client_for(world, "curator_a1")
    assert curator.get(mentor_print_url(other, Purpose.BEFORE)).status_code == 404
    assert curator.get(mentee_print_url(other, Purpose.BEFORE)).status_code == 404
    # Nor a participation of another pair under this pair's address.
    foreign = reverse("influence_mentee_print", args=[pair.pk, Purpose.BEFORE, other.participations.get().pk])
    assert curator.get(foreign).status_code == 404


def test_a_stage_without_a_questionnaire_says_so(world, pair):
    QuestionnaireTemplate.objects.filter(purpose=Purpose.QUALITY, role="mentor").delete()
    response = client_for(world, "curator_a1").get(mentor_print_url(pair, Purpose.QUALITY))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Анкеты для печати нет" in page
    assert "нет анкеты наставника для этапа «Качество процесса»" in page
    assert reverse("influence_pair", args=[pair.pk]) in page
    assert client_for(world, "curator_a1").get(mentor_print_url(pair, "during")).status_code == 404


def test_the_pairs_page_links_each_stage_to_its_printout(world, pair):
    participation = pair.participations.get()
    page = client_for(world, "curator_a1").get(reverse("influence_pair", args=[pair.pk])).content.decode()
    for purpose in Purpose.values:
        assert f'href="{mentor_print_url(pair, purpose)}"' in page
        assert f'href="{reverse("influence_mentee_print", args=[pair.pk, purpose, participation.pk])}"' in page
    assert page.count(">Распечатать<") == 6  # 2 participants × 3 stages
    assert "бланк анкеты (PDF): до начала программы, Ученикова Анна Петровна" in page
    head = client_for(world, "head_a").get(reverse("influence_pair", args=[pair.pk])).content.decode()
    assert "Распечатать" not in head
