"""Importing an approved roadmap through the import page, as a methodist or a curator does it:
the three real samples pasted as text, the district one uploaded as .docx and .xlsx, the
preview that saves nothing, the one-time confirmation, and every refusal with its Russian
message (nothing saved)."""

import io
import random
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from roadmap.models import Occurrence, ResponsibleKind, Roadmap, RoadmapItem, Section

pytestmark = pytest.mark.django_db

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "roadmaps"
DISTRICT = "district-2022-2024"
COMMITTEE = "district-committee-2022"
SPORTS = "sports-school-2020-2021"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sample_text(name: str) -> str:
    return (SAMPLES_DIR / f"{name}.tsv").read_text(encoding="utf-8")


def owner_value(world, name: str) -> str:
    """The owner each sample is imported for: the district ones municipal, the sports school A1."""
    if name == SPORTS:
        return f"organisation:{world.school_a1.pk}"
    return f"department:{world.department_a.pk}"


# name -> (period as typed, period saved, sections, items)
SAMPLES = {
    DISTRICT: ("2022–2024 гг.", "2022–2024 гг.", 4, 13),
    COMMITTEE: ("2022", "2022 год", 1, 8),
    SPORTS: ("2020-2021 учебный год", "2020–2021 учебный год", 7, 31),
}


