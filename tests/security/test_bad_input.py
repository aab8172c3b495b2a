"""«Bad input that is accepted today» findings of the independent attack (issue 24)."""

from __future__ import annotations

from datetime import date

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
