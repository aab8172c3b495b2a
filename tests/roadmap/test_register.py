"""«Реестр документов»: the methodist lists what each school must have this school year, curators give the
file or the link, and the methodist reads the matrix of schools × documents (done, overdue, missing).

The register of 2026–2027 is read on fixed days: `today` is set for the pages (the views and the forms ask
`timezone.localdate`)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from roadmap import register as registers
from roadmap.models import EvidenceKind, Occurrence, Roadmap, RoadmapItem, RoadmapKind, Status
from tests.roadmap.conftest import signed_version

pytestmark = pytest.mark.django_db

OCTOBER = date(2026, 10, 1)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def today(monkeypatch):
    """The pages' day: 1 October 2026, in the register's school year."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: OCTOBER)
    return OCTOBER


def add_document(register: Roadmap, content: str, due: date, kind: str = EvidenceKind.ANY) -> RoadmapItem:
    item = registers.new_requirement(register)
    item.content, item.evidence_kind = content, kind
    return registers.save_requirement(item, due)


@pytest.fixture
def register(world, today) -> Roadmap:
    found = registers.open_register(world.department_a, registers.academic_period(2026), user=world.methodist_a)
    add_document(found, "Приказ о рабочей группе", date(2026, 9, 15), EvidenceKind.FILE)
    add_document(found, "Страница о наставничестве на сайте", date(2026, 11, 1), EvidenceKind.LINK)
    return found


def part(register: Roadmap, content: str, organisation) -> Occurrence:
    return Occurrence.objects.get(item__roadmap=register, item__content=content, organisation=organisation)


def test_the_methodist_opens_the_year_and_lists_the_documents(world, as_persona, today):
    client = as_persona("methodist_a")
    response = client.post(reverse("register_index"), {"department": world.department_a.pk, "year": 2026})
    register = Roadmap.objects.get(kind=RoadmapKind.DOCUMENT_REGISTER)
    assert response.status_code == 302 and response.url == reverse("register_detail", args=[register.pk])
    assert register.title == "Реестр документов на 2026–2027 учебный год" and register.organisation is None

    url = reverse("register_requirement_create", args=[register.pk])
    response = client.post(
        url,
        {"content": "Положение о наставничестве", "evidence_kind": EvidenceKind.FILE, "due": "20.09.2026"},
    )
    assert response.status_code == 302
    item = register.items.get()
    # One part per school of the department, due on the day set: the roadmap's own per-organisation execution.
    parts = Occurrence.objects.filter(item=item)
    assert sorted(p.organisation.short_name for p in parts) == ["МБОУ СОШ № 1", "МБОУ СОШ № 2"]
    assert {p.due for p in parts} == {date(2026, 9, 20)} and item.for_each_organisation

    # The date moves: every part follows.
    edit = reverse("register_requirement_edit", args=[item.pk])
    response = client.post(
        edit,
        {
            "content": "Положение о наставничестве",
            "evidence_kind": EvidenceKind.FILE,
            "due": "25.09.2026",
            **signed_version(client, edit),
        },
    )
    assert response.status_code == 302
    assert set(Occurrence.objects.filter(item=item).values_list("due", flat=True)) == {date(2026, 9, 25)}

    # A second register of the same year is refused, in Russian.
    response = client.post(reverse("register_index"), {"department": world.department_a.pk, "year": 2026})
    assert "Реестр документов на 2026–2027 учебный год уже есть." in response.content.decode()
    assert Roadmap.objects.registers().count() == 1
    # The register is not one of «Все дорожные карты».
    assert register.title not in client.get(reverse("roadmap_list")).content.decode()

    response = client.post(reverse("register_requirement_delete", args=[item.pk]))
    assert response.status_code == 302 and not register.items.exists()
    assert not Occurrence.objects.filter(item__roadmap=register).exists()


def test_a_date_outside_the_school_year_is_refused_and_nothing_is_saved(world, as_persona, register):
    client = as_persona("methodist_a")
    response = client.post(
        reverse("register_requirement_create", args=[register.pk]),
        {"content": "Дорожная карта школы", "evidence_kind": EvidenceKind.ANY, "due": "01.10.2027"},
    )
    assert response.status_code == 200
    assert "Срок должен быть внутри учебного года реестра (2026–2027 учебный год)" in response.content.decode()
    assert register.items.count() == 2