def import_form(world, name: str, **changes) -> dict:
    form = {
        "owner": owner_value(world, name),
        "title": f"Дорожная карта {name}",
        "period": SAMPLES[name][0],
        "order_number": "125-о",
        "order_date": "01.09.2022",
        "text": sample_text(name),
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def page_token(response) -> str:
    """The one-time token as the preview page's form carries it."""
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the preview has no «Сохранить» form"
    return match.group(1)


def nothing_saved() -> bool:
    return not (
        Roadmap.objects.exists()
        or Section.objects.exists()
        or RoadmapItem.objects.exists()
        or Occurrence.objects.exists()
    )


def saved_shape(roadmap: Roadmap) -> list[tuple]:
    """Every item of the roadmap in its section, in order, with its texts."""
    return [
        (
            item.section.number,
            item.section.title,
            item.number,
            item.content,
            item.deadline_text,
            item.result,
            item.indicator,
            item.responsible,
            item.responsible_kind,
            item.schedule_kind,
        )
        for item in roadmap.items.select_related("section").order_by("position")
    ]


def item(roadmap: Roadmap, number: str, starts: str = "") -> RoadmapItem:
    return roadmap.items.select_related("section").get(number=number, content__startswith=starts)


def preview_and_save(client, form: dict, sections: int, items: int) -> Roadmap:
    response = client.post(reverse("roadmap_import"), form)
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    assert "Проверьте, как распознана дорожная карта" in page
    assert f"Разделов: {sections}, пунктов: {items}." in page
    assert f"Сохранить дорожную карту (пунктов: {items})" in page
    assert nothing_saved()  # the preview writes nothing

    response = client.post(reverse("roadmap_import_confirm"), {"token": page_token(response)})
    roadmap = Roadmap.objects.get()
    assert response.status_code == 302 and response.url == reverse("roadmap_detail", args=[roadmap.pk])
    assert roadmap.sections.count() == sections and roadmap.items.count() == items
    return roadmap


# --- the samples pasted as text ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SAMPLES))
def test_a_pasted_sample_is_previewed_then_saved_item_by_item_in_its_sections(world, as_persona, name):
    client = as_persona("methodist_a")
    typed, label, sections, items = SAMPLES[name]
    response = client.post(reverse("roadmap_import"), import_form(world, name))
    assert response.status_code == 200
    preview = response.context
    assert len(preview["sections"]) == sections and preview["item_count"] == items
    assert sum(len(block["items"]) for block in preview["sections"]) == items
    previewed = [
        (block["section"].number, block["section"].title, row["item"].number, row["item"].content, row["item"].deadline)
        for block in preview["sections"]
        for row in block["items"]
    ]
    page = response.content.decode()
    assert f"Разделов: {sections}, пунктов: {items}." in page and label in page
    if name == DISTRICT:  # «Определяется ОО» in a municipal roadmap: every organisation does its part
        assert "каждая ОО (определяется ОО)" in page
    assert nothing_saved()

    response = client.post(reverse("roadmap_import_confirm"), {"token": page_token(response)})
    roadmap = Roadmap.objects.get()
    assert response.status_code == 302 and response.url == reverse("roadmap_detail", args=[roadmap.pk])
    assert roadmap.title == f"Дорожная карта {name}" and roadmap.period_text == label
    assert (roadmap.order_number, roadmap.order_date) == ("125-о", date(2022, 9, 1))
    assert roadmap.created_by == world.methodist_a and roadmap.department == world.department_a
    assert roadmap.sections.count() == sections and roadmap.items.count() == items
    # Exactly what the preview showed: each item in its section, texts as written, in order.
    assert [row[:5] for row in saved_shape(roadmap)] == previewed
    for section in roadmap.sections.all():
        assert section.items.exists()  # no empty section, no item lost to another section

    page = client.get(response.url).content.decode()
    assert f"Дорожная карта сохранена, пунктов: {items}." in page
    assert f"Дорожная карта {name}" in page


def test_district_sample_items_keep_their_texts_and_schedules(world, as_persona):
    client = as_persona("methodist_a")
    roadmap = preview_and_save(client, import_form(world, DISTRICT), 4, 13)
    assert roadmap.organisation is None and (roadmap.period_start, roadmap.period_end) == (
        date(2022, 1, 1),
        date(2024, 12, 31),
    )
    assert [(s.number, s.title[:30]) for s in roadmap.sections.order_by("position")] == [
        ("1.", "Нормативно-правовое регулирова"),
        ("2.", "Организационно-методическое со"),
        ("3.", "Содействие распространению луч"),
        ("4.", "Мониторинг и оценка результато"),
    ]

    first = item(roadmap, "1.1.")
    assert first.section.number == "1." and first.content.startswith("Утверждение рабочей группы")
    assert first.deadline_text == "Ежегодно сентябрь" and first.schedule_kind == "yearly"
    assert first.result == "Приказ ОО" and first.indicator == "Внедрение и реализация ЦМН во всех ОО"
    # «Определяется ОО»: every organisation of the department does its part, once a year of the period.
    assert first.responsible == "Определяется ОО" and first.responsible_kind == ResponsibleKind.EACH_ORGANISATION
    parts = Occurrence.objects.filter(item=first)
    assert parts.count() == 2 * 3
    assert {o.organisation_id for o in parts} == {world.school_a1.pk, world.school_a2.pk}
    assert sorted({o.key for o in parts}) == ["2022", "2023", "2024"]
    assert {o.due for o in parts if o.key == "2023"} == {date(2023, 9, 30)}

    unnumbered = item(roadmap, "", "Разработка и утверждение распорядительных")
    assert unnumbered.section.number == "1." and unnumbered.schedule_kind == "yearly"

    as_needed = item(roadmap, "1.3.")
    assert as_needed.deadline_text == "По необходимости" and as_needed.schedule_kind == "as_needed"
    assert as_needed.responsible_kind == ResponsibleKind.EACH_ORGANISATION
    assert Occurrence.objects.filter(item=as_needed).count() == 2  # one undated part per organisation

    twice = item(roadmap, "4.1.")
    assert twice.section.number == "4." and twice.deadline_text == "Октябрь Май"
    assert twice.schedule_kind == "twice" and twice.responsible == "МБУ «ИМЦ»"
    assert twice.responsible_kind == ResponsibleKind.ORGANISATION
    own = Occurrence.objects.filter(item=twice)
    assert own.count() == 2 * 3 and not own.filter(organisation__isnull=False).exists()

    last = item(roadmap, "4.3.")
    assert last.section.number == "4." and last.deadline_text == "Май" and last.schedule_kind == "yearly"
    assert last.responsible_kind == ResponsibleKind.EACH_ORGANISATION

    every = roadmap.items.filter(responsible_kind=ResponsibleKind.EACH_ORGANISATION)
    assert every.count() == 5
    for part_item in every:
        assert not Occurrence.objects.filter(item=part_item, organisation__isnull=True).exists()
        assert {o.organisation_id for o in Occurrence.objects.filter(item=part_item)} == {
            world.school_a1.pk,
            world.school_a2.pk,
        }

    page = client.get(reverse("roadmap_detail", args=[roadmap.pk])).content.decode()
    assert "Ежегодно сентябрь" in page and "Октябрь Май" in page and "Определяется ОО" in page


def test_committee_sample_has_one_untitled_section(world, as_persona):
    roadmap = preview_and_save(as_persona("methodist_a"), import_form(world, COMMITTEE), 1, 8)
    section = roadmap.sections.get()
    assert (section.number, section.title) == ("", "")
    assert list(roadmap.items.order_by("position").values_list("number", flat=True)) == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
    ]
    first = item(roadmap, "1")
    assert first.deadline_text == "Сентябрь- Октябрь 2021г." and first.schedule_kind == "range"
    assert first.content.startswith("Планирование и подготовка")
    assert item(roadmap, "8").deadline_text == "Ноябрь- декабрь 2022г."


