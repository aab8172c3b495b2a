"""«Bad input that is accepted today» findings of the independent attack (issue 24)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from registry.models import MentoringPair, PairMentee
from tests import factories
from tests.registry.test_pairs import NEW_MENTOR, _form_data, pair_data


def test_a_forged_formset_count_builds_no_more_forms_than_the_page_offers(world, as_persona):
    """`new_mentee-TOTAL_FORMS=1000000` cost 3.6 s and a 4.6 MB page: now at most ten forms, refused in Russian."""
    client = as_persona("curator_a1")
    data = pair_data(**NEW_MENTOR, **{"new_mentee-TOTAL_FORMS": "1000000"})
    response = client.post(reverse("pair_create"), data)
    assert response.status_code == 200 and not MentoringPair.objects.exists()
    assert len(response.context["new_mentees"].forms) <= 10
    assert "не больше 10" in response.content.decode()


def test_a_forged_count_on_the_completion_page_adds_no_participation(world, as_persona):
    mentor = factories.student(world.school_a1, last_name="Наставников", birth_year=2008)
    pair = factories.pair(mentor, [factories.student(world.school_a1)], planned_end_date=date(2026, 5, 25))
    client = as_persona("curator_a1")
    url = reverse("pair_complete", args=[pair.pk])
    participation = pair.participations.get()
    data = {
        **_form_data(client, url),
        "end_date": "25.05.2026",
        "results": "Итог",
        "mentee-TOTAL_FORMS": "1000000",
        "mentee-INITIAL_FORMS": "1",
        "mentee-0-id": participation.pk,
        "mentee-0-completion_mark": "passed",
        "mentee-1-completion_mark": "passed",
        "mentee-1-results": "чужая строка",
    }
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    assert PairMentee.objects.count() == 1


def test_an_evidence_file_must_be_what_its_name_says(world, as_persona):
    """An HTML page or a program renamed «.pdf» is refused in Russian and nothing is kept."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from roadmap.models import ResponsibleKind
    from tests.roadmap.conftest import make_roadmap

    roadmap = make_roadmap(
        world.department_a, items=[("1", "Совещание", "До 01.05.2026", ResponsibleKind.ORGANISATION)]
    )
    occurrence = roadmap.items.get().occurrences.get()
    client = as_persona("methodist_a")
    url = reverse("roadmap_occurrence_edit", args=[occurrence.pk])

    def send(name: str, content: bytes):
        form = client.get(url).context["form"]
        data = {"status": "in_progress", "version": form["version"].value()}
        return client.post(url, {**data, "evidence_file": SimpleUploadedFile(name, content)})

    for name, content in (
        ("Приказ.pdf", b"<html><script>alert(1)</script></html>"),
        ("Приказ.pdf", b"MZ\x90\x00\x03 a Windows program"),
        ("Фото.png", b"%PDF-1.4 not a picture"),
        ("Справка.docx", b"plain text"),
    ):
        response = send(name, content)
        assert response.status_code == 200, name
        assert "назван как" in response.content.decode() and "другое содержимое" in response.content.decode()
        occurrence.refresh_from_db()
        assert not occurrence.evidence_file, name
    for name, content in (("Приказ.pdf", b"%PDF-1.7\n%..."), ("Фото.png", b"\x89PNG\r\n\x1a\n...")):
        assert send(name, content).status_code == 302, name
        occurrence.refresh_from_db()
        assert occurrence.evidence_file


def test_implausible_dates_overlong_texts_and_invisible_characters(world, as_persona):
    """`01.12.0001` was stored as a pair's entry (counting in every year's indicators); free texts took
    100,000 characters and control, bidi-override and zero-width characters."""
    from common.forms import TEXT_MAX
    from registry.models import Person

    client = as_persona("curator_a1")
    response = client.post(reverse("pair_create"), pair_data(**NEW_MENTOR, entry_date="01.12.0001"))
    assert response.status_code == 200 and not MentoringPair.objects.exists()
    assert "вне разумных пределов" in response.content.decode()

    person = factories.teacher(world.school_a1, last_name="Орлова")
    url = reverse("person_edit", args=[person.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    too_long = client.post(url, {**data, "competencies": "а" * (TEXT_MAX + 1)})
    assert too_long.status_code == 200 and f"не более {TEXT_MAX} символов" in too_long.content.decode()

    typed = "Матема\u200bтика\u202e и физика\x0bв 9 классе\x07"
    saved = client.post(url, {**data, "competencies": typed})
    assert saved.status_code == 302
    assert Person.objects.get(pk=person.pk).competencies == "Математика и физика\nв 9 классе"


def test_the_database_itself_refuses_an_implausible_date(world):
    from django.db import IntegrityError, transaction

    pair = factories.pair(factories.student(world.school_a1, birth_year=2008), [factories.student(world.school_a1)])
    with pytest.raises(IntegrityError), transaction.atomic():
        MentoringPair.objects.filter(pk=pair.pk).update(entry_date=date(1, 12, 1))
