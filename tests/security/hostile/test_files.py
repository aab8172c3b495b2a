"""Every file the app writes stores hostile text as text: no formula, no hyperlink, no script, in
reasonable CPU time."""

from __future__ import annotations

import io
import re
import signal
import time
import zipfile
from contextlib import contextmanager
from datetime import date, datetime

import openpyxl
from django.urls import reverse

from exchange.exports import BasesExporter
from jobs.models import Job, JobKind, JobStatus
from tests.security.hostile.seeding import (
    AT,
    CMD,
    FORMULA_STARTS,
    HYPERLINK,
    IMG,
    MINUS,
    SCRIPT,
    Formula,
    Hostile,
    M,
    download,
    failure,
    lenient_client,
    overlong_values,
    seed,
)

# --- Every file ------------------------------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_files(h: Hostile, file_format: str, capture) -> dict[str, tuple[bytes | None, str]]:
    """Every XLSX the app writes, downloaded the way users download it."""
    client = lenient_client(h.world, M)
    files = {}
    for base in ("mentors", "mentees"):
        files[f"base {base}"] = download(
            client, "post", reverse("export"), {"base": base, "period": "all", "file_format": file_format}
        )
    files["roadmap"] = download(client, "get", reverse("roadmap_export", args=[h.roadmap.pk]), {"format": file_format})
    files["indicator table"] = download(client, "get", reverse("indicators_export"), {"format": file_format})
    files["analytic report"] = download(client, "get", reverse("indicators_report"), {"format": file_format})
    if file_format == "xlsx":
        files["contingent template"] = download(client, "get", reverse("contingent_template"), {"year": h.today.year})
        files["subject extract"] = download(client, "post", reverse("person_extract", args=[h.student.pk]))
        # A large base is written by a background job: the same writer, through the job's file.
        original = dict(BasesExporter.background_after)
        BasesExporter.background_after["xlsx"] = 0
        try:
            with capture(execute=True):  # one school: its full name is in the job's title
                response = client.post(
                    reverse("export"),
                    {
                        "base": "mentees",
                        "period": "all",
                        "file_format": "xlsx",
                        "organisations": [h.world.school_a1.pk],
                    },
                )
        finally:
            BasesExporter.background_after.update(original)
        job = Job.objects.filter(owner=h.world.methodist_a, kind=JobKind.EXPORT).exclude(pk=h.job.pk).first()
        if response.status_code != 302 or job is None:
            files["base mentees (background job)"] = (None, failure(response))
        elif job.status != JobStatus.DONE:
            files["base mentees (background job)"] = (None, f"job {job.get_status_display()}: {job.message}")
        else:
            files["base mentees (background job)"] = download(client, "get", reverse("job_download", args=[job.pk]))
    return files


