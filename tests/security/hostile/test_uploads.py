"""Uploads: a file's own name and the texts inside it are reported, saved and shown inert."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from jobs.models import Job, JobKind, JobStatus
from registry.models import (
    Person,
)
from roadmap.models import Occurrence
from tests.security.hostile.forms_world import (
    initial_data,
)
from tests.security.hostile.seeding import (
    AT,
    C1,
    CMD,
    HYPERLINK,
    IMG,
    LONG,
    MINUS,
    RTL,
    SCRIPT,
    ZERO_WIDTH,
    M,
    content,
    download,
    failure,
    lenient_client,
    raw_markup,
)

# --- Uploads: a file's own name and the texts inside it ----------------------------------------------------

HOSTILE_FILE_NAME = f"{IMG}.pdf"  # a name without a slash: the whole of it is the file name


def test_an_uploaded_file_name_is_shown_inert(form_world):
    """The evidence document's own file name (kept as uploaded, for the page and the download) is markup
    in the user's hands: the mark's page shows it escaped, the download names it in a well-formed header."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = lenient_client(form_world.world, M)
    mark = reverse("roadmap_occurrence_edit", args=[form_world.occurrence.pk])
    problems = []
    for name in (HOSTILE_FILE_NAME, f"Приказ {RTL}.pdf", f"{HYPERLINK}.pdf".replace("/", "_")):
        data = initial_data(client.get(mark).context["form"])
        data.update(status="in_progress", evidence_file=SimpleUploadedFile(name, b"%PDF-1.4\n"))
        response = client.post(mark, data)
        if response.status_code != 302:
            problems.append(f"{name!r}: the upload: {failure(response)}")
            continue
        occurrence = Occurrence.objects.get(pk=form_world.occurrence.pk)
        if "\u202e" in occurrence.evidence_name:
            problems.append(f"{name!r}: the bidi override is kept in the name shown: {occurrence.evidence_name!r}")
        for url in (mark, reverse("roadmap_detail", args=[form_world.roadmap.pk]), reverse("roadmap_agenda")):
            page = client.get(url)
            if page.status_code != 200:
                problems.append(f"{name!r}: {url}: {failure(page)}")
            elif raw := raw_markup(page.content.decode()):
                problems.append(f"{name!r}: {url} shows the file name unescaped: {raw[:1]}")
        download_response = client.get(reverse("roadmap_evidence", args=[form_world.occurrence.pk]))
        header = download_response.get("Content-Disposition", "")
        quoted = r'attachment; filename="(?:[^"\\\r\n]|\\.)*"|attachment; filename\*=utf-8\'\'[^\s"]+'
        if download_response.status_code != 200 or not re.fullmatch(quoted, header):
            problems.append(f"{name!r}: the download: {failure(download_response)} {header!r}")
    assert not problems, "\n".join(problems)


