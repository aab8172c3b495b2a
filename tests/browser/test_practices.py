"""The bank of practices in the browser: the methodist publishes a practice after the names check and an
anonymous visitor opens the department's public page and reads it; the bank's pages and the public page meet
WCAG 2.2 AA and fit a 390 px phone."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practices import services
from practices.models import Practice, PracticeState
from tests import factories
from tests.browser.test_accessibility import assert_accessible_and_narrow
from tests.browser.test_curator_scope import log_in


@pytest.fixture
def approved(world):
    practice = services.save_practice(
        Practice(
            organisation=world.school_a1,
            format=factories.mentoring_format("учитель – учитель"),
            title="Школа молодого педагога",
            description="Молодые учителя ведут открытые уроки, наставник разбирает их по карте наблюдения.",
        ),
        None,
        user=world.curator_a1,
    )
    services.add_file(practice, SimpleUploadedFile("карта наблюдения.pdf", b"%PDF-1.4\n%%EOF\n"), user=world.curator_a1)
    services.submit(practice, user=world.curator_a1)
    return services.approve(practice, user=world.methodist_a)


def test_the_methodist_publishes_and_anyone_reads_it(page, live_server, world, approved):
    log_in(page, live_server, "methodist_a")
    page.goto(f"{live_server.url}{reverse('practice_list')}")
    page.get_by_role("link", name="Школа молодого педагога").click()
    page.get_by_role("link", name="Опубликовать…").click()
    assert "Фамилий людей из реестра" in page.content()
    page.get_by_role("button", name="Опубликовать").click()
    page.wait_for_url(f"{live_server.url}{reverse('practice_detail', args=[approved.pk])}")
    approved.refresh_from_db()
    assert approved.state == PracticeState.PUBLISHED

    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('public_practices', args=[world.department_a.code])}")
    assert "/accounts/login/" not in page.url
    page.get_by_role("link", name="Школа молодого педагога").click()
    assert "наставник разбирает их по карте наблюдения" in page.content()
    assert page.get_by_role("link", name="карта наблюдения.pdf").is_visible()
    assert page.get_by_role("link", name="Вход для сотрудников").is_visible()


@pytest.mark.parametrize("persona", ["curator_a1", "methodist_a", "anonymous"])
def test_the_bank_and_the_public_page_meet_wcag_aa_and_fit_a_phone(page, live_server, world, approved, persona):
    code = world.department_a.code
    draft = services.save_practice(
        Practice(organisation=world.school_a1, format=approved.format, title="Черновик", description="Текст"),
        None,
        user=world.curator_a1,
    )
    if persona == "anonymous":
        services.publish(approved, user=world.methodist_a)
        urls = [
            reverse("public_practices", args=[code]),
            reverse("public_practice", args=[code, approved.pk]),
            reverse("public_practice", args=[code, draft.pk]),  # the neutral 404
        ]
    else:
        log_in(page, live_server, persona)
        urls = [
            reverse("practice_list"),
            reverse("practice_detail", args=[draft.pk]),
            reverse("practice_edit", args=[draft.pk]),
            reverse("practice_create"),
        ]
        if persona == "methodist_a":
            urls += [
                reverse("practice_queue"),
                reverse("practice_publish", args=[approved.pk]),
                reverse("practice_return", args=[approved.pk]),
            ]
    assert_accessible_and_narrow(page, live_server, urls)
