"""The long-table PDF renderer: chunks in worker processes, joined, numbered across the joins.

One chunked render (120 rows in chunks of at most 40 on two workers: four chunks of 30, a pool of
two workers) is shared by most tests; the rest render a few rows in this process. No database.
"""

import io
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader
from weasyprint.urls import URLFetcher

from common.pdf import TableDocument, column_widths, render_pdf, render_pdf_naive, url_fetcher
from common.pdf import page as pdf_page
from common.pdf import render as pdf_render
from exchange.official import MENTEES

STATIC = Path(settings.BASE_DIR) / "static"
FONT = STATIC / "fonts" / "dejavu" / "DejaVuSans.ttf"
HOSTILE = "<script>alert(1)</script> & «Ёлкин»"
IMAGE = '<img src="http://example.com/x.png">'


def _document(
    rows: int, *, extra: dict[int, dict[int, str]] | None = None, groups: dict[int, str] | None = None
) -> TableDocument:
    table = []
    for number in range(1, rows + 1):
        row = [
            str(number),
            f"Петров{number} Пётр Сергеевич",
            "2010",
            "Подготовка к олимпиаде по математике; развитие навыков публичного выступления.",
            "01.09.2025",
            "Ёлкина Анна Викторовна",
            "Учитель – ученик",
            "МБОУ СОШ № 1",
            "31.05.2026",
            "Призёр муниципального этапа олимпиады.",
            "https://school1.example/keys",
            "Прошёл",
        ]
        row[3:4] = [row[3] + ("\nВторая строка запроса" if number % 7 == 0 else "")]
        for index, text in (extra or {}).get(number, {}).items():
            row[index] = text
        table.append(row)
    return TableDocument(
        title="База наставляемых",
        subtitle_lines=["МБОУ СОШ № 1, Управление образования г. N", "Выгрузка на 23.11.2026"],
        headers=MENTEES.headers,
        widths=[column.width for column in MENTEES.columns],
        rows=table,
        groups=groups or {},
    )


def _flat(text: str) -> str:
    """Page text without whitespace and the hyphens WeasyPrint adds when it hyphenates a header."""
    return re.sub(r"[\s\u2010\u00ad]", "", text)


