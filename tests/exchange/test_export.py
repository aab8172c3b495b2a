"""Downloading the official bases: the exact layout, the values a head will sign, the scope, the jobs."""

import io
from datetime import date
from urllib.parse import unquote

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from common.files import writers
from exchange.exports import BasesExporter
from exchange.official import MENTEES, MENTORS
from jobs.models import Job, JobStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_a1_pairs(world):
    """A group of two mentees, a completed pair, and a pair in school A2 (out of curator A1's reach)."""
    school = world.school_a1
    leader = factories.student(
        school,
        last_name="Ёлкин",
        first_name="Пётр",
        patronymic="Ильич",
        birth_year=2008,
        competencies="Математика",
        time_resource="2 часа в неделю",
    )
    mentees = [
        factories.student(
            school,
            last_name="Абрамова",
            first_name="Вера",
            patronymic="",
            birth_year=2013,
            main_request='=HYPERLINK("http://evil.example","жми")',
        ),
        factories.student(
            school, last_name="Борисов", first_name="Глеб", patronymic="", birth_year=2014, main_request="Дроби"
        ),
    ]
    group = factories.pair(leader, mentees, entry_date=date(2025, 9, 15))
    teacher = factories.teacher(school, last_name="Смирнова", first_name="Анна", patronymic="Львовна")
    young = factories.teacher(school, last_name="Юнусов", first_name="Марат", patronymic="", birth_year=2001)
    done = factories.pair(
        teacher,
        [young],
        format_name="учитель – учитель",
        entry_date=date(2024, 9, 2),
        end_date=date(2025, 5, 30),
        results="+провёл открытый урок",
    )
    other = factories.student(world.school_a2, last_name="Чужой", birth_year=2008)
    factories.pair(other, [factories.student(world.school_a2, last_name="Чужая")])
    return group, done


def download(client, **data):
    response = client.post(reverse("export"), data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment")
    return response


def pdf_text(page) -> str:
    """A page's text with the cells' line breaks and hyphenation undone, to compare with what was exported."""
    return " ".join(page.extract_text().split()).replace("\u2010 ", "").replace("- ", "-")


def sheet_rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows())
    header_at = next(i for i, row in enumerate(rows) if row[0].value == "№ п/п")
    return sheet, rows[:header_at], rows[header_at], rows[header_at + 1 :]


def test_mentees_base_has_the_official_columns_and_one_row_per_participation(world, as_persona, school_a1_pairs):
    response = download(as_persona("curator_a1"), base="mentees", period="all", file_format="xlsx")
    assert "База наставляемых (все) — МБОУ СОШ № 1 — " in unquote(response["Content-Disposition"])
    sheet, title, header, rows = sheet_rows(response)
    assert [c.value for c in header] == MENTEES.headers
    assert [c.font.b for c in header] == [True] * len(header)
    assert sheet.freeze_panes == f"A{header[0].row + 1}"
    assert title[0][0].value == "База наставляемых"
    assert any(f"Выгрузка на {date.today():%d.%m.%Y}" == row[0].value for row in title)
    values = [[c.value for c in row] for row in rows]
    assert [v[0] for v in values] == [1, 2, 3]
    young, vera, gleb = values  # ordered by entry date: the 2024 pair first
    assert young[1:3] == ["Юнусов Марат", 2001]
    assert young[8].date() == date(2025, 5, 30) and young[9] == "+провёл открытый урок"
    assert vera[1:6] == ["Абрамова Вера", 2013, '=HYPERLINK("http://evil.example","жми")', vera[4], "Ёлкин Пётр Ильич"]
    assert vera[4].date() == date(2025, 9, 15)
    assert vera[6:8] == ["ученик – ученик", world.school_a1.short_name]
    assert gleb[1] == "Борисов Глеб"
    # Dates are real dates shown дд.мм.гггг; the formula payloads stay text.
    date_cell = rows[1][4]
    assert date_cell.is_date and date_cell.number_format == "DD.MM.YYYY"
    payload = rows[1][3]
    assert payload.data_type == "s" and payload.quotePrefix
    assert rows[0][9].data_type == "s"  # "+провёл …" is text, not a formula
    assert all(not isinstance(c.value, str) or not c.data_type == "f" for row in rows for c in row)