def official_workbook(form, rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(form.headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_uploaded_base_with_hostile_cells_and_name_is_reported_and_saved_inert(
    form_world, django_capture_on_commit_callbacks
):
    """An .xlsx of «База наставляемых» whose file name and cells are hostile. Names with markup are refused
    (the check's report quotes them, escaped); free texts with markup and formulas are saved as they are in
    the file and shown escaped; nothing crashes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from exchange.official import MENTEES

    client = lenient_client(form_world.world, C1)

    def check(rows) -> tuple[object, Job]:
        upload = SimpleUploadedFile(f"{IMG}.xlsx", official_workbook(MENTEES, rows))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("import_file"),
                {"base": "mentees", "organisation": form_world.world.school_a1.pk, "file": upload},
            )
        assert response.status_code == 302, failure(response)
        job = Job.objects.filter(kind=JobKind.IMPORT_CHECK).latest("pk")
        assert job.status == JobStatus.DONE, f"the check job: {job.get_status_display()} {job.message}"
        return response, job

    names = [
        1,
        f"{SCRIPT} Иванов Иван",
        2012,
        "Запрос",
        "01.09.2025",
        f"{IMG} Петров Пётр",
        "ученик – ученик",
        None,
        None,
        None,
        None,
        None,
    ]
    refused, refused_job = check([names])
    assert not refused_job.report["ok"], "names with markup are not names"
    texts = [
        1,
        "Иванов Иван",
        2012,
        SCRIPT + IMG,
        "01.09.2025",
        "Петров Пётр Петрович",
        "ученик – ученик",
        HYPERLINK,
        None,
        CMD,
        None,
        None,
    ]
    accepted, accepted_job = check([texts])
    assert accepted_job.report["ok"], accepted_job.report["problems"]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("job_confirm", args=[accepted_job.pk]))
    saved = Job.objects.get(kind=JobKind.IMPORT_SAVE)
    assert saved.status == JobStatus.DONE, f"the saving job: {saved.get_status_display()} {saved.message}"
    mentee = Person.objects.get(last_name="Иванов")
    assert mentee.main_request == SCRIPT + IMG, "the cell's text is stored as it was in the file"
    pages = {  # the page → what it must show, escaped: the file's name, a refused name, a saved text
        refused["Location"]: [IMG, f"{SCRIPT} Иванов Иван"],
        accepted["Location"]: [IMG],
        confirmed["Location"]: [IMG],
        reverse("job_list"): [IMG],
        reverse("person_detail", args=[mentee.pk]): [SCRIPT + IMG],
        reverse("pair_list"): [],
    }
    problems = []
    for url, shown in pages.items():
        page = client.get(url)
        html = page.content.decode()
        if page.status_code != 200:
            problems.append(f"{url}: {failure(page)}")
        elif raw := raw_markup(html):
            problems.append(f"{url}: unescaped markup {raw[:1]}")
        problems += [f"{url}: does not show {text!r} escaped" for text in shown if escape(text) not in html]
    assert not problems, "\n".join(problems)


def test_a_pasted_roadmap_with_hostile_cells_is_previewed_and_saved_inert(form_world):
    client = lenient_client(form_world.world, M)
    text = (
        "№\tСодержание\tСроки\tОтветственный\r\n"
        f"1.1.\t{SCRIPT}\tДо 01.05.2025\t{IMG}\r\n"
        f"1.2.\t{HYPERLINK}\t{MINUS}\t{AT}\r\n"
        f"1.3.\t{RTL} {ZERO_WIDTH}\t{CMD}\t{'ж' * LONG}\r\n"
    )
    preview = client.post(
        reverse("roadmap_import"),
        {
            "owner": f"department:{form_world.world.department_a.pk}",
            "title": f"{SCRIPT}{IMG}",
            "period": "2025",
            "text": text,
        },
    )
    assert preview.status_code == 200 and "token" in preview.context, failure(preview)
    html = preview.content.decode()
    assert not raw_markup(html), raw_markup(html)[:1]
    assert escape(SCRIPT) in html and escape(IMG) in html
    saved = client.post(reverse("roadmap_import_confirm"), {"token": preview.context["token"]})
    assert saved.status_code == 302, failure(saved)
    roadmap_page = client.get(saved["Location"])
    html = roadmap_page.content.decode()
    assert roadmap_page.status_code == 200 and not raw_markup(html), raw_markup(html)[:1]
    assert escape(SCRIPT) in html and escape(HYPERLINK) in html


def test_an_uploaded_contingent_with_hostile_cells_and_name_is_reported_inert(form_world):
    """The contingent upload's report quotes the file's cells (an unknown organisation, a bad number)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = lenient_client(form_world.world, M)
    template = client.get(reverse("contingent_template"), {"year": 2025})
    assert template.status_code == 200, failure(template)
    workbook = openpyxl.load_workbook(io.BytesIO(content(template)))
    sheet = workbook.active
    header = next(c.row for c in sheet["A"] if c.value and "Код" in str(c.value))
    sheet.cell(row=header + 1, column=3, value=SCRIPT)  # a number expected
    sheet.append([f"{IMG}", f"{SCRIPT}", HYPERLINK, MINUS, AT, CMD, "-5"])  # an organisation nobody knows
    out = io.BytesIO()
    workbook.save(out)
    response = client.post(
        reverse("contingent_upload"), {"year": 2025, "file": SimpleUploadedFile(f"{IMG}.xlsx", out.getvalue())}
    )
    assert response.status_code == 200, failure(response)
    html = response.content.decode()
    assert not raw_markup(html), raw_markup(html)[:1]
    assert escape(SCRIPT) in html or escape(IMG) in html, "the report quotes the file's cells"


def test_uploaded_outcomes_with_hostile_cells_are_reported_previewed_and_saved_inert(form_world):
    """The outcomes upload quotes a cell it cannot read, previews the mentees' names, and stores a comment
    that looks like a formula as the text it is."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from influence.models import MenteeOutcome
    from influence.outcome_upload import COLUMNS

    client = lenient_client(form_world.world, C1)
    school = form_world.world.school_a1
    mentee = form_world.pair.participations.get().mentee

    def send(*rows):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append([column.header for column in COLUMNS])
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # typed as text: a formula's look, not a formula
        out = io.BytesIO()
        workbook.save(out)
        upload = SimpleUploadedFile(f"{IMG}.xlsx", out.getvalue())
        return client.post(reverse("influence_outcome_upload"), {"organisation": school.pk, "file": upload})

    refused = send([SCRIPT, None, None, "2025/26", IMG], [mentee.full_name, mentee.birth_year, None, "2025/26", SCRIPT])
    assert refused.status_code == 200, failure(refused)
    html = refused.content.decode()
    assert not raw_markup(html), raw_markup(html)[:1]
    assert escape(SCRIPT) in html, "the report quotes the file's cells"
    assert not MenteeOutcome.objects.exists()

    preview = send([mentee.full_name, mentee.birth_year, None, "2025/26", "да", None, None, 4, 4.5, 1, None, HYPERLINK])
    html = preview.content.decode()
    assert not raw_markup(html), raw_markup(html)[:1]
    saved = client.post(
        reverse("influence_outcome_upload"), {"organisation": school.pk, "plan": preview.context["plan"]}
    )
    assert saved.status_code == 302, failure(saved)
    assert MenteeOutcome.objects.get().comment == HYPERLINK


def test_a_curator_is_invited_to_a_school_whose_name_holds_control_characters(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    """The invitation's subject quotes the school's short name; a line break typed into the name (the form
    takes it) must not stop the invitation with a 500 (BadHeaderError) — nor reach the mail's headers."""
    client = lenient_client(world, M)
    edit = reverse("organisation_edit", args=[world.school_a1.pk])
    data = initial_data(client.get(edit).context["form"])
    data["short_name"] = "МБОУ СОШ № 1\r\nBcc: evil@evil.example"
    response = client.post(edit, data)
    assert response.status_code == 302, failure(response)
    from django.core.mail import BadHeaderError

    try:
        with django_capture_on_commit_callbacks(execute=True):  # the invitation is sent once the request commits
            response = client.post(
                reverse("curator_invite", args=[world.school_a1.pk]),
                {
                    "last_name": "Петрова",
                    "first_name": "Анна",
                    "email": "new.curator@example.test",
                    "username": "new.curator",
                },
            )
    except BadHeaderError as error:  # in a request: a 500 after the curator's role is committed, and no mail
        pytest.fail(f"the invitation crashed: {error}")
    assert response.status_code == 302, failure(response)
    assert len(mailoutbox) == 1
    message = mailoutbox[0].message()
    # The subject is one line (an encoded header may still be folded by the mail library, which is not a break).
    assert "\n" not in mailoutbox[0].subject and "\r" not in mailoutbox[0].subject
    assert message["Bcc"] is None and mailoutbox[0].recipients() == ["new.curator@example.test"]


def test_a_text_pasted_from_word_does_not_break_the_exports(form_world):
    """A control character typed or pasted into a form (Word's manual line break is \\x0b; Django's forms
    refuse only NUL) must not stop the XLSX files made of that text from downloading."""
    client = lenient_client(form_world.world, M)
    pasted = "Олимпиадная математика\x0bи физика\x07"
    edits = [
        (reverse("person_edit", args=[form_world.person.pk]), "competencies"),
        (reverse("roadmap_item_edit", args=[form_world.item.pk]), "content"),
    ]
    for edit, name in edits:
        data = initial_data(client.get(edit).context["form"])
        data[name] = pasted
        response = client.post(edit, data)
        assert response.status_code == 302, f"{edit}: {failure(response)}"
    # Word's manual line break becomes a line break, the bell is dropped (common.forms.clean_text).
    assert Person.objects.get(pk=form_world.person.pk).competencies == "Олимпиадная математика\nи физика"
    problems = []
    for name, method, address, data in [
        ("base mentors", "post", reverse("export"), {"base": "mentors", "period": "all", "file_format": "xlsx"}),
        ("roadmap", "get", reverse("roadmap_export", args=[form_world.roadmap.pk]), {"format": "xlsx"}),
    ]:
        content_bytes, error = download(client, method, address, data)
        if content_bytes is None:
            problems.append(f"{name}: {error}")
    assert not problems, "\n".join(problems)