def test_sports_school_sample_is_the_schools_own_roadmap(world, as_persona):
    roadmap = preview_and_save(as_persona("methodist_a"), import_form(world, SPORTS), 7, 31)
    assert roadmap.organisation == world.school_a1 and roadmap.department == world.department_a
    assert (roadmap.period_start, roadmap.period_end, roadmap.period_academic) == (
        date(2020, 9, 1),
        date(2021, 8, 31),
        True,
    )
    # Section numbers restart in the document («1.» … «5.», then «1.», «2.»): kept as written.
    assert list(roadmap.sections.order_by("position").values_list("number", flat=True)) == [
        "1.",
        "2.",
        "3.",
        "4.",
        "5.",
        "1.",
        "2.",
    ]
    first = roadmap.items.select_related("section").order_by("position").first()
    assert first.number == "1." and first.section.title.startswith("Нормативное правовое регулирование")
    assert first.deadline_text == "До 11.09.2020" and first.schedule_kind == "due"
    assert first.responsible == "Шумилина Н.М." and first.responsible_kind == ResponsibleKind.PEOPLE
    assert list(Occurrence.objects.filter(item=first).values_list("due", flat=True)) == [date(2020, 9, 11)]
    last = roadmap.items.select_related("section").order_by("position").last()
    assert last.section.title.startswith("Координация и управление") and last.number == "1"
    assert last.deadline_text == "Сентябрь 2020 - май 2021" and last.schedule_kind == "range"
    assert "контроль проведения программ наставничества" in last.content  # a row broken across a page
    # Nothing in a school's own roadmap is split per organisation.
    assert not Occurrence.objects.filter(organisation__isnull=False).exists()


def test_a_paste_whose_first_header_cell_is_empty_keeps_its_columns(world, as_persona):
    """The pasted text reaches the reader as pasted: a leading tab (an empty first header cell) is
    a column, not whitespace to strip."""
    text = (
        "\tСодержание\tСроки\tОтветственный\r\n"
        "1.1.\tУтверждение рабочей группы\tЕжегодно сентябрь\tОпределяется ОО\r\n"
        "1.2.\tСовещание кураторов\tМай\tМБУ «ИМЦ»\r\n"
    )
    roadmap = preview_and_save(as_persona("methodist_a"), import_form(world, DISTRICT, text=text), 1, 2)
    first, second = roadmap.items.order_by("position")
    assert (first.content, first.deadline_text, first.responsible) == (
        "Утверждение рабочей группы",
        "Ежегодно сентябрь",
        "Определяется ОО",
    )
    assert first.schedule_kind == "yearly" and first.responsible_kind == ResponsibleKind.EACH_ORGANISATION
    assert (second.content, second.deadline_text, second.schedule_kind) == ("Совещание кураторов", "Май", "yearly")


# --- .docx and .xlsx ------------------------------------------------------------------------------


def district_rows() -> list[list[str]]:
    """The district sample's rows as a Word or Excel table has them: every row on the grid (the
    paste of a PDF drops an empty cell before the last one; a real table keeps it)."""
    lines = sample_text(DISTRICT).rstrip("\n").split("\n")
    width = len(lines[0].split("\t"))
    rows = []
    for line in lines:
        cells = line.split("\t")
        if 2 <= len(cells) < width:
            cells = cells[:-1] + [""] * (width - len(cells)) + cells[-1:]
        rows.append(cells + [""] * (width - len(cells)))
    return rows


