"""Roadmap pages as the users work with them: creating and editing, marking execution, the matrix,
the agenda and the home page's counts, copying, and the export with its status column."""

import io
from datetime import timedelta
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from roadmap import services
from roadmap.models import Occurrence, ResponsibleKind, Roadmap, RoadmapItem, Status
from tests import factories
from tests.roadmap.conftest import ddmmyyyy, signed_version

pytestmark = pytest.mark.django_db


def test_methodist_creates_a_roadmap_and_an_item_whose_deadline_is_understood(world, as_persona):
    client = as_persona("methodist_a")
    response = client.post(
        reverse("roadmap_create"),
        {
            "owner": f"department:{world.department_a.pk}",
            "title": "Дорожная карта внедрения ЦМН",
            "period": "2022-2024 гг",
            "order_number": "125-о",
            "order_date": "01.09.2022",
        },
    )
    roadmap = Roadmap.objects.get()
    assert response.status_code == 302 and response.url == reverse("roadmap_detail", args=[roadmap.pk])
    assert (roadmap.period_start.isoformat(), roadmap.period_end.isoformat()) == ("2022-01-01", "2024-12-31")
    assert roadmap.organisation is None and roadmap.department == world.department_a

    section = roadmap.sections.get()
    response = client.post(
        reverse("roadmap_item_create", args=[roadmap.pk]),
        {
            "section": section.pk,
            "number": "1.1.",
            "content": "Утверждение рабочей группы",
            "deadline_text": "Ежегодно сентябрь",
            "responsible": "Определяется ОО",
            "responsible_kind": ResponsibleKind.EACH_ORGANISATION,
        },
    )
    assert response.status_code == 302
    item = roadmap.items.get()
    assert item.deadline_text == "Ежегодно сентябрь"
    assert item.schedule_kind == "yearly"
    # One part per organisation of the department and per year of the period: 2 schools × 3 years.
    occurrences = Occurrence.objects.filter(item=item)
    assert occurrences.count() == 6
    assert sorted({o.key for o in occurrences}) == ["2022", "2023", "2024"]
    assert {o.organisation_id for o in occurrences} == {world.school_a1.pk, world.school_a2.pk}
    assert {o.due.isoformat() for o in occurrences if o.key == "2023"} == {"2023-09-30"}

    page = client.get(reverse("roadmap_detail", args=[roadmap.pk])).content.decode()
    assert "Утверждение рабочей группы" in page and "Ежегодно сентябрь" in page
    assert "0 из 2 ОО" in page


def test_a_bad_period_is_explained_and_nothing_is_created(world, as_persona):
    response = as_persona("methodist_a").post(
        reverse("roadmap_create"),
        {
            "owner": f"department:{world.department_a.pk}",
            "title": "Карта",
            "period": "когда-нибудь",
        },
    )
    assert response.status_code == 200
    assert "Укажите период" in response.content.decode()
    assert not Roadmap.objects.exists()