def _fonts(page) -> set[str]:
    fonts = page["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]) for font in fonts.values()}


GYMNASIUM, LYCEUM = "Гимназия № 5", "Лицей «Ёлочка» <b>&</b>"


@pytest.fixture(scope="module")
def chunked():
    """(document, pdf reader, progress calls) of one render through the pool: 4 chunks of 30 rows, in two
    groups (rows 1–45 and 46–120), so that three chunks start inside a group."""
    document = _document(
        120,
        extra={5: {3: HOSTILE, 9: IMAGE}, 77: {1: "Ёлкин-Заозёрный Фёдор"}},
        groups={0: GYMNASIUM, 45: LYCEUM},
    )
    calls = []
    pdf = render_pdf(document, workers=2, chunk_rows=40, progress=lambda done, total: calls.append((done, total)))
    stats = pdf_render.last_stats()
    assert (stats.chunks, stats.chunk_rows, stats.workers) == (4, 30, 2)  # the pool really ran
    return document, PdfReader(io.BytesIO(pdf)), calls


def test_page_numbers_count_across_the_joins(chunked):
    _document, reader, _calls = chunked
    total = len(reader.pages)
    assert total == pdf_render.last_stats().pages
    assert total > 3  # several pages a chunk, so that the joins are inside the numbering
    for number, page in enumerate(reader.pages, start=1):
        footers = re.findall(r"Стр\. (\d+) из (\d+)", page.extract_text())
        assert footers == [(str(number), str(total))], (number, footers)


def test_every_row_is_there_once_in_order(chunked):
    _document, reader, _calls = chunked
    text = _flat("".join(page.extract_text() for page in reader.pages))
    positions = [text.find(f"Петров{number}Пётр") for number in range(1, 121) if number != 77]
    assert -1 not in positions and positions == sorted(positions)
    assert "Ёлкин-ЗаозёрныйФёдор" in text
    assert text.count("Втораястроказапроса") == 120 // 7  # multi-line cells come out whole


def test_headers_on_every_page_and_the_title_on_the_first_only(chunked):
    document, reader, _calls = chunked
    for index, page in enumerate(reader.pages):
        text = _flat(page.extract_text())
        for header in document.headers:
            assert _flat(header) in text, (index, header)
        for title in [document.title, *document.subtitle_lines]:
            assert (_flat(title) in text) == (index == 0), (index, title)


def test_user_text_comes_out_literally(chunked):
    _document, reader, _calls = chunked
    text = _flat("".join(page.extract_text() for page in reader.pages))
    assert _flat(HOSTILE) in text
    assert _flat(IMAGE) in text
    assert "Ёлкина" in text


def test_a_chunk_starting_inside_a_group_opens_with_its_heading(chunked):
    _document, reader, _calls = chunked
    text = _flat("".join(page.extract_text() for page in reader.pages))
    row = {number: text.find(f"Петров{number}Пётр") for number in (1, 30, 31, 45, 46, 60, 61, 90, 91)}
    heading = lambda title: _flat(title) + "(продолжение)"  # noqa: E731
    assert text.find(_flat(GYMNASIUM)) < row[1]
    assert row[30] < text.find(heading(GYMNASIUM)) < row[31]
    assert row[45] < text.find(_flat(LYCEUM)) < row[46]
    continued = [index for index in range(len(text)) if text.startswith(heading(LYCEUM), index)]
    assert len(continued) == 2 and row[60] < continued[0] < row[61] and row[90] < continued[1] < row[91]
    assert text.count(_flat(GYMNASIUM)) == 2


def test_chunk_groups():
    groups = {0: "А", 45: "Б"}
    assert pdf_render.chunk_groups(groups, 0, 30) == {0: "А"}
    assert pdf_render.chunk_groups(groups, 30, 30) == {0: "А (продолжение)", 15: "Б"}
    assert pdf_render.chunk_groups(groups, 60, 30) == {0: "Б (продолжение)"}
    assert pdf_render.chunk_groups({}, 30, 30) == {}
    assert pdf_render.chunk_groups({30: "В"}, 30, 30) == {0: "В"}


def test_a_group_heading_never_ends_a_page():
    """A heading that would fall at a page's foot (here after row 14: eight rows a page) goes over with its first
    row."""
    document = _document(20, groups={0: GYMNASIUM, 14: LYCEUM})
    reader = PdfReader(io.BytesIO(render_pdf_naive(document)))
    last_lines = [
        [line for line in page.extract_text().splitlines() if line.strip() and not line.startswith("Стр.")][-1]
        for page in reader.pages
    ]
    assert len(last_lines) > 1 and not any(_flat(LYCEUM) in _flat(line) for line in last_lines), last_lines


def test_progress_reaches_the_total(chunked):
    _document, _reader, calls = chunked
    assert calls[-1] == (120, 120)
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)
    assert {total for _done, total in calls} == {120}


def test_only_the_bundled_font_is_embedded(chunked):
    _document, reader, _calls = chunked
    for page in reader.pages:
        fonts = _fonts(page)
        assert fonts and all(re.fullmatch(r"/[A-Z]{6}\+Registry-Sans(-Bold)?", name) for name in fonts), fonts
    assert any(name.endswith("+Registry-Sans") for name in _fonts(reader.pages[0]))