def is_section(cells: list[str]) -> bool:
    return bool(cells[0]) and not any(cells[1:])


def district_docx() -> bytes:
    rows = district_rows()
    document = Document()
    document.add_paragraph("План мероприятий («дорожная карта») внедрения целевой модели наставничества")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, cells in zip(table.rows, rows, strict=False):
        if is_section(cells):  # a section title across the whole width, as Word documents have it
            row.cells[0].merge(row.cells[-1]).text = cells[0]
            continue
        for cell, text in zip(row.cells, cells, strict=False):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def district_xlsx() -> bytes:
    rows = district_rows()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Дорожная карта"
    sheet.append(["План мероприятий («дорожная карта»)"])
    for cells in rows:
        sheet.append([text or None for text in cells])
        if is_section(cells):
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(cells))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "filename, content_type, build",
    [
        ("Дорожная карта 2022-2024.docx", DOCX_TYPE, district_docx),
        ("Дорожная карта 2022-2024.xlsx", XLSX_TYPE, district_xlsx),
    ],
)
def test_district_sample_uploaded_as_a_file_gives_what_the_paste_gives(
    world, as_persona, filename, content_type, build
):
    client = as_persona("methodist_a")
    upload = SimpleUploadedFile(filename, build(), content_type=content_type)
    from_file = preview_and_save(client, import_form(world, DISTRICT, text=None, file=upload), 4, 13)
    assert item(from_file, "4.1.").schedule_kind == "twice"
    assert item(from_file, "1.1.").responsible_kind == ResponsibleKind.EACH_ORGANISATION

    response = client.post(reverse("roadmap_import"), import_form(world, DISTRICT))
    client.post(reverse("roadmap_import_confirm"), {"token": page_token(response)})
    from_text = Roadmap.objects.exclude(pk=from_file.pk).get()
    assert saved_shape(from_file) == saved_shape(from_text)
    assert (
        Occurrence.objects.filter(item__roadmap=from_file).count()
        == Occurrence.objects.filter(item__roadmap=from_text).count()
    )


# --- the one-time confirmation --------------------------------------------------------------------


def test_confirming_the_same_preview_twice_saves_one_roadmap(world, as_persona):
    client = as_persona("methodist_a")
    response = client.post(reverse("roadmap_import"), import_form(world, COMMITTEE))
    token = page_token(response)
    first = client.post(reverse("roadmap_import_confirm"), {"token": token})
    assert first.status_code == 302 and Roadmap.objects.count() == 1

    again = client.post(reverse("roadmap_import_confirm"), {"token": token}, follow=True)
    assert Roadmap.objects.count() == 1 and RoadmapItem.objects.count() == 8
    assert again.redirect_chain[-1][0] == reverse("roadmap_list")
    assert "Этот предпросмотр уже сохранён или устарел" in again.content.decode()


def test_a_double_click_on_save_saves_one_roadmap(world, as_persona):
    """Two confirmations racing: the second request read the session (still holding the token)
    before the first one saved it."""
    client = as_persona("methodist_a")
    token = page_token(client.post(reverse("roadmap_import"), import_form(world, COMMITTEE)))
    session_key = client.session.session_key
    read_by_the_second_click = Session.objects.get(pk=session_key).session_data
    assert client.post(reverse("roadmap_import_confirm"), {"token": token}).status_code == 302
    Session.objects.filter(pk=session_key).update(session_data=read_by_the_second_click)

    again = client.post(reverse("roadmap_import_confirm"), {"token": token}, follow=True)
    assert Roadmap.objects.count() == 1 and RoadmapItem.objects.count() == 8
    assert "Этот предпросмотр уже сохранён или устарел" in again.content.decode()


def test_an_unknown_token_saves_nothing(world, as_persona):
    response = as_persona("methodist_a").post(reverse("roadmap_import_confirm"), {"token": "nope"}, follow=True)
    assert "Этот предпросмотр уже сохранён или устарел" in response.content.decode()
    assert nothing_saved()


def test_another_users_token_is_not_theirs_to_confirm(world, as_persona):
    response = as_persona("methodist_a").post(reverse("roadmap_import"), import_form(world, COMMITTEE))
    token = page_token(response)
    stolen = as_persona("methodist_b").post(reverse("roadmap_import_confirm"), {"token": token}, follow=True)
    assert "Этот предпросмотр уже сохранён или устарел" in stolen.content.decode()
    assert nothing_saved()