def test_mentors_base_lists_a_groups_mentees_in_one_cell(as_persona, school_a1_pairs):
    response = download(as_persona("curator_a1"), base="mentors", period="current", file_format="xlsx")
    _, _, header, rows = sheet_rows(response)
    assert [c.value for c in header] == MENTORS.headers
    [row] = [[c.value for c in r] for r in rows]  # the completed pair is archive, not current
    assert row[0] == 1 and row[1] == "Ёлкин Пётр Ильич"
    assert row[3] == "Математика" and row[7] == "2 часа в неделю"
    assert row[9] == "Абрамова Вера\nБорисов Глеб"
    assert rows[0][9].alignment.wrap_text


def test_archive_holds_only_the_completed(as_persona, school_a1_pairs):
    response = download(as_persona("curator_a1"), base="mentees", period="archive", file_format="xlsx")
    _, _, _, rows = sheet_rows(response)
    assert [r[1].value for r in rows] == ["Юнусов Марат"]


def test_curator_exports_only_the_school_methodist_the_department(world, as_persona, school_a1_pairs):
    names = lambda persona, **extra: [  # noqa: E731
        r[1].value
        for r in sheet_rows(download(as_persona(persona), base="mentees", period="all", file_format="xlsx", **extra))[3]
    ]
    assert "Чужая" not in " ".join(names("curator_a1"))
    assert "Чужая" in " ".join(names("methodist_a"))
    assert names("methodist_b") == []
    # A methodist's chosen organisations; a curator cannot pick another school (the form refuses it).
    assert "Чужая" not in " ".join(names("methodist_a", organisations=[world.school_a1.pk]))
    response = as_persona("curator_a1").post(
        reverse("export"),
        {"base": "mentees", "period": "all", "file_format": "xlsx", "organisations": [world.school_a2.pk]},
    )
    assert response.status_code == 200 and "Выберите корректный вариант" in response.content.decode()


def test_export_follows_the_pair_list_filter(as_persona, school_a1_pairs):
    client = as_persona("methodist_a")
    page = client.get(reverse("export"), {"q": "ёлкин", "status": "active"})
    assert "отобранные в списке пар" in page.content.decode()
    response = download(client, base="mentees", period="current", file_format="xlsx", q="ёлкин")
    assert [r[1].value for r in sheet_rows(response)[3]] == ["Абрамова Вера", "Борисов Глеб"]


