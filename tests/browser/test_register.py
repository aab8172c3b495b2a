"""«Реестр документов» in the browser: a curator gives the school's document, the methodist sees it done in the
matrix; every page of the register meets WCAG 2.2 AA and fits a 390 px phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from roadmap import register as registers
from roadmap.models import EvidenceKind, Occurrence, Status
from tests.browser.test_accessibility import assert_accessible_and_narrow
from tests.browser.test_curator_scope import log_in

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def register(world):
    today = timezone.localdate()
    found = registers.open_register(
        world.department_a, registers.academic_period(registers.current_school_year(today)), user=world.methodist_a
    )
    soon = min(today + timedelta(days=10), found.period_end)
    for content, kind in (
        ("Приказ о назначении куратора наставничества", EvidenceKind.FILE),
        ("Раздел «Наставничество» на сайте школы", EvidenceKind.LINK),
    ):
        item = registers.new_requirement(found)
        item.content, item.evidence_kind = content, kind
        registers.save_requirement(item, soon)
    return found


def test_a_curator_gives_the_document_and_the_methodist_sees_it_done(page, live_server, world, register, tmp_path):
    scan = tmp_path / "Приказ о кураторе.pdf"
    scan.write_bytes(PDF)
    log_in(page, live_server, "curator_a1")
    page.get_by_role("button", name="Документы").click()
    page.get_by_role("link", name="Реестр документов").click()
    page.get_by_role("link", name=register.title).click()
    page.get_by_role("link", name="Сдать «Приказ о назначении куратора наставничества»").click()
    page.get_by_label("Файл документа").set_input_files(str(scan))
    page.get_by_role("button", name="Сдать документ").click()
    page.wait_for_url(f"{live_server.url}{reverse('register_detail', args=[register.pk])}")
    expect(page.get_by_text("Приказ о кураторе.pdf")).to_be_visible()

    page.get_by_role("link", name="Сдать «Раздел «Наставничество» на сайте школы»").click()
    page.get_by_label("Ссылка на документ").fill("https://sosh1.example.ru/nastavnichestvo")
    page.get_by_role("button", name="Сдать документ").click()
    page.wait_for_url(f"{live_server.url}{reverse('register_detail', args=[register.pk])}")
    given = Occurrence.objects.filter(item__roadmap=register, organisation=world.school_a1)
    assert set(given.values_list("status", flat=True)) == {Status.DONE}

    page.context.clear_cookies()
    log_in(page, live_server, "methodist_a")
    page.goto(f"{live_server.url}{reverse('register_detail', args=[register.pk])}")
    row = page.get_by_role("row", name="МБОУ СОШ № 1")
    expect(row).to_contain_text("выполнено")
    expect(row.get_by_role("link", name="файл")).to_be_visible()
    expect(page.get_by_role("row", name="МБОУ СОШ № 2")).to_contain_text("не сдан")


@pytest.mark.parametrize("persona", ["curator_a1", "methodist_a", "head_a"])
def test_the_register_pages_meet_wcag_aa_and_fit_a_phone(page, live_server, world, register, persona):
    part = Occurrence.objects.filter(item__roadmap=register, organisation=world.school_a1).order_by("pk").first()
    part.evidence_file.save("Приказ.pdf", ContentFile(PDF), save=False)
    part.status, part.done_on = Status.DONE, timezone.localdate()
    part.save()
    urls = [
        reverse("register_index"),
        reverse("register_detail", args=[register.pk]),
        reverse("register_detail", args=[register.pk]) + "?state=missing",
        reverse("register_submission", args=[part.pk]),
    ]
    if persona == "methodist_a":
        item = register.items.order_by("pk").first()
        urls += [
            reverse("register_requirement_create", args=[register.pk]),
            reverse("register_requirement_edit", args=[item.pk]),
            reverse("register_requirement_delete", args=[item.pk]),
        ]
    if persona == "head_a":
        urls.remove(reverse("register_submission", args=[part.pk]))  # the head reads it on the matrix
    log_in(page, live_server, persona)
    assert_accessible_and_narrow(page, live_server, urls)