def test_two_previews_open_in_tabs_are_each_saved_once(world, as_persona):
    client = as_persona("methodist_a")
    first = page_token(client.post(reverse("roadmap_import"), import_form(world, COMMITTEE)))
    second = page_token(client.post(reverse("roadmap_import"), import_form(world, DISTRICT)))
    assert client.post(reverse("roadmap_import_confirm"), {"token": second}).status_code == 302
    assert client.post(reverse("roadmap_import_confirm"), {"token": first}).status_code == 302
    assert sorted(Roadmap.objects.values_list("title", flat=True)) == sorted(
        [f"Дорожная карта {COMMITTEE}", f"Дорожная карта {DISTRICT}"]
    )


# --- refusals: a Russian message on the page, nothing saved -----------------------------------------


HEADER = "№ п/п\tСодержание\tСроки\tОтветственный"


def refused(client, form: dict) -> str:
    response = client.post(reverse("roadmap_import"), form)
    assert response.status_code == 200
    assert "roadmap/import.html" in [template.name for template in response.templates]
    assert Roadmap.objects.count() == 0 and nothing_saved()
    return response.content.decode()


def file_form(world, filename: str, content: bytes) -> dict:
    return import_form(world, DISTRICT, text=None, file=SimpleUploadedFile(filename, content))


@pytest.mark.parametrize(
    "filename, content, message",
    [
        (
            "Дорожная карта.pdf",
            b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
            "Это PDF-файл: из него таблица не читается.",
        ),
        (
            "Дорожная карта.docx",
            sample_text(DISTRICT).encode("utf-8"),
            "Это текстовый файл, а не документ Word или книга Excel.",
        ),
        (
            "Дорожная карта.docx",
            b"\x00\x17" + random.Random(7).randbytes(4000),
            "Файл «Дорожная карта.docx» — не документ Word (.docx) и не книга Excel (.xlsx).",
        ),
        ("Дорожная карта.xlsx", b"PK\x03\x04" + random.Random(8).randbytes(4000), "Файл повреждён и не читается."),
    ],
    ids=["pdf", "text-renamed-docx", "random-bytes", "broken-zip"],
)
def test_a_file_that_is_not_docx_or_xlsx_is_refused(world, as_persona, filename, content, message):
    page = refused(as_persona("methodist_a"), file_form(world, filename, content))
    assert message in page


def test_a_file_over_the_size_limit_is_refused(world, as_persona):
    content = b"PK\x03\x04" + bytes(10 * 1024 * 1024)
    page = refused(as_persona("methodist_a"), file_form(world, "карта.docx", content))
    assert "Файл больше 10 МБ" in page


def test_an_empty_upload_is_refused(world, as_persona):
    page = refused(as_persona("methodist_a"), file_form(world, "карта.docx", b""))
    assert "Отправленный файл пуст." in page
    assert "Выберите файл или вставьте таблицу" not in page  # one clear reason, not two


def test_a_table_with_only_its_header_is_refused(world, as_persona):
    page = refused(as_persona("methodist_a"), import_form(world, DISTRICT, text=HEADER + "\n"))
    assert "Таблица пуста: под строкой заголовков нет ни одного мероприятия." in page


def test_a_table_without_a_deadline_column_is_refused(world, as_persona):
    text = "№ п/п\tСодержание\tОтветственный\n1.\tУтверждение рабочей группы\tМБУ «ИМЦ»\n"
    page = refused(as_persona("methodist_a"), import_form(world, DISTRICT, text=text))
    assert "В таблице не найден столбец сроков" in page and "Назовите его «Сроки»" in page


def test_a_text_that_is_no_table_is_refused(world, as_persona):
    page = refused(as_persona("methodist_a"), import_form(world, DISTRICT, text="утвердить план до осени"))
    assert "Не удалось распознать таблицу дорожной карты" in page


def test_neither_file_nor_text_is_refused(world, as_persona):
    page = refused(as_persona("methodist_a"), import_form(world, DISTRICT, text=""))
    assert "Выберите файл или вставьте таблицу в поле ниже." in page