def test_pdf_base_is_a4_landscape_with_headers_and_page_numbers(as_persona, school_a1_pairs):
    response = download(as_persona("curator_a1"), base="mentors", period="all", file_format="pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = pdf_text(page)
    assert "База наставников" in text and "Ёлкин Пётр Ильич" in text and "Смирнова Анна Львовна" in text
    assert "Основные компетенции" in text
    assert f"Стр. 1 из {len(reader.pages)}" in text


def test_a_large_export_runs_as_a_job_with_progress_and_a_download(
    world, as_persona, school_a1_pairs, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(BasesExporter.background_after, "xlsx", 1)
    client = as_persona("curator_a1")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export"), {"base": "mentees", "period": "all", "file_format": "xlsx"})
    job = Job.objects.get(owner=world.curator_a1)
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == JobStatus.DONE and (job.done, job.total) == (3, 3)
    page = client.get(response["Location"]).content.decode()
    assert "Скачать" in page and job.filename in page
    download_response = client.get(reverse("job_download", args=[job.pk]))
    assert download_response["Content-Disposition"].startswith("attachment")
    assert len(sheet_rows(download_response)[3]) == 3
    # Another user's job does not exist for them.
    assert as_persona("curator_a2").get(reverse("job_detail", args=[job.pk])).status_code == 404
    assert as_persona("methodist_a").get(reverse("job_download", args=[job.pk])).status_code == 404


def test_a_pdf_too_large_is_refused_on_the_form_and_no_job_starts(world, as_persona, school_a1_pairs, monkeypatch):
    monkeypatch.setattr(writers, "PDF_MAX_ROWS", 2)
    response = as_persona("curator_a1").post(
        reverse("export"), {"base": "mentees", "period": "all", "file_format": "pdf"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "для PDF это слишком много" in page and "Выберите формат Excel" in page
    assert not Job.objects.exists()


def test_a_running_job_page_polls_and_shows_the_progress(world, as_persona):
    job = Job.objects.create(
        owner=world.curator_a1,
        kind="export",
        title="База",
        status="running",
        done=40,
        total=160,
        params=factories.export_params(),
    )
    client = as_persona("curator_a1")
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "40 из 160" in page and 'value="25"' in page
    fragment = client.get(reverse("job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("{#") is False and "<html" not in fragment and "40 из 160" in fragment


def test_export_base_command_writes_the_same_file(world, school_a1_pairs, tmp_path):
    output = tmp_path / "mentees.xlsx"
    call_command(
        "export_base",
        "mentees",
        "--department",
        world.department_a.code,
        "--organisation",
        world.school_a1.code,
        "--all",
        "--format",
        "xlsx",
        "--output",
        str(output),
    )
    sheet = load_workbook(output).active
    names = [row[1] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert names == ["Юнусов Марат", "Абрамова Вера", "Борисов Глеб"]
    pdf = tmp_path / "mentors.pdf"
    call_command(
        "export_base", "mentors", "--department", world.department_a.code, "--format", "pdf", "--output", str(pdf)
    )
    assert "Ёлкин Пётр Ильич" in pdf_text(PdfReader(pdf).pages[0])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--department", "нет-такого"], "Нет муниципалитета"),
        (["--organisation", "нет-такой"], "нет организации с кодом"),
    ],
)
def test_export_base_command_explains_bad_arguments(world, tmp_path, args, message):
    base = ["mentees", "--department", world.department_a.code, "--output", str(tmp_path / "x.xlsx")]
    with pytest.raises(CommandError, match=message):
        call_command("export_base", *base, *args)
    assert not (tmp_path / "x.xlsx").exists()


def test_a_pdf_base_heads_each_schools_rows_with_its_name(world, as_persona, school_a1_pairs):
    """The municipality's mentees base: a heading per school over its rows, in the PDF only; the official
    columns stay as they are (the XLSX's rows: tests/common/test_xlsx_layout.py)."""
    exporter = BasesExporter(world.methodist_a, {"base": "mentees", "period": "all", "format": "pdf"})
    document = writers.pdf_document(exporter, exporter.rows())
    assert document.headers == MENTEES.headers and len(document.rows) == exporter.count() == 4
    assert document.groups == {0: "МБОУ СОШ № 1", 3: "МБОУ СОШ № 2"}
    assert [row[0] for row in document.rows] == ["1", "2", "3", "4"] and document.rows[3][1].startswith("Чужая")

    response = download(as_persona("methodist_a"), base="mentees", period="all", file_format="pdf")
    text = " ".join(pdf_text(page) for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    header_end = text.index("Отметка о прохождении программы") + len("Отметка о прохождении программы")
    assert text[header_end:].lstrip().startswith("МБОУ СОШ № 1 1 Юнусов Марат")
    assert "МБОУ СОШ № 2 4 Чужая" in text

    # The mentors base too: one heading per school.
    exporter = BasesExporter(world.methodist_a, {"base": "mentors", "period": "all", "format": "pdf"})
    assert list(writers.pdf_document(exporter, exporter.rows()).groups.values()) == ["МБОУ СОШ № 1", "МБОУ СОШ № 2"]
