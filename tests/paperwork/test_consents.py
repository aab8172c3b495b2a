"""Consents from a person's card: an adult's own, a minor's by the legal representative (152-ФЗ, ст. 9)."""

import io

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from registry.privacy import PersonalDataAccess
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs)


def get(world, persona, person, consent, file_format="docx"):
    url = reverse("paperwork_consent", args=[person.pk, consent])
    return client_for(world, persona).get(url, {"format": file_format})


def test_a_minors_consent_is_given_by_the_legal_representative_with_the_name_in_the_genitive(world):
    pupil = factories.student(
        world.school_a1, last_name="Петрова-Водкина", first_name="Дарья", patronymic="Олеговна", birth_year=2013
    )
    text = text_of(get(world, "curator_a1", pupil, "data"))
    assert "законного представителя на обработку персональных данных несовершеннолетнего" in text
    assert (
        "являясь законным представителем несовершеннолетнего Петровой-Водкиной Дарьи Олеговны, 2013 года рождения"
        in text
    )
    assert "статьёй 9 Федерального закона от 27 июля 2006 г. № 152-ФЗ «О персональных данных»" in text
    assert world.school_a1.full_name in text
    assert PersonalDataAccess.objects.filter(what="Согласие на обработку персональных данных").exists()


def test_an_adults_consent_is_their_own(world):
    mentor = factories.teacher(world.school_a1, last_name="Шмидт", first_name="Отто", patronymic="Юльевич")
    text = text_of(get(world, "curator_a1", mentor, "data"))
    assert "Я, Шмидт Отто Юльевич, 1980 года рождения" in text
    assert "законным представителем" not in text
    duties = text_of(get(world, "curator_a1", mentor, "mentor"))
    assert "на выполнение обязанностей наставника" in duties and "Я, Шмидт Отто Юльевич" in duties


def test_the_mentees_participation_names_the_form_and_the_pdf_has_the_same_text(world):
    mentor = factories.student(world.school_a1, birth_year=2009)
    pupil = factories.student(world.school_a1, last_name="Черных", first_name="Иван", patronymic="Петрович")
    factories.pair(mentor, [pupil])
    text = text_of(get(world, "curator_a1", pupil, "mentee"))
    assert "несовершеннолетнего Черных Ивана Петровича" in text
    assert "в программе наставничества МБОУ СОШ № 1, форма наставничества «ученик – ученик»" in text
    pdf = get(world, "curator_a1", pupil, "mentee", "pdf")
    flat = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages).split()
    )
    assert "несовершеннолетнего Черных Ивана Петровича" in flat
    assert "на участие в программе наставничества" in flat


def test_another_schools_person_and_an_unknown_consent_are_not_found(world):
    pupil = factories.student(world.school_a1)
    assert get(world, "curator_a2", pupil, "data").status_code == 404
    assert get(world, "curator_a1", pupil, "marriage").status_code == 404
    assert get(world, "head_a", pupil, "data").status_code == 200


def test_a_name_with_markup_stays_text_in_the_docx(world):
    odd = factories.teacher(
        world.school_a1, last_name='</w:t><w:r>&"{{ 7*7 }}', first_name="Анна", patronymic="Петровна"
    )
    text = text_of(get(world, "curator_a1", odd, "data"))
    assert 'Я, </w:t><w:r>&"{{ 7*7 }} Анна Петровна' in text