def test_a_small_table_renders_in_process(monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a small table needs no pool")

    monkeypatch.setattr(pdf_render, "ProcessPoolExecutor", no_pool)
    calls = []
    pdf = render_pdf(_document(5), chunk_rows=40, progress=lambda done, total: calls.append((done, total)))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert "Стр. 1 из 1" in reader.pages[0].extract_text()
    assert calls == [(5, 5)]


def test_naive_render_has_the_same_content():
    document = _document(12, extra={2: {3: HOSTILE}})
    reader = PdfReader(io.BytesIO(render_pdf_naive(document)))
    text = _flat("".join(page.extract_text() for page in reader.pages))
    assert _flat(document.title) in text and _flat(HOSTILE) in text
    assert f"Стр.1из{len(reader.pages)}" in text


def test_the_fetcher_refuses_anything_but_static_files():
    fetcher = url_fetcher()
    for url in [
        "http://example.com/x.png",
        "https://example.com/x.png",
        "ftp://example.com/x.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        (Path(settings.BASE_DIR) / "manage.py").as_uri(),
        STATIC.as_uri() + "/../manage.py",
        "file://example.com" + FONT.as_posix(),
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch(FONT.as_uri())
    try:
        assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
    finally:
        response.close()


def test_weasyprint_fetches_nothing_from_other_hosts(monkeypatch):
    """Even markup that is not escaped (the renderer escapes all user text) fetches nothing else."""
    fetched = []
    real_fetch = URLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    markup = (
        f'<style>@font-face {{ font-family: "Registry Sans"; src: url("{FONT.as_uri()}"); }}'
        f'body {{ font-family: "Registry Sans"; background: url("https://example.com/bg.png"); }}</style>'
        f'<p>Текст</p><img src="http://example.com/x.png"><img src="/etc/hostname">'
    )
    pdf_page.write(markup, STATIC)
    assert fetched == [FONT.as_uri()]  # only the font got through to the real fetcher
    fetched.clear()
    render_pdf_naive(_document(3, extra={1: {3: IMAGE}}))
    assert fetched and all(url.startswith(STATIC.as_uri() + "/fonts/") for url in fetched), fetched


def test_column_widths_keep_dates_on_one_line():
    document = _document(3)
    widths = column_widths(document)
    assert abs(sum(widths) - 100) < 1e-6
    date_width_pt = widths[4] / 100 * pdf_page._CONTENT_WIDTH_PT
    assert date_width_pt >= 10 * 0.636 * pdf_page._FONT_SIZE_PT  # ten digits of DejaVu Sans at 8 pt
    # the long-text columns stay the widest
    assert widths[3] == max(widths) or widths[9] == max(widths)


PARENT = """
import multiprocessing, os, time
from concurrent.futures import ProcessPoolExecutor
from common.pdf import render

pool = ProcessPoolExecutor(
    max_workers=2, mp_context=multiprocessing.get_context("spawn"),
    initializer=render._worker_setup, initargs=(os.getpid(),),
)
for _ in range(2):
    pool.submit(time.sleep, 120)
time.sleep(3)
print(" ".join(str(pid) for pid in pool._processes), flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_render_workers_die_with_the_process_that_started_them():
    """A job worker killed in a PDF export left its renderers (~90 MB each) alive for good."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, text=True
    )
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(pid) for pid in workers)
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers), "a render worker outlived its parent"
    finally:
        parent.kill()


def test_russian_words_are_hyphenated_and_headers_never_broken():
    """Body words break at Russian syllables with a hyphen («Профориента-ция»), never mid-letter without
    one; a header word is never broken («Желаемый», not «Же-лае-мый»)."""
    long_text = "Профориентационная работа с обучающимися; самоопределение"
    document = TableDocument(
        "База наставников",
        [],
        ["№", "Желаемый возраст наставляемых", "Основные компетенции наставника", "Интересы"],
        [2, 3, 3, 20],
        [["1", "10–14 лет", long_text, "Шахматы"]],
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(document))).pages)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert "Желаемый" in text and not any(line.startswith(("лае", "мый")) for line in lines)
    hyphens = "-\u00ad\u2010"  # WeasyPrint writes U+2010 HYPHEN
    broken = [line for line in lines if line[-1] in hyphens]
    assert broken, f"no word of the narrow column was hyphenated: {lines}"
    for line in broken:
        assert line.rstrip(hyphens)[-1].isalpha()
    joined = re.sub(f"[{hyphens}]\n\\s*", "", text)
    assert "Профориентационная" in joined and "самоопределение" in joined
