"""Mentor suggestions in the browser: a curator computes a proposal for the school and accepts two lines;
«Подобрать наставника» on a mentee's card; the pages meet WCAG 2.2 AA and fit a 390 px phone."""

from datetime import date

import pytest
from django.urls import reverse

from registry.models import MentoringPair
from suggestions.models import Decision, Proposal
from tests import factories
from tests.browser.test_accessibility import assert_accessible_and_narrow
from tests.browser.test_curator_scope import log_in

YEAR = date.today().year


def grown(school, **fields):
    person = factories.student(school, **fields)
    factories.ConsentFactory(person=person)
    return person


@pytest.fixture
def school(world):
    for n, request in enumerate(["подготовка к ОГЭ по математике", "олимпиада по физике", "шахматы", "история"]):
        grown(world.school_a1, last_name=f"Ученикова{n}", birth_year=YEAR - 14, main_request=request)
    grown(world.school_a1, last_name="Математиков", birth_year=YEAR - 17, competencies="математика", max_mentees=2)
    grown(world.school_a1, last_name="Физиков", birth_year=YEAR - 17, competencies="физика, шахматы", max_mentees=2)
    return world.school_a1


def test_a_curator_accepts_two_lines_of_a_proposal(page, live_server, world, school):
    log_in(page, live_server, "curator_a1")
    page.goto(f"{live_server.url}{reverse('proposal_list')}")
    page.get_by_label("Образовательная организация").select_option(str(school.pk))
    page.get_by_label("Форма наставничества").select_option(label="ученик – ученик")
    page.get_by_role("button", name="Рассчитать предложение").click()
    page.wait_for_load_state("networkidle")
    proposal = Proposal.objects.get()
    page.goto(f"{live_server.url}{reverse('proposal_detail', args=[proposal.pk])}")
    assert "Сумма оценок жадного подбора" in page.content()
    lines = list(proposal.lines.order_by("organisation__short_name", "mentee__last_name", "mentee__first_name", "pk"))
    assert len(lines) == 4
    page.locator(f"#accept-{lines[0].pk}").check()
    page.locator(f"#accept-{lines[1].pk}").check()
    page.locator(f"#reject-{lines[2].pk}").check()
    page.get_by_role("button", name="Сохранить решения").click()
    page.wait_for_load_state("networkidle")
    assert "Принято строк: 2, отклонено: 1" in page.content()
    assert MentoringPair.objects.filter(organisation=school).count() == 2
    assert list(proposal.lines.values_list("decision", flat=True).order_by("pk")).count(Decision.PENDING) == 1


def test_suggest_a_mentor_on_the_card(page, live_server, world, school):
    mentee = school.people.get(last_name="Ученикова0")
    log_in(page, live_server, "curator_a1")
    page.goto(f"{live_server.url}{reverse('person_detail', args=[mentee.pk])}")
    page.get_by_role("button", name="Подобрать наставника").click()
    page.get_by_text("Запрос и компетенции: математика").wait_for()
    assert "Математиков" in page.locator("#suggestions").inner_text()


def test_the_suggestion_pages_meet_wcag_aa_and_fit_a_phone(page, live_server, world, school):
    proposal = Proposal.objects.create(
        department=world.department_a, organisation=school, format=factories.mentoring_format("ученик – ученик")
    )
    from suggestions.proposals import compute

    compute(proposal)
    mentee = school.people.get(last_name="Ученикова0")
    urls = [
        reverse("proposal_list"),
        reverse("proposal_detail", args=[proposal.pk]),
        reverse("suggestion_weights"),
        reverse("suggestion_candidates") + f"?mentee={mentee.pk}",
    ]
    log_in(page, live_server, "curator_a1")
    assert_accessible_and_narrow(page, live_server, urls)
