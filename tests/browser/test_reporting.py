"""Reporting collections in the browser: a curator confirms the own school's data, the methodist closes
the collection; every page of the collections meets WCAG 2.2 AA and fits a 390 px phone."""

from datetime import date

import pytest
from django.urls import reverse

from monitoring.models import Contingent
from reporting import services
from reporting.models import Collection, Requirement, Snapshot
from tests import factories
from tests.browser.test_accessibility import assert_accessible_and_narrow
from tests.browser.test_curator_scope import log_in


@pytest.fixture
def collection(world):
    Contingent.objects.create(organisation=world.school_a1, year=2025, students_total=500, teachers=40)
    mentor = factories.student(world.school_a1, birth_year=2008)
    factories.pair(mentor, [factories.student(world.school_a1, birth_year=2012)])
    return Collection.objects.create(
        department=world.department_a,
        title="Мониторинг ЦМН, май 2027",
        deadline=date(2027, 5, 20),
        first_year=2025,
        last_year=2025,
        requirements=[Requirement.CONTINGENT, Requirement.BASES_CONFIRMED],
        created_by=world.methodist_a,
    )


def test_a_curator_confirms_and_the_methodist_closes(page, live_server, world, collection):
    log_in(page, live_server, "curator_a1")
    page.get_by_role("link", name="Сборы").first.click()
    page.get_by_role("link", name="Мониторинг ЦМН, май 2027").click()
    page.get_by_role("link", name="Подтверждаю данные организации").click()
    page.get_by_label("Базы наставников и наставляемых актуальны").check()
    page.get_by_role("button", name="Подтверждаю данные организации").click()
    page.wait_for_url(f"{live_server.url}{reverse('collection_detail', args=[collection.pk])}")
    assert "подтверждено" in page.content()

    page.context.clear_cookies()
    log_in(page, live_server, "methodist_a")
    page.goto(f"{live_server.url}{reverse('collection_detail', args=[collection.pk])}")
    page.get_by_role("button", name="Закрыть сбор").click()
    page.wait_for_load_state("networkidle")
    snapshot = Snapshot.objects.get(collection=collection)
    assert snapshot.is_taken
    page.goto(f"{live_server.url}{reverse('snapshot_detail', args=[snapshot.pk])}")
    assert "Показатели (XLSX)" in page.content()


@pytest.mark.parametrize("persona", ["curator_a1", "methodist_a", "head_a"])
def test_the_collection_pages_meet_wcag_aa_and_fit_a_phone(page, live_server, world, collection, persona):
    autumn = Collection.objects.create(
        department=world.department_a, title="Осень", deadline=date(2026, 11, 1), first_year=2025, last_year=2025
    )
    snapshot = services.close(world.methodist_a, autumn)
    urls = [reverse("collection_list"), reverse("collection_detail", args=[collection.pk])]
    if persona == "curator_a1":
        urls.append(reverse("collection_confirm", args=[collection.pk, world.school_a1.pk]))
    else:
        urls += [
            reverse("snapshot_detail", args=[snapshot.pk]),
            reverse("snapshot_compare") + f"?before={snapshot.pk}&after={snapshot.pk}",
        ]
    if persona == "methodist_a":
        urls += [reverse("collection_create"), reverse("collection_edit", args=[collection.pk])]
    log_in(page, live_server, persona)
    assert_accessible_and_narrow(page, live_server, urls)