def xlsx_problems(name: str, data: bytes) -> list[str]:
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                xml = archive.read(member).decode()
                if re.search(r"<f[ >]", xml):
                    problems.append(f"{name}: {member} holds a formula (<f>)")
            if "hyperlink" in member.lower() or member.endswith(".rels") and b"hyperlink" in archive.read(member):
                problems.append(f"{name}: {member} holds a hyperlink")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{name}: {sheet.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    problems.append(f"{where} is a formula: {str(cell.value)[:60]!r}")
                if cell.hyperlink is not None:
                    problems.append(f"{where} has a hyperlink to {cell.hyperlink.target!r}")
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not cell.quotePrefix:
                    problems.append(f"{where} starts like a formula without the quote prefix: {value[:40]!r}")
    return problems


def test_every_xlsx_stores_hostile_text_as_text(hostile_any, django_capture_on_commit_callbacks):
    """No formula and no hyperlink from user text in any XLSX; a text starting with = + - @ keeps Excel's
    quote prefix (common/files/writers.py); control characters, NUL and overlong texts do not break a file,
    and what the app writes of them (a job's title, the access log) fits its columns."""
    problems = []
    files = export_files(hostile_any, "xlsx", django_capture_on_commit_callbacks)
    problems += overlong_values()
    for name, (data, error) in files.items():
        if data is None:
            problems.append(f"{name}: {error}")
            continue
        problems += xlsx_problems(name, data)
    assert not problems, "\n".join(problems[:40])


def test_formula_texts_reach_the_xlsx_as_typed(world, django_capture_on_commit_callbacks):
    """The texts are not dropped or rewritten to dodge the check above: each hostile start is in the files,
    as typed, with the quote prefix; the row numbers and years stay numbers."""
    hostile = seed(world, Formula())
    files = export_files(hostile, "xlsx", django_capture_on_commit_callbacks)
    data, error = files["base mentees"]
    assert data is not None, error
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = next(c.row for c in sheet["A"] if c.value == "№ п/п")
    rows = list(sheet.iter_rows(min_row=header + 1))  # the data rows (the title block: the test above)
    texts = [c for row in rows for c in row if isinstance(c.value, str)]
    for start in FORMULA_STARTS:
        quoted = [c for c in texts if c.value.startswith(start)]
        assert quoted, f"no text starting with {start!r} reached the file"
        assert all(c.quotePrefix and c.data_type == "s" for c in quoted), start
    name = f"{hostile.value(hostile.student, 'last_name')} {hostile.value(hostile.student, 'first_name')}"
    assert any(c.value.startswith(name) for c in texts), "the mentee's name is in the file as typed"
    numbers = [row[0] for row in rows if row[0].value is not None]
    years = [row[2] for row in rows if row[2].value is not None]
    assert numbers and all(c.data_type == "n" and isinstance(c.value, int) for c in numbers + years)


def test_the_xlsx_writer_keeps_numbers_numbers_and_quotes_texts_that_look_like_formulas():
    """common/files/writers.py types a cell by the exporter's value, not by how it looks: a negative number
    (an int, a Decimal, a float) stays a number; a text stays text, quote-prefixed when it starts like a
    formula («-2+3», «-5» typed into a text field), and a date stays a date."""
    from decimal import Decimal
    from types import SimpleNamespace

    from common.files.tables import Column, Layout
    from common.files.writers import write_xlsx

    values = [-5, Decimal("-2.5"), -0.5, MINUS, "-5", HYPERLINK, date(2025, 9, 1), "текст"]
    columns = tuple(Column(f"c{i}", f"Столбец {i}", 12) for i in range(len(values)))
    exporter = SimpleNamespace(
        form=Layout("Проверка", columns),
        params=SimpleNamespace(file_format="xlsx"),
        title_lines=lambda: ["Строка заголовка"],
        count=lambda: 1,
        rows=lambda: iter([values]),
    )
    out = io.BytesIO()
    write_xlsx(exporter, out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    row = next(r for r in sheet.iter_rows() if r[0].value == -5)
    assert [(c.data_type, bool(c.quotePrefix)) for c in row[:6]] == [
        ("n", False),
        ("n", False),
        ("n", False),
        ("s", True),
        ("s", True),
        ("s", True),
    ]
    assert [c.value for c in row[:6]] == [-5, -2.5, -0.5, MINUS, "-5", HYPERLINK]
    assert row[6].is_date and row[7].value == "текст" and not row[7].quotePrefix
    assert (row[6].value, row[6].number_format) == (datetime(2025, 9, 1), "DD.MM.YYYY")


def test_the_xlsx_writer_quotes_only_the_title_block_texts_that_look_like_formulas():
    """The title, the lines under it and the header are the users' texts too (a department's or a school's
    name): each one that starts like a formula is quote-prefixed text, and only that one; the data cells keep
    their look (dates дд.мм.гггг, shares in %, long texts wrapped, a text like a formula wrapped and quoted)."""
    from decimal import Decimal
    from types import SimpleNamespace

    from common.files.tables import Column, Layout, Percent
    from common.files.writers import write_xlsx

    columns = (
        Column("number", "№", 7),
        Column("formula", CMD, 24),
        Column("entered", "Дата", 12),
        Column("share", "Доля", 10),
        Column("note", "Примечание", 12),
    )
    rows = [
        [1, HYPERLINK, date(2025, 9, 1), Percent(Decimal("12.5")), "обычный"],
        [2, "длинный текст " * 5, datetime(2026, 1, 2, 3, 4), Percent(50), AT],
    ]
    exporter = SimpleNamespace(
        form=Layout(MINUS, columns),
        title_lines=lambda: ["МБОУ СОШ № 1", AT],
        count=lambda: len(rows),
        rows=lambda: iter(rows),
    )
    out = io.BytesIO()
    write_xlsx(exporter, out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    title, school, at = sheet["A1"], sheet["A2"], sheet["A3"]
    assert [(c.value, c.data_type, c.quotePrefix) for c in (title, school, at)] == [
        (MINUS, "s", True),
        ("МБОУ СОШ № 1", "s", False),
        (AT, "s", True),
    ]
    assert title.font.b and title.font.sz == 14 and school.font.i and at.font.i
    header = next(r for r in sheet.iter_rows() if r[0].value == "№")
    assert [c.value for c in header] == ["№", CMD, "Дата", "Доля", "Примечание"]
    assert [c.quotePrefix for c in header] == [False, True, False, False, False]
    assert all(c.font.b and c.border.left.style == "thin" for c in header)
    first, second = (list(r) for r in sheet.iter_rows(min_row=header[0].row + 1))
    assert (first[1].value, first[1].data_type, first[1].quotePrefix, first[1].alignment.wrap_text) == (
        HYPERLINK,
        "s",
        True,
        True,
    )
    assert [(c.value, c.number_format) for c in (first[2], second[2])] == [
        (datetime(2025, 9, 1), "DD.MM.YYYY"),
        (datetime(2026, 1, 2, 3, 4), "DD.MM.YYYY"),
    ]
    assert [(c.value, c.number_format) for c in (first[3], second[3])] == [(0.125, "0.0%"), (0.5, "0.0%")]
    assert not first[4].quotePrefix and first[4].number_format == "General" and not first[4].alignment.wrap_text
    assert (second[4].value, second[4].data_type, second[4].quotePrefix) == (AT, "s", True)
    assert second[1].alignment.wrap_text and not second[1].quotePrefix and second[1].data_type == "s"


def pdf_downloads(h: Hostile):
    """The PDFs one at a time, the quick ones first (so that a slow one is named and the others checked)."""
    client = lenient_client(h.world, M)
    yield "indicator table", lambda: download(client, "get", reverse("indicators_export"), {"format": "pdf"})
    yield "analytic report", lambda: download(client, "get", reverse("indicators_report"), {"format": "pdf"})
    yield "roadmap", lambda: download(client, "get", reverse("roadmap_export", args=[h.roadmap.pk]), {"format": "pdf"})
    order = reverse("paperwork_pair_order_download", args=[h.pair.organisation_id])
    yield "pair order", lambda: download(client, "post", order, {"pairs": h.pair.pk, "format": "pdf"})
    consent = reverse("paperwork_consent", args=[h.mentor.pk, "data"])
    yield "consent", lambda: download(client, "get", consent, {"format": "pdf"})
    for base in ("mentees", "mentors"):
        yield (
            f"base {base}",
            lambda base=base: download(
                client, "post", reverse("export"), {"base": base, "period": "all", "file_format": "pdf"}
            ),
        )


def pdf_problems(name: str, data: bytes, expected: list[str]) -> list[str]:
    from pypdf import PdfReader

    problems = []
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    for key in ("/OpenAction", "/AA"):
        if key in root:
            problems.append(f"{name}: the document has {key}")
    if "/Names" in root and "/JavaScript" in root["/Names"]:
        problems.append(f"{name}: the document has JavaScript")
    text = ""
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                action = action.get_object()
                problems.append(f"{name}: page {number} has a {action.get('/S')} action {action.get('/URI', '')!r}")
        text += page.extract_text() or ""
    squashed = re.sub(r"\s+", "", text)
    for shown in expected:
        if re.sub(r"\s+", "", shown) not in squashed:
            problems.append(f"{name}: the text {shown!r} is not in the PDF as text")
    return problems


# What each PDF shows of the markup world, literally (WeasyPrint would have parsed unescaped markup).
PDF_SHOWS = {
    "base mentors": [SCRIPT, IMG],
    "base mentees": [SCRIPT, IMG],
    "roadmap": [SCRIPT, IMG],
    "indicator table": [SCRIPT, IMG],
    "analytic report": [SCRIPT, IMG],
    "pair order": [SCRIPT, IMG],
    "consent": [SCRIPT, IMG],
}


# The five PDFs of the markup world take ≈4 s of CPU together; with the longest texts the forms take (a
# row is then several pages tall) a base of two rows took 100-440 s, and every PDF export of up to
# BasesExporter.background_after["pdf"] rows is written inside the web request (gunicorn timeout: 60 s). Past this many
# seconds of this process's CPU time (not wall time: other work on the machine does not count) the render
# is stopped and the test fails: a user's text must not make an export run for minutes.
PDF_CPU_SECONDS = 30


class TooSlow(BaseException):
    """Raised by the timer inside the render; a BaseException, so that no `except Exception` of the
    view or of WeasyPrint turns it into a 500 and renders on."""


@contextmanager
def cpu_deadline(seconds: float):
    def stop(signum, frame):
        raise TooSlow

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def test_every_pdf_renders_hostile_text_as_text(hostile):
    """Rendered without error and in reasonable time; the script text is in the PDF as text (WeasyPrint
    would have parsed it had it not been escaped); no link or script action is made of user text."""
    problems = []
    files = {}
    started = time.process_time()
    try:
        with cpu_deadline(PDF_CPU_SECONDS):
            for name, download_one in pdf_downloads(hostile):
                files[name] = download_one()
    except TooSlow:
        problems.append(
            f"the PDFs took over {PDF_CPU_SECONDS} s of CPU: done {', '.join(files) or 'none'}; "
            f"stopped while rendering «{name}» ({time.process_time() - started:.0f} s)"
        )
    for name, (data, error) in files.items():
        if data is None:
            problems.append(f"{name}: {error}")
            continue
        expected = PDF_SHOWS[name] if hostile.fill.payload.name == "markup" else []
        problems += pdf_problems(name, data, expected)
    assert not problems, "\n".join(problems)