def test_both_file_and_text_are_refused(world, as_persona):
    form = import_form(world, DISTRICT, file=SimpleUploadedFile("карта.docx", district_docx()))
    page = refused(as_persona("methodist_a"), form)
    assert "Выберите что-то одно: файл или вставленную таблицу." in page


def test_a_period_ending_before_it_starts_is_refused(world, as_persona):
    page = refused(as_persona("methodist_a"), import_form(world, DISTRICT, period="2024-2022"))
    assert "Год окончания периода (2022) раньше года начала (2024)." in page


def test_a_period_nobody_can_read_is_refused(world, as_persona):
    page = refused(as_persona("methodist_a"), import_form(world, DISTRICT, period="когда-нибудь"))
    assert "Укажите период как «2022», «2020–2021 учебный год» или «2022–2024 гг.»." in page


def test_a_curator_cannot_import_a_municipal_roadmap(world, as_persona):
    form = import_form(world, DISTRICT, owner=f"department:{world.department_a.pk}")
    page = refused(as_persona("curator_a1"), form)
    assert "Выберите корректный вариант" in page


def test_a_curator_cannot_import_for_another_school(world, as_persona):
    form = import_form(world, DISTRICT, owner=f"organisation:{world.school_a2.pk}")
    page = refused(as_persona("curator_a1"), form)
    assert "Выберите корректный вариант" in page


def test_a_head_may_not_import_at_all(world, as_persona):
    assert as_persona("head_a").get(reverse("roadmap_import")).status_code == 403
    assert as_persona("head_a").post(reverse("roadmap_import"), import_form(world, DISTRICT)).status_code == 403
    assert nothing_saved()