def test_the_database_keeps_one_register_a_year_and_registers_municipal(world, register):
    with pytest.raises(IntegrityError), transaction.atomic():
        registers.open_register(world.department_a, registers.academic_period(2026), user=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Roadmap.objects.filter(pk=register.pk).update(organisation=world.school_a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoadmapItem.objects.filter(roadmap=register).update(evidence_kind="fax")


def test_a_curator_uploads_the_file_and_gives_the_link(world, as_persona, register, today):
    client = as_persona("curator_a1")
    page = client.get(reverse("register_detail", args=[register.pk])).content.decode()
    assert "Приказ о рабочей группе" in page and "МБОУ СОШ № 2" not in page  # the own school only

    order = part(register, "Приказ о рабочей группе", world.school_a1)
    url = reverse("register_submission", args=[order.pk])
    response = client.post(
        url,
        {
            "evidence_file": SimpleUploadedFile("Приказ № 12.pdf", PDF, content_type="application/pdf"),
            **signed_version(client, url),
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.DONE and order.done_on == OCTOBER
    assert order.evidence_name == "Приказ № 12.pdf" and order.updated_by == world.curator_a1

    page_part = part(register, "Страница о наставничестве на сайте", world.school_a1)
    url = reverse("register_submission", args=[page_part.pk])
    response = client.post(url, {"evidence_url": "sosh1.example.ru/nastavnichestvo", **signed_version(client, url)})
    assert response.status_code == 302
    page_part.refresh_from_db()
    assert page_part.status == Status.DONE and page_part.evidence_url == "https://sosh1.example.ru/nastavnichestvo"

    # The methodist opens the school's file.
    methodist = as_persona("methodist_a")
    response = methodist.get(reverse("roadmap_evidence", args=[order.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("приказ.exe", b"MZ\x90\x00", content_type="application/octet-stream"),  # extension
        SimpleUploadedFile("приказ.pdf", b"PK\x03\x04 not a pdf", content_type="application/pdf"),  # the gate
        SimpleUploadedFile("приказ.pdf", b"%PDF-1.4" + b"0" * (20 * 1024 * 1024), content_type="application/pdf"),
    ],
    ids=["extension", "not-what-it-says", "too-large"],
)
def test_a_bad_upload_is_refused_and_nothing_changes(world, as_persona, register, upload):
    client = as_persona("curator_a1")
    order = part(register, "Приказ о рабочей группе", world.school_a1)
    before = Occurrence.objects.filter(pk=order.pk).values().get()
    url = reverse("register_submission", args=[order.pk])
    response = client.post(url, {"evidence_file": upload, **signed_version(client, url)})
    assert response.status_code == 200
    assert response.context["form"].errors["evidence_file"]
    assert Occurrence.objects.filter(pk=order.pk).values().get() == before


def test_a_file_document_needs_a_file_and_a_link_document_a_link(world, as_persona, register):
    client = as_persona("curator_a1")
    order = part(register, "Приказ о рабочей группе", world.school_a1)
    url = reverse("register_submission", args=[order.pk])
    response = client.post(url, {"comment": "Скоро", **signed_version(client, url)})
    assert "Выберите файл документа." in response.content.decode()
    assert "evidence_url" not in response.context["form"].fields  # a file is asked for, not a link
    link = part(register, "Страница о наставничестве на сайте", world.school_a1)
    url = reverse("register_submission", args=[link.pk])
    response = client.post(url, {"evidence_url": "", **signed_version(client, url)})
    assert "Укажите ссылку на документ." in response.content.decode()
    assert not Occurrence.objects.filter(item__roadmap=register, status=Status.DONE).exists()


def test_the_matrix_shows_done_overdue_and_missing(world, register):
    order = part(register, "Приказ о рабочей группе", world.school_a1)
    Occurrence.objects.filter(pk=order.pk).update(
        status=Status.DONE, done_on=date(2026, 9, 14), evidence_url="https://a1.example.ru/prikaz"
    )
    from registry.models import Organisation

    organisations = Organisation.objects.filter(department=world.department_a)
    matrix = registers.build_matrix(register, organisations, OCTOBER)
    states = {row.organisation.short_name: [cell.state for cell in row.cells] for row in matrix.rows}
    # 15 September has passed on 1 October, 1 November has not.
    assert states == {
        "МБОУ СОШ № 1": [registers.State.DONE, registers.State.MISSING],
        "МБОУ СОШ № 2": [registers.State.OVERDUE, registers.State.MISSING],
    }
    assert [(c.counts.done, c.counts.overdue, c.counts.missing) for c in matrix.columns] == [(1, 1, 0), (0, 0, 2)]
    # On 2 November the site page is overdue everywhere; done stays done.
    later = registers.build_matrix(register, organisations, date(2026, 11, 2))
    assert (later.counts.done, later.counts.overdue, later.counts.missing) == (1, 3, 0)
    only_overdue = registers.build_matrix(register, organisations, OCTOBER, only=registers.State.OVERDUE)
    assert [row.organisation.short_name for row in only_overdue.rows] == ["МБОУ СОШ № 2"]


def test_the_methodist_reads_the_matrix_filters_it_and_downloads_it(world, as_persona, register, today):
    order = part(register, "Приказ о рабочей группе", world.school_a1)
    Occurrence.objects.filter(pk=order.pk).update(status=Status.DONE, done_on=date(2026, 9, 14))
    client = as_persona("methodist_a")
    html = client.get(reverse("register_detail", args=[register.pk])).content.decode()
    assert "table-responsive position-relative" in html
    assert html.count("✓ </span>выполнено") >= 2 and "просрочено" in html and "не сдан" in html  # text, not colour
    filtered = client.get(reverse("register_detail", args=[register.pk]), {"state": "overdue"}).content.decode()
    assert "МБОУ СОШ № 2" in filtered and "Показано организаций: 1." in filtered

    response = client.get(reverse("register_export", args=[register.pk]), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    school_1 = next(row for row in rows if row and row[0] == "МБОУ СОШ № 1")
    school_2 = next(row for row in rows if row and row[0] == "МБОУ СОШ № 2")
    assert school_1[1:] == ("выполнено 14.09.2026", "не сдан", 1, 0, 1)
    assert school_2[1:] == ("просрочено", "не сдан", 0, 1, 1)


def test_a_head_reads_but_changes_nothing(world, as_persona, register):
    client = as_persona("head_a")
    assert client.get(reverse("register_detail", args=[register.pk])).status_code == 200
    item = register.items.first()
    order = part(register, "Приказ о рабочей группе", world.school_a1)
    assert client.post(reverse("register_requirement_delete", args=[item.pk])).status_code == 403
    url = reverse("register_submission", args=[order.pk])
    assert client.post(url, {"evidence_url": "https://a1.example.ru/"}).status_code == 403
    assert (
        client.post(reverse("register_index"), {"department": world.department_a.pk, "year": 2027}).status_code == 403
    )
    assert register.items.count() == 2 and Roadmap.objects.registers().count() == 1


def test_another_department_and_another_school_get_404(world, as_persona, register):
    order = part(register, "Приказ о рабочей группе", world.school_a1)
    other = as_persona("methodist_b")
    assert other.get(reverse("register_detail", args=[register.pk])).status_code == 404
    assert other.get(reverse("register_requirement_edit", args=[register.items.first().pk])).status_code == 404
    assert other.get(reverse("register_submission", args=[order.pk])).status_code == 404
    assert register.title not in other.get(reverse("register_index")).content.decode()
    # The neighbour school's curator reads the register but not school A1's part.
    assert as_persona("curator_a2").get(reverse("register_submission", args=[order.pk])).status_code == 404


def test_a_new_school_gets_its_part_of_the_register(world, register):
    from roadmap.services import sync_organisation
    from tests import factories

    school = factories.OrganisationFactory(department=world.department_a, code="a3", short_name="МБОУ СОШ № 3")
    sync_organisation(school)
    assert Occurrence.objects.filter(item__roadmap=register, organisation=school).count() == 2