def test_a_deadline_nobody_can_read_is_kept_flagged_and_set_by_hand(world, roadmaps, as_persona):
    client = as_persona("methodist_a")
    item = roadmaps.undated
    form = {
        "section": item.section_id,
        "number": item.number,
        "content": item.content,
        "deadline_text": "когда получится",
        "responsible": item.responsible,
        "responsible_kind": item.responsible_kind,
    }
    url = reverse("roadmap_item_edit", args=[item.pk])
    assert client.post(url, {**form, **signed_version(client, url)}).status_code == 302
    item.refresh_from_db()
    assert item.deadline_text == "когда получится" and item.schedule_kind == "unknown" and item.schedule_problem
    assert "когда получится" in client.get(reverse("roadmap_detail", args=[roadmaps.municipal.pk])).content.decode()

    # Twice a year needs exactly two months: the form says so and keeps the text.
    response = client.post(
        url, {**form, **signed_version(client, url), "manual_kind": "twice", "manual_months": ["10"]}
    )
    assert "ровно два месяца" in response.content.decode()
    response = client.post(
        url, {**form, **signed_version(client, url), "manual_kind": "twice", "manual_months": ["5", "10"]}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.schedule_manual and item.schedule_kind == "twice" and item.deadline_text == "когда получится"
    keys = set(item.occurrences.values_list("key", flat=True))
    year = roadmaps.municipal.period_start.year
    assert {f"{year}-05", f"{year}-10", f"{year + 2}-10"} <= keys


def test_a_curator_marks_the_schools_part_done_with_a_document(world, roadmaps, as_persona):
    part = roadmaps.each.occurrences.get(organisation=world.school_a1)
    client = as_persona("curator_a1")
    today = timezone.localdate()
    upload = SimpleUploadedFile("Приказ о наставничестве.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    url = reverse("roadmap_occurrence_edit", args=[part.pk])
    response = client.post(
        url,
        {
            "status": Status.DONE,
            "done_on": ddmmyyyy(today),
            "comment": "Приказ № 15",
            "evidence_file": upload,
            **signed_version(client, url),
        },
    )
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.status == Status.DONE and part.done_on == today and part.updated_by == world.curator_a1
    download = client.get(reverse("roadmap_evidence", args=[part.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    # The other school's curator does not see it; the head reads it.
    assert as_persona("curator_a2").get(reverse("roadmap_evidence", args=[part.pk])).status_code == 404
    assert as_persona("head_a").get(reverse("roadmap_evidence", args=[part.pk])).status_code == 200

    matrix = as_persona("methodist_a").get(reverse("roadmap_matrix", args=[roadmaps.municipal.pk])).content.decode()
    assert "выполнили 1 из 2" in matrix


def test_a_curator_cannot_mark_another_schools_part_or_the_municipal_items(world, roadmaps, as_persona):
    client = as_persona("curator_a1")
    other = roadmaps.each.occurrences.get(organisation=world.school_a2)
    own_municipal = roadmaps.soon.occurrences.get()
    data = {"status": Status.IN_PROGRESS}
    assert client.post(reverse("roadmap_occurrence_edit", args=[other.pk]), data).status_code == 404
    assert client.post(reverse("roadmap_occurrence_edit", args=[own_municipal.pk]), data).status_code == 403
    assert client.get(reverse("roadmap_occurrence_edit", args=[own_municipal.pk])).status_code == 200


@pytest.mark.parametrize(
    "data, message",
    [
        ({"status": Status.DONE}, "Укажите дату выполнения."),
        ({"status": Status.DONE, "done_on": "01.01.2030"}, "не может быть в будущем"),
        ({"status": Status.POSTPONED}, "Укажите новый срок."),
        (
            {"status": Status.DONE, "done_on": "01.01.2020", "evidence_url": "javascript:alert(1)"},
            "Введите правильный URL",
        ),
    ],
)
def test_a_wrong_mark_is_explained_and_nothing_changes(roadmaps, as_persona, data, message):
    occurrence = roadmaps.overdue.occurrences.get()
    client, url = as_persona("methodist_a"), reverse("roadmap_occurrence_edit", args=[occurrence.pk])
    response = client.post(url, {**data, **signed_version(client, url)})
    assert response.status_code == 200 and message in response.content.decode()
    occurrence.refresh_from_db()
    assert occurrence.status == Status.NOT_STARTED and occurrence.done_on is None


def test_an_evidence_file_of_a_wrong_kind_is_refused(roadmaps, as_persona):
    occurrence = roadmaps.overdue.occurrences.get()
    client, url = as_persona("methodist_a"), reverse("roadmap_occurrence_edit", args=[occurrence.pk])
    response = client.post(
        url,
        {
            "status": Status.DONE,
            "done_on": ddmmyyyy(timezone.localdate()),
            **signed_version(client, url),
            "evidence_file": SimpleUploadedFile("script.exe", b"MZ", content_type="application/octet-stream"),
        },
    )
    assert response.status_code == 200 and "exe" in response.content.decode()
    occurrence.refresh_from_db()
    assert occurrence.status == Status.NOT_STARTED and not occurrence.evidence_file


def test_postponing_moves_the_due_date_and_the_agenda_follows(roadmaps, as_persona):
    client = as_persona("methodist_a")
    occurrence = roadmaps.overdue.occurrences.get()
    agenda = client.get(reverse("roadmap_agenda")).content.decode()
    assert "Утверждение рабочей группы" in agenda.split("Сроки в ближайшие")[0]  # in «Просрочено»

    new_due = timezone.localdate() + timedelta(days=20)
    url = reverse("roadmap_occurrence_edit", args=[occurrence.pk])
    response = client.post(
        url,
        {
            "status": Status.POSTPONED,
            "due": ddmmyyyy(new_due),
            "comment": "Перенесено приказом",
            **signed_version(client, url),
        },
    )
    assert response.status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.due == new_due and occurrence.planned_due < timezone.localdate()
    agenda = client.get(reverse("roadmap_agenda")).content.decode()
    overdue, soon = agenda.split("Сроки в ближайшие")[0], agenda.split("Сроки в ближайшие")[1]
    assert "Утверждение рабочей группы" not in overdue and "Утверждение рабочей группы" in soon


def test_the_agenda_and_home_counts_for_each_persona(world, roadmaps, as_persona):
    # Methodist: the municipal overdue item, the school's overdue item; soon: the municipal item and
    # the «каждая ОО» item counted once (two schools' parts).
    home = as_persona("methodist_a").get(reverse("home")).context["roadmap"]
    assert home == {"overdue": 2, "due_soon": 2}
    agenda = as_persona("methodist_a").get(reverse("roadmap_agenda")).content.decode()
    assert "не выполнили 2 из 2" in agenda
    # Curator A1: the school's own overdue item; its part of the «каждая ОО» item.
    assert as_persona("curator_a1").get(reverse("home")).context["roadmap"] == {"overdue": 1, "due_soon": 1}
    # Curator A2: only its part.
    assert as_persona("curator_a2").get(reverse("home")).context["roadmap"] == {"overdue": 0, "due_soon": 1}
    assert as_persona("methodist_b").get(reverse("home")).context["roadmap"] == {"overdue": 0, "due_soon": 0}
    undated = roadmaps.undated.occurrences.get()
    assert undated.due is None  # «По необходимости» is never overdue


def test_a_new_organisation_gets_its_part_of_every_each_organisation_item(world, roadmaps):
    school = factories.OrganisationFactory(department=world.department_a, code="a3")
    assert roadmaps.each.occurrences.filter(organisation=school).count() == 1
    assert roadmaps.overdue.occurrences.count() == 1


def test_reordering_items_and_sections(world, roadmaps, as_persona):
    client = as_persona("methodist_a")
    order = lambda: list(roadmaps.municipal.items.order_by("position").values_list("number", flat=True))  # noqa: E731
    assert order() == ["1.1.", "1.2.", "1.3.", "1.4."]
    assert client.post(reverse("roadmap_item_move", args=[roadmaps.soon.pk]), {"direction": "up"}).status_code == 302
    assert order() == ["1.2.", "1.1.", "1.3.", "1.4."]
    client.post(reverse("roadmap_item_move", args=[roadmaps.soon.pk]), {"direction": "up"})  # already first
    assert order() == ["1.2.", "1.1.", "1.3.", "1.4."]
    client.post(
        reverse("roadmap_section_create", args=[roadmaps.municipal.pk]), {"number": "2.", "title": "Мониторинг"}
    )
    second = roadmaps.municipal.sections.get(number="2.")
    client.post(reverse("roadmap_section_move", args=[second.pk]), {"direction": "up"})
    assert list(roadmaps.municipal.sections.order_by("position").values_list("number", flat=True)) == ["2.", "1."]


def test_copy_a_municipal_roadmap_to_schools_and_into_the_next_period(world, roadmaps, as_persona):
    client = as_persona("methodist_a")
    source = roadmaps.municipal
    year = source.period_end.year
    response = client.post(
        reverse("roadmap_copy", args=[source.pk]),
        {
            "mode": "organisations",
            "period": f"{year}",
            "organisations": [world.school_a1.pk, world.school_a2.pk],
        },
    )
    assert response.status_code == 302
    copies = Roadmap.objects.filter(source=source).order_by("organisation__code")
    assert [c.organisation for c in copies] == [world.school_a1, world.school_a2]
    copy = copies[0]
    assert copy.items.count() == 4
    # The same copy asked again (a second click) adds nothing.
    client.post(
        reverse("roadmap_copy", args=[source.pk]),
        {
            "mode": "organisations",
            "period": f"{year}",
            "organisations": [world.school_a1.pk],
        },
    )
    assert Roadmap.objects.filter(source=source, organisation=world.school_a1).count() == 1
    # In a school's own roadmap the «каждая ОО» item is the school's own: no parts per organisation.
    assert not Occurrence.objects.filter(item__roadmap=copy, organisation__isnull=False).exists()
    assert not Occurrence.objects.filter(item__roadmap=copy).exclude(status=Status.NOT_STARTED).exists()

    response = client.post(reverse("roadmap_copy", args=[source.pk]), {"mode": "period", "period": f"{year + 1}"})
    next_year = Roadmap.objects.get(source=source, organisation__isnull=True)
    assert response.url == reverse("roadmap_detail", args=[next_year.pk])
    assert next_year.period_text.startswith(str(year + 1))


def test_a_curator_copies_the_municipal_template_only_into_the_own_school(world, roadmaps, as_persona):
    client = as_persona("curator_a1")
    response = client.post(
        reverse("roadmap_copy", args=[roadmaps.municipal.pk]),
        {
            "mode": "organisations",
            "period": "2027",
            "organisations": [world.school_a2.pk],
        },
    )
    assert response.status_code == 200  # school A2 is not a choice for this curator
    assert not Roadmap.objects.filter(source=roadmaps.municipal).exists()
    response = client.post(
        reverse("roadmap_copy", args=[roadmaps.municipal.pk]),
        {
            "mode": "period",
            "period": "2027",
        },
    )
    assert response.status_code == 200 and not Roadmap.objects.filter(source=roadmaps.municipal).exists()


def test_export_xlsx_has_the_documents_columns_and_the_status(world, roadmaps, as_persona):
    part = roadmaps.each.occurrences.get(organisation=world.school_a1)
    part.status, part.done_on = Status.DONE, timezone.localdate()
    part.save()
    response = as_persona("head_a").get(reverse("roadmap_export", args=[roadmaps.municipal.pk]) + "?format=xlsx")
    assert response.status_code == 200
    assert "Дорожная карта — Муниципальная дорожная карта" in unquote(response["Content-Disposition"])
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if row[0] == "№ п/п")
    assert list(header[:4]) == ["№ п/п", "Содержание (мероприятие)", "Сроки", "Ожидаемый результат (вид документа)"]
    assert header[-1] == "Исполнение"
    by_number = {row[0]: row for row in rows[rows.index(header) + 1 :]}
    assert by_number["1."][1] == "Организационные мероприятия"  # the section row
    assert "просрочено" in by_number["1.1."][-1] and "не начато" in by_number["1.1."][-1]
    assert by_number["1.3."][-1].endswith("выполнили 1 из 2 ОО")
    assert by_number["1.4."][2] == "По необходимости"


def test_export_pdf_carries_the_items_and_their_status(roadmaps, as_persona):
    response = as_persona("methodist_a").get(reverse("roadmap_export", args=[roadmaps.municipal.pk]) + "?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    text = " ".join(text.replace("-\n", "").split())
    assert "Утверждение рабочей группы" in text and "просрочено" in text and "Исполнение" in text


def test_deleting_a_roadmap_removes_its_items_and_marks(roadmaps, as_persona):
    client = as_persona("methodist_a")
    assert client.post(reverse("roadmap_delete", args=[roadmaps.municipal.pk])).status_code == 302
    assert not RoadmapItem.objects.filter(roadmap_id=roadmaps.municipal.pk).exists()
    assert Roadmap.objects.filter(pk=roadmaps.school_a1.pk).exists()


def test_the_list_filters_and_counts_overdue(world, roadmaps, as_persona):
    client = as_persona("methodist_a")
    page = client.get(reverse("roadmap_list")).content.decode()
    assert "Муниципальная дорожная карта" in page and "Дорожная карта СОШ № 1" in page
    page = client.get(reverse("roadmap_list"), {"owner": "municipal"}).content.decode()
    assert "Дорожная карта СОШ № 1" not in page
    listed = client.get(reverse("roadmap_list")).context["page"].object_list
    assert {r.title: r.overdue_count for r in listed} == {
        "Муниципальная дорожная карта": 1,
        "Дорожная карта СОШ № 1": 1,
    }
    # Curator A2 sees the municipal roadmap, not school A1's.
    titles = [r.title for r in as_persona("curator_a2").get(reverse("roadmap_list")).context["page"].object_list]
    assert titles == ["Муниципальная дорожная карта"]


def test_roadmap_detail_query_count_does_not_grow_with_items(world, roadmaps, as_persona):
    client, url = as_persona("methodist_a"), reverse("roadmap_detail", args=[roadmaps.municipal.pk])
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    section = roadmaps.municipal.sections.get()
    for number in range(5):
        make_item = RoadmapItem(
            roadmap=roadmaps.municipal,
            section=section,
            position=10 + number,
            number=f"1.{5 + number}.",
            content="Ещё пункт",
            deadline_text="Ежегодно май",
            responsible_kind=ResponsibleKind.EACH_ORGANISATION,
        )
        services.apply_deadline(make_item, roadmaps.municipal.period)
        make_item.save()
    services.sync_occurrences(roadmaps.municipal)
    assert queries() == before == 10


def test_the_agenda_is_one_list_by_date_with_whole_names_whose_items_and_filters(world, roadmaps, as_persona):
    """Overdue and soon are each one list by date (a «каждая ОО» part among the rest, not after them), the
    roadmaps' titles whole, the school's own items told apart from the municipal ones, and the page narrows
    by organisation, roadmap, responsible and month."""
    from roadmap.models import ResponsibleKind
    from tests.roadmap.conftest import ddmmyyyy, make_roadmap

    today = timezone.localdate()
    long_title = "Дорожная карта внедрения целевой модели наставничества в муниципальном округе на 2025–2027 годы"
    make_roadmap(
        world.department_a,
        period_text=f"{today.year - 1}–{today.year + 1} гг.",
        title=long_title,
        items=[
            (
                "2.1.",
                "Каждой ОО: положение",
                f"До {ddmmyyyy(today + timedelta(days=2))}",
                ResponsibleKind.EACH_ORGANISATION,
            )
        ],
    )
    client = as_persona("methodist_a")
    response = client.get(reverse("roadmap_agenda"))
    agenda = response.context["agenda"]
    soon = [row.due for row in agenda.due_soon_rows]
    assert soon == sorted(soon) and len(soon) == 3  # the parts of 2.1. (in 2 days) before 1.2. and 1.3. (in 10)
    assert getattr(agenda.due_soon_rows[0], "is_parts", False)
    overdue = agenda.overdue_rows
    assert [row.item.content for row in overdue] == ["Утверждение рабочей группы", "Назначение куратора"]
    page = response.content.decode()
    assert long_title in page  # whole, not «Дорожная карта внедрения целевой модели наставнич…»
    assert "пункт ОО</span> МБОУ СОШ № 1" in page and "муниципальный" in page

    def shown(**query) -> list[str]:
        found = client.get(reverse("roadmap_agenda"), query).context["agenda"]
        return [
            row.content if getattr(row, "is_parts", False) else row.item.content
            for row in [*found.overdue_rows, *found.due_soon_rows]
        ]

    # School A1: its own roadmap's item, and its parts of the municipal «каждая ОО» items.
    assert shown(organisation=world.school_a1.pk) == [
        "Назначение куратора",
        "Каждой ОО: положение",
        "Приказ ОО о наставничестве",
    ]
    assert shown(roadmap=roadmaps.municipal.pk) == [
        "Утверждение рабочей группы",
        "Совещание кураторов",
        "Приказ ОО о наставничестве",
    ]
    assert len(shown(responsible="имц")) == 5 and shown(responsible="управление культуры") == []
    month = today + timedelta(days=10)
    in_month = shown(month=f"{month:%Y-%m}")
    assert {"Совещание кураторов", "Приказ ОО о наставничестве"} <= set(in_month)
    for row in client.get(reverse("roadmap_agenda"), {"month": f"{month:%Y-%m}"}).context["agenda"].overdue_rows:
        assert (row.due.year, row.due.month) == (month.year, month.month)
    bad = client.get(reverse("roadmap_agenda"), {"month": "сентябрь"})
    assert bad.status_code == 200 and "Укажите месяц в виде гггг-мм" in bad.content.decode()