def test_an_anonymous_visitor_is_sent_to_log_in(world, as_persona):
    response = as_persona("anonymous").get(reverse("roadmap_import"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    as_persona("anonymous").post(reverse("roadmap_import"), import_form(world, DISTRICT))
    assert nothing_saved()


def test_a_number_longer_than_the_field_does_not_break_saving(world, as_persona):
    text = (
        "№ п/п\tСодержание\tСроки\tОтветственный\n"
        "1.1 (в редакции от 01.09.2022)\tУтверждение рабочей группы\tМай\tМБУ «ИМЦ»\n"
    )
    client = as_persona("methodist_a")
    token = page_token(client.post(reverse("roadmap_import"), import_form(world, DISTRICT, text=text)))
    client.post(reverse("roadmap_import_confirm"), {"token": token})
    saved = RoadmapItem.objects.get()
    assert len(saved.number) <= 20 and saved.content == "Утверждение рабочей группы"


# --- a curator imports the school's own roadmap ----------------------------------------------------


def test_a_methodist_is_offered_the_department_and_its_schools(world, as_persona):
    choices = as_persona("methodist_a").get(reverse("roadmap_import")).context["form"].fields["owner"].choices
    assert choices == [
        (f"department:{world.department_a.pk}", f"Муниципальная — {world.department_a.name}"),
        (f"organisation:{world.school_a1.pk}", "МБОУ СОШ № 1"),
        (f"organisation:{world.school_a2.pk}", "МБОУ СОШ № 2"),
    ]


def test_a_curator_is_offered_the_own_school_only(world, as_persona):
    response = as_persona("curator_a1").get(reverse("roadmap_import"))
    assert response.status_code == 200
    assert response.context["form"].fields["owner"].choices == [(f"organisation:{world.school_a1.pk}", "МБОУ СОШ № 1")]
    page = response.content.decode()
    assert "МБОУ СОШ № 1" in page
    assert "МБОУ СОШ № 2" not in page and "Муниципальная —" not in page
    assert world.department_a.name not in page


def test_a_curator_imports_into_the_own_school(world, as_persona):
    client = as_persona("curator_a1")
    form = import_form(world, DISTRICT, owner=f"organisation:{world.school_a1.pk}")
    response = client.post(reverse("roadmap_import"), form)
    page = response.content.decode()
    assert "каждая ОО" not in page  # in a school's own roadmap the school itself does «Определяется ОО»
    roadmap = preview_and_save(client, form, 4, 13)
    assert roadmap.organisation == world.school_a1 and roadmap.created_by == world.curator_a1
    assert not roadmap.items.filter(responsible_kind=ResponsibleKind.EACH_ORGANISATION).exists()
    assert item(roadmap, "1.1.").responsible_kind == ResponsibleKind.ORGANISATION
    assert not Occurrence.objects.filter(organisation__isnull=False).exists()
    assert as_persona("curator_a1").get(reverse("roadmap_detail", args=[roadmap.pk])).status_code == 200
    assert as_persona("curator_a2").get(reverse("roadmap_detail", args=[roadmap.pk])).status_code == 404


def test_a_curator_who_lost_the_school_after_the_preview_saves_nothing(world, as_persona):
    client = as_persona("curator_a1")
    form = import_form(world, DISTRICT, owner=f"organisation:{world.school_a1.pk}")
    token = page_token(client.post(reverse("roadmap_import"), form))
    world.curator_a1.memberships.update(organisation=world.school_a2)
    response = client.post(reverse("roadmap_import_confirm"), {"token": token}, follow=True)
    assert "Нет прав создавать дорожную карту для выбранной организации." in response.content.decode()
    assert nothing_saved()


def test_previews_are_kept_on_the_server_not_in_the_session(world, as_persona):
    """Three uploads of a 3 MB document grew one session row to 14 MB, and every page to 5 s."""
    from roadmap.models import ImportPreview

    client = as_persona("methodist_a")
    tokens = [page_token(client.post(reverse("roadmap_import"), import_form(world, DISTRICT))) for _ in range(5)]
    session = Session.objects.get(pk=client.session.session_key)
    assert len(session.session_data) < 2000, "the previews are in the session"
    kept = ImportPreview.objects.filter(user=world.methodist_a)
    assert sorted(kept.values_list("token", flat=True)) == sorted(tokens[-3:]), "at most three a user, the newest"
    # Another user cannot spend somebody else's preview.
    other = as_persona("methodist_b").post(reverse("roadmap_import_confirm"), {"token": tokens[-1]}, follow=True)
    assert "Этот предпросмотр уже сохранён или устарел" in other.content.decode() and not Roadmap.objects.exists()
    assert client.post(reverse("roadmap_import_confirm"), {"token": tokens[-1]}).status_code == 302
    assert Roadmap.objects.count() == 1 and kept.count() == 2


# --- issue 17: the title and the period from the document itself ----------------------------------------------

ORDER_PREAMBLE = [
    "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ КЕДРОВСКОГО МУНИЦИПАЛЬНОГО ОКРУГА",
    "ПРИКАЗ",
    "01.09.2022 № 125-о",
    "Об утверждении дорожной карты",
    "п р и к а з ы в а ю:",
    "1. Утвердить дорожную карту (приложение).",
    "Начальник управления\tИ.И. Иванов",
    "Приложение к приказу от 01.09.2022 № 125-о",
    "Дорожная карта по внедрению целевой модели наставничества",
    "в Кедровском муниципальном округе на 2022-2024гг.",
]


def test_a_whole_order_pasted_without_title_or_period_takes_both_from_the_document(world, as_persona):
    text = "\n".join(ORDER_PREAMBLE) + "\n" + sample_text(DISTRICT)
    client = as_persona("methodist_a")
    form = import_form(world, DISTRICT, title="", period="", text=text)
    roadmap = preview_and_save(client, form, sections=4, items=13)
    assert roadmap.title == (
        "Дорожная карта по внедрению целевой модели наставничества в Кедровском муниципальном округе на 2022-2024гг"
    )
    assert roadmap.period_text == "2022–2024 гг."


def test_a_table_without_a_title_asks_for_one_and_keeps_nothing(world, as_persona):
    response = as_persona("methodist_a").post(
        reverse("roadmap_import"), import_form(world, DISTRICT, title="", period="")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["title"] == ["В документе не нашлось названия дорожной карты: введите его."]
    assert "В названии документа не нашлось периода" in errors["period"][0]
    assert nothing_saved()


@pytest.mark.parametrize(
    "lines, title, period",
    [
        (
            ["Дорожная карта по внедрению целевой модели наставничества на 2022-2024гг."],
            "Дорожная карта по внедрению целевой модели наставничества на 2022-2024гг",
            "на 2022-2024гг",
        ),
        (
            ["ПЛАН МЕРОПРИЯТИЙ (ДОРОЖНАЯ КАРТА)", "по реализации программы наставничества на 2020-2021 учебный год"],
            "ПЛАН МЕРОПРИЯТИЙ (ДОРОЖНАЯ КАРТА) по реализации программы наставничества на 2020-2021 учебный год",
            "на 2020-2021 учебный год",
        ),
        (
            ["Приказ № 5", "Об утверждении дорожной карты наставничества на 2023 – 2024 годы"],
            "Об утверждении дорожной карты наставничества на 2023 – 2024 годы",
            "на 2023 – 2024 годы",
        ),
        (["Приказ № 5", "О назначении куратора"], "", ""),
    ],
)
def test_the_title_and_period_a_document_names(lines, title, period):
    from roadmap.deadlines import parse_period
    from roadmap.reading.build import propose_title

    assert propose_title(lines) == (title, period)
    if period:
        parse_period(period)  # the proposal is a period the form accepts


def test_the_chosen_file_survives_a_form_error(world, as_persona):
    """Issue 17: a wrong period lost the chosen file. The table read is kept on the server; the corrected
    form is sent without choosing the file again, and saves it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.roadmap.samples import docx_bytes

    client = as_persona("methodist_a")
    upload = SimpleUploadedFile("Дорожная карта.docx", docx_bytes(f"{DISTRICT}.tsv"))
    form = import_form(world, DISTRICT, period="когда-то", text=None)
    response = client.post(reverse("roadmap_import"), {**form, "file": upload})
    assert response.status_code == 200 and response.context["form"].errors["period"]
    page = response.content.decode()
    assert "Таблица уже прочитана (файл «Дорожная карта.docx»)" in page
    kept = re.search(r'name="kept" value="([^"]+)"', page).group(1)
    assert nothing_saved()

    roadmap = preview_and_save(client, {**form, "period": "2022–2024 гг.", "kept": kept}, sections=4, items=13)
    assert roadmap.period_text == "2022–2024 гг."
    # A kept table is not a preview: its token saves nothing.
    assert client.post(reverse("roadmap_import_confirm"), {"token": kept}).status_code == 302
    assert Roadmap.objects.count() == 1


def test_the_preview_is_corrected_inline_read_again_and_saved_as_corrected(world, as_persona):
    """Issue 17: a deadline not understood is fixed in the preview, which reads it again; an item is moved to
    another section and its responsible party changed; «Сохранить» saves what the preview shows."""
    client = as_persona("methodist_a")
    text = (
        "№\tМероприятие\tСрок\tОтветственный\n1. Подготовка\n1.1.\tПоложение\tкогда-нибудь\tИМЦ\n"
        "2. Реализация\n2.1.\tПары\tсентябрь 2022\tИМЦ\n"
    )
    response = client.post(reverse("roadmap_import"), import_form(world, DISTRICT, text=text))
    first = response.context["sections"][0]["items"][0]
    assert first["schedule"].kind == "unknown" and first["problems"]
    token = page_token(response)

    revised = client.post(
        reverse("roadmap_import_revise"),
        {"token": token, "deadline-0": "II квартал 2023 г.", "responsible-1": "ОО", "section-1": "0"},
    )
    assert revised.status_code == 200 and page_token(revised) == token
    blocks = revised.context["sections"]
    assert [[row["item"].number for row in block["items"]] for block in blocks] == [["1.1.", "2.1."], []]
    fixed, moved = blocks[0]["items"]
    assert fixed["schedule"].describe() == "01.04.2023 – 30.06.2023" and not fixed["problems"]
    assert moved["item"].responsible == "ОО" and moved["responsible_kind"] == "каждая ОО (определяется ОО)"
    assert nothing_saved()

    client.post(reverse("roadmap_import_confirm"), {"token": token, "deadline-0": "II квартал 2023 г."})
    roadmap = Roadmap.objects.get()
    saved = [
        (i.section.number, i.number, i.deadline_text, i.responsible) for i in roadmap.items.select_related("section")
    ]
    assert saved == [("1.", "1.1.", "II квартал 2023 г.", "ИМЦ"), ("1.", "2.1.", "сентябрь 2022", "ОО")]
