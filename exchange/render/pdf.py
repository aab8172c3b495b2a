"""Render a long official table («База наставников», «База наставляемых») to PDF.

One WeasyPrint render of a long table is slow and memory hungry (≈110 s and 1.8 GB for 5,000
rows of the 12-column form on this 2-core machine) and its cost per row grows with the table.
So `render_pdf` cuts the rows into chunks, renders each chunk as a document of its own in
worker processes, and joins the chunks with pypdf:

- The pool is a "spawn" ProcessPoolExecutor: the caller may be a threaded web or task process,
  which must not be forked. A worker gets plain data (its rows, the column widths, the static
  folder's path), imports only this module, WeasyPrint and the standard library (no Django),
  and sends back the chunk's PDF bytes. Only the first chunk carries the title block; every
  chunk repeats the header row (thead as table-header-group), and each chunk starts a new page.
- The columns' widths are worked out once over all the rows (`column_widths`) and handed to
  every chunk, so that the columns line up across the joins.
- Page numbers: the chunks are rendered without them, as a chunk knows neither where it starts
  nor how many pages there will be. Once all are done, `_FooterStamper` writes «Стр. N из M» at
  the foot of every page, in the bundled font, as a few raw PDF text operators: ≈0.4 s for 1,400
  pages, where rendering M blank numbered pages with WeasyPrint and pypdf's merge_page took 7 s
  and 350 MB in the parent.
- In a worker (and only there) automatic garbage collection is off and runs once after each
  chunk (`_worker_setup`). Every render here, the naive one too, runs in a roomy frame-stack
  chunk (`_call_in_roomy_stack_chunk`): up to ≈20 % less CPU on CPython 3.11.

Measured with exchange.render.pdf_bench.compare (synthetic «База наставляемых», 2 cores, both
renders in the same run): 5,000 rows (≈1,430 pages) 37 s against 110-112 s for one render
(×2.9-3.0), the workers ≈110 MB each against 1.8 GB, the parent +50 MB; 1,000 rows 8.6 s against
16.6 s (×1.9). The speed-up is the cores (2, used at ≈95 %) times the CPU saved per row in the
workers: ≈14 ms a row there against ≈17 ms a row in one render of 1,000 rows and ≈22 ms in one
of 5,000 (a longer render has a bigger heap to collect and to walk).

`render_pdf_naive` is the same look in one single WeasyPrint render: the baseline of the bench,
and what `render_pdf` does itself for a table of one chunk.

Security: every text is HTML-escaped, and WeasyPrint fetches nothing but files under the
project's static folder (`StaticOnlyURLFetcher`): the bundled DejaVu fonts, nothing else.
"""

from __future__ import annotations

import functools
import gc
import html
import io
import multiprocessing
import os
import resource
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import URLFetcher

# Rows per chunk. Measured at 5,000 rows with 2 workers (pdf_bench): 100, 125, 160 and 250 rows a
# chunk all take 33-40 s and 64-76 CPU seconds in the workers, within this machine's noise
# (≈40 ms of fixed cost a chunk; the cost per row is flat from ~50 rows a document on).
# 125 rows (≈35 pages) keeps a worker near 110 MB (250 rows: ≈150 MB), leaves the second worker
# idle for at most ≈2 s at the end, splits a table of a few hundred rows over both workers, and
# moves the progress bar every ≈2 s. Smaller chunks add pages: each chunk's last page is partly
# empty (+0.3 page a chunk: 5,000 rows give 1,440 pages, 1,427 in one piece).
DEFAULT_CHUNK_ROWS = 125
DEFAULT_WORKERS = 2
# No max_tasks_per_child on the pool: on CPython 3.11 to 3.15.0b3 a pool with it deadlocks once a
# worker retires with tasks still queued (gh-115634: the retired worker is not replaced; seen
# here at 5,000 rows). A worker's memory stays flat from chunk to chunk anyway: it collects its
# garbage after each chunk (see `_render_chunk`), and its peak is that of its largest chunk.

FONT_FAMILY = "Registry Sans"
FOOTER_TEXT = '"Стр. " counter(page) " из " counter(pages)'


@dataclass
class TableDocument:
    title: str  # e.g. "База наставляемых"
    subtitle_lines: list[str]  # e.g. ["МБОУ СОШ № 1, Управление образования г. N", "Выгрузка на 23.11.2026"]
    headers: list[str]
    widths: list[int]  # relative column widths (Column.width)
    rows: Sequence[Sequence[str]]  # cell texts, already formatted; may contain newlines


# --- Fetching: only the project's static files -------------------------------------------------


class StaticOnlyURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that opens only `file://` URLs inside one folder.

    Anything else (http, https, ftp, data:, a file outside the folder, a `..` escape or a
    symlink leading out) raises, so WeasyPrint skips the resource with a warning.
    """

    def __init__(self, root: str | os.PathLike, **kwargs):
        super().__init__(allowed_protocols=("file",), **kwargs)
        self.root = Path(root).resolve()

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(url2pathname(parts.path)).resolve()
        return path.is_file() and path.is_relative_to(self.root)

    def fetch(self, url, headers=None):
        if not self.allows(url):
            raise ValueError(f"Refusing to fetch {url!r}: only files under {self.root} are allowed")
        return super().fetch(url, headers)


def static_root() -> Path:
    from django.conf import settings

    return Path(settings.BASE_DIR) / "static"


def url_fetcher() -> StaticOnlyURLFetcher:
    """The fetcher every render of this module uses: the project's static folder only."""
    return StaticOnlyURLFetcher(static_root())


# --- HTML ----------------------------------------------------------------------------------------


def _font_faces(static: Path) -> str:
    fonts = static / "fonts" / "dejavu"
    faces = [f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{(fonts / "DejaVuSans.ttf").as_uri()}"); }}']
    bold = fonts / "DejaVuSans-Bold.ttf"
    if bold.is_file():
        faces.append(f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: bold; src: url("{bold.as_uri()}"); }}')
    return "\n".join(faces)


# Page geometry, for the column widths: A4 landscape less the side margins, in pt.
_MM = 72 / 25.4
_PAGE_WIDTH_PT = 297 * _MM
_MARGIN_RIGHT_PT = 8 * _MM
_CONTENT_WIDTH_PT = _PAGE_WIDTH_PT - 2 * 8 * _MM
# The footer «Стр. N из M»: its size, and its baseline above the paper's bottom edge where
# WeasyPrint sets the @bottom-right box of an 11 mm bottom margin (the stamped footers match).
_FOOTER_FONT_PT = 7.5
_FOOTER_BASELINE_PT = 13.0
_FONT_SIZE_PT = 8
# Width of one character of DejaVu Sans in em: digits are 0.636, the Cyrillic alphabet averages
# about 0.62; a little more keeps a short token safely on one line.
_CHAR_EM = 0.66
_CELL_PADDING_PT = 4 + 1  # 2pt left and right, plus the borders
# A token (run without spaces) at most this long stays on one line: dates, years, row numbers,
# short words. Longer ones (URLs, long surnames) may break anywhere instead of widening a column.
_KEEP_WHOLE_CHARS = 12
# A header at most this long stays on one line («№ п/п»); longer ones are hyphenated.
_WHOLE_HEADER_CHARS = 6


# The page box is the same with and without the footer, so that the stamp pages fit the content.
_PAGE_CSS = """
@page { size: A4 landscape; margin: 8mm 8mm 11mm 8mm; }
"""
_FOOTER_CSS = f"""
@page {{
  @bottom-right {{
    content: {FOOTER_TEXT};
    font-family: "{FONT_FAMILY}"; font-size: {_FOOTER_FONT_PT}pt; vertical-align: middle;
  }}
}}
"""
_TABLE_CSS = f"""
html {{ font-family: "{FONT_FAMILY}"; font-size: {_FONT_SIZE_PT}pt; line-height: 1.2; }}
body {{ margin: 0; }}
.title {{ margin: 0 0 3mm 0; }}
.title h1 {{ font-size: 12pt; margin: 0 0 1mm 0; }}
.title p {{ margin: 0; font-size: 9pt; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
th, td {{
  border: 0.5pt solid #000; padding: 1pt 2pt; vertical-align: top; text-align: left;
  white-space: pre-line; overflow-wrap: anywhere; word-break: normal; hyphens: none;
}}
th {{ font-weight: bold; background: #ececec; vertical-align: middle; hyphens: auto; }}
"""


def _text(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@functools.cache
def _advances(font_file: str) -> dict[int, float]:
    """Advance widths in em of a TTF's characters, by code point."""
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    ttf = TTFont(font_file, lazy=True)
    hmtx, units = ttf["hmtx"], ttf["head"].unitsPerEm
    return {code: hmtx[name][0] / units for code, name in ttf.getBestCmap().items()}


def column_widths(document: TableDocument, static: Path | None = None) -> list[float]:
    """The columns' widths in % of the table: the relative `widths`, each widened if need be so
    that its longest short token (a date «23.11.2026», a year, a row number) fits on one line,
    and so does a short header («№ п/п») as a whole.

    Worked out once over all the rows and handed to every chunk, so that columns line up across
    the joins (the table layout is fixed: WeasyPrint does not measure the cells itself).
    """
    static = static_root() if static is None else static
    count = len(document.widths)
    longest = [0] * count
    for row in document.rows:
        for index, cell in enumerate(row[:count]):
            text = "" if cell is None else str(cell)
            if len(text) > longest[index] and longest[index] < _KEEP_WHOLE_CHARS:  # else no token can be longer
                token = max((len(word) for word in text.split()), default=0)
                longest[index] = max(longest[index], min(token, _KEEP_WHOLE_CHARS))
    minimum = [n * _CHAR_EM * _FONT_SIZE_PT + _CELL_PADDING_PT if n else 0 for n in longest]
    bold = static / "fonts" / "dejavu" / "DejaVuSans-Bold.ttf"
    advances = _advances(str(bold if bold.is_file() else static / "fonts" / "dejavu" / "DejaVuSans.ttf"))
    for index, header in enumerate(document.headers[:count]):
        if len(header) <= _WHOLE_HEADER_CHARS:
            width = sum(advances.get(ord(char), 1.0) for char in header) * _FONT_SIZE_PT + _CELL_PADDING_PT
            minimum[index] = max(minimum[index], width)
    total = sum(document.widths) or 1
    wanted = [_CONTENT_WIDTH_PT * width / total for width in document.widths]
    fixed: dict[int, float] = {}
    for _round in range(count):  # widen the narrow columns, take the room from the others
        free = [i for i in range(count) if i not in fixed]
        room = _CONTENT_WIDTH_PT - sum(fixed.values())
        share = sum(wanted[i] for i in free) or 1
        widths = {i: room * wanted[i] / share for i in free}
        narrow = {i: minimum[i] for i in free if widths[i] < minimum[i]}
        if not narrow or room <= sum(narrow.values()):
            fixed.update(widths)
            break
        fixed.update(narrow)
    return [100 * fixed[i] / _CONTENT_WIDTH_PT for i in range(count)]


def build_html(
    document: TableDocument,
    rows: Sequence[Sequence[str]],
    *,
    static: Path,
    title_block: bool,
    footer: bool,
    widths: Sequence[float] | None = None,
) -> str:
    """The HTML of `rows` in the layout of `document` (every text escaped).

    `widths` are the columns' widths in % (see `column_widths`); worked out from `document`
    if not given.
    """
    percent = column_widths(document, static) if widths is None else widths
    cols = "".join(f'<col style="width:{width:.3f}%">' for width in percent)
    head = "".join(f"<th>{_text(header)}</th>" for header in document.headers)
    body = "".join("<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in row) + "</tr>\n" for row in rows)
    title = ""
    if title_block:
        subtitle = "".join(f"<p>{_text(line)}</p>" for line in document.subtitle_lines)
        title = f'<div class="title"><h1>{_text(document.title)}</h1>{subtitle}</div>'
    return (
        f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{_text(document.title)}</title>'
        f"<style>{_font_faces(static)}{_PAGE_CSS}{_FOOTER_CSS if footer else ''}{_TABLE_CSS}</style></head>"
        f"<body>{title}<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>\n{body}</tbody></table></body></html>"
    )


def _write(markup: str, static: Path) -> tuple[bytes, int]:
    """Render `markup` with WeasyPrint (in a roomy frame-stack chunk); return (pdf bytes, pages)."""
    return _call_in_roomy_stack_chunk()(_write_here, (markup, static))


def _write_here(markup: str, static: Path) -> tuple[bytes, int]:
    rendered = HTML(string=markup, base_url=static.as_uri() + "/", url_fetcher=StaticOnlyURLFetcher(static)).render()
    return rendered.write_pdf(), len(rendered.pages)


def _peak_rss_mb() -> float:
    """This process's peak RSS in MB.

    On Linux VmHWM, the high-water mark of this address space: ru_maxrss is not right in a
    spawned child, as Linux carries it over across exec from the forked copy of the parent
    (so a worker of a 160 MB parent would show at least 160 MB).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# --- The worker side: plain data in, bytes out --------------------------------------------------

_IN_WORKER = False


def _worker_setup() -> None:
    """Pool initializer, in each worker process.

    WeasyPrint's layout makes millions of small objects; Python's automatic cycle collection
    keeps rescanning them and costs ≈20-25 % of a render (more on a long table: its heap is
    bigger). A worker is a process of its own that renders one bounded chunk at a time, so there
    it is safe to turn automatic collection off and collect once after each chunk instead
    (measured: 250 rows 4.4 → 3.3 s, peak +7 %; the memory stays flat over many chunks). Not in
    the caller's process: gc.disable() is process-wide.
    """
    global _IN_WORKER
    _IN_WORKER = True
    gc.freeze()  # what the imports made: never scanned again
    gc.disable()


class _Chunk(NamedTuple):
    pdf: bytes
    pages: int
    peak_mb: float  # the worker's peak RSS so far
    cpu_seconds: float  # the CPU time this chunk took in the worker


@functools.cache
def _call_in_roomy_stack_chunk() -> Callable:
    """A caller whose frame makes CPython start a 64 KiB chunk of its frame stack, with room for
    ≈5,000 more slots after it, in which the whole render then runs.

    CPython 3.11 keeps Python frames in 16 KiB chunks that it mmaps when the stack grows past a
    chunk's edge and munmaps as soon as it shrinks back. WeasyPrint's layout recursion goes up and
    down across such an edge all the time; where the edges fall depends on how deep the render
    starts, and in a spawned process (spawn_main → … → the render) they fell badly: 100-120k
    mmap/munmap pairs and as many page faults per 250 rows, ≈20 % of the CPU time (strace and
    getrusage, on this machine; one render of 1,000 rows: 21.0 s plain, 16.9 s this way). Every
    render of this module goes through it, the naive one too, so the bench compares like with
    like. A frame of S slots gets a chunk of 16 KiB × 2^k ≥ 8 × (S + 1000)
    bytes; S = 3,097 gives 64 KiB, so ≈40 KiB of stack is left for the render above it, more than
    it uses: no more edges, and the cost is one 64 KiB mmap a chunk. Harmless on other versions.
    """
    slots = 64 * 1024 // 8 // 2 - 1000 + 1  # just past 32 KiB with the overhead: a 64 KiB chunk
    names = ", ".join(f"_{index}" for index in range(slots))
    source = f"def call(fn, args):\n    if False:\n        {names} = (None,) * {slots}\n    return fn(*args)\n"
    namespace: dict = {}
    exec(compile(source, "<roomy stack chunk>", "exec"), namespace)  # local names only, no user input
    return namespace["call"]


def _render_chunk(document: TableDocument, widths: list[float], static: str, title_block: bool) -> _Chunk:
    """Render one chunk of rows without page numbers."""
    started = time.process_time()
    markup = build_html(
        document, document.rows, static=Path(static), title_block=title_block, footer=False, widths=widths
    )
    try:
        pdf, pages = _write(markup, Path(static))
    finally:
        if _IN_WORKER:
            gc.collect()
    return _Chunk(pdf, pages, _peak_rss_mb(), time.process_time() - started)


# --- The public API ------------------------------------------------------------------------------


@dataclass
class RenderStats:
    """What a `render_pdf` call measured (see `last_stats`; read by the bench)."""

    chunks: int = 0
    chunk_rows: int = 0
    workers: int = 0
    pages: int = 0
    child_peak_mb: float = 0.0  # the largest peak RSS any worker reported (0: no worker)
    worker_cpu_seconds: float = 0.0  # CPU time of all the chunks, added up
    chunk_cpu_seconds: tuple[float, ...] = ()  # CPU time of each chunk, in order
    join_seconds: float = 0.0  # joining the chunks and writing the page numbers, in this process


_stats = threading.local()


def last_stats() -> RenderStats:
    """What the last `render_pdf` call in this thread measured."""
    return getattr(_stats, "value", RenderStats())


def _check(document: TableDocument) -> None:
    if len(document.widths) != len(document.headers):
        raise ValueError(f"{len(document.headers)} headers but {len(document.widths)} widths")


def render_pdf_naive(document: TableDocument) -> bytes:
    """One WeasyPrint render of the whole table, page numbers included, in this process."""
    _check(document)
    static = static_root()
    pdf, _pages = _write(build_html(document, document.rows, static=static, title_block=True, footer=True), static)
    return pdf


def render_pdf(
    document: TableDocument,
    *,
    workers: int = DEFAULT_WORKERS,
    chunk_rows: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The table as a PDF: chunks of at most `chunk_rows` rows rendered in `workers` processes,
    joined. The rows are cut into equal chunks, as many as a multiple of `workers` (300 rows in
    chunks of at most 125 on 2 workers: 4 chunks of 75), so that no worker is left alone at the end.

    `progress(done_rows, total_rows)` is called in this thread as chunks finish; the last call is
    (total, total), just before the join (≈0.5 s for 5,000 rows). An exception from `progress`
    (a cancelled job, say) cancels the chunks not started yet and propagates. A table of at most
    one chunk renders in this process, with no pool, exactly as `render_pdf_naive`.
    Diagnostics of the call: `last_stats()`.
    """
    _check(document)
    static = static_root()
    rows = list(document.rows)
    total = len(rows)
    limit = max(1, chunk_rows or DEFAULT_CHUNK_ROWS)
    workers = max(1, workers)
    count = -(-total // limit)  # chunks of at most `limit` rows...
    if count > 1:
        count = -(-count // workers) * workers  # ...as many as keep every worker busy to the end
    size = max(1, -(-total // max(1, count)))  # ...and all the same size (give or take a row)
    slices = [rows[start : start + size] for start in range(0, total, size)] or [[]]

    if len(slices) == 1:
        pdf, pages = _write(build_html(document, rows, static=static, title_block=True, footer=True), static)
        _stats.value = RenderStats(chunks=1, chunk_rows=size, workers=0, pages=pages)
        if progress:
            progress(total, total)
        return pdf

    widths = column_widths(document, static)  # once for all: the columns line up across the joins
    results: list[_Chunk] = [None] * len(slices)  # type: ignore[list-item]
    done = 0
    workers = min(workers, len(slices))
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_setup
    ) as pool:
        pending = {}
        for index, chunk in enumerate(slices):
            part = TableDocument(
                document.title, list(document.subtitle_lines), list(document.headers), list(document.widths), chunk
            )
            pending[pool.submit(_render_chunk, part, widths, str(static), index == 0)] = index
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = pending.pop(future)
                    results[index] = future.result()
                    done += len(slices[index])
                    if progress:
                        progress(done, total)
        except BaseException:
            for future in pending:
                future.cancel()
            raise

    started = time.perf_counter()
    pdf = _join_and_number([result.pdf for result in results], static, document.title)
    _stats.value = RenderStats(
        chunks=len(slices),
        chunk_rows=size,
        workers=workers,
        pages=sum(result.pages for result in results),
        child_peak_mb=max(result.peak_mb for result in results),
        worker_cpu_seconds=sum(result.cpu_seconds for result in results),
        chunk_cpu_seconds=tuple(round(result.cpu_seconds, 2) for result in results),
        join_seconds=time.perf_counter() - started,
    )
    return pdf


def _join_and_number(parts: list[bytes], static: Path, title: str) -> bytes:
    """Concatenate the chunk PDFs and write «Стр. N из M» at the foot of every page."""
    from pypdf import PdfReader, PdfWriter

    readers = [PdfReader(io.BytesIO(part)) for part in parts]
    pages = sum(len(reader.pages) for reader in readers)
    writer = PdfWriter()
    stamper = _FooterStamper(writer, static)
    number = 0
    for reader in readers:
        for page in reader.pages:
            number += 1
            stamper.stamp(writer.add_page(page), f"Стр. {number} из {pages}")
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _FooterStamper:
    """Writes a footer line on finished pages as a few raw PDF text operators.

    Rendering M pages of footers with WeasyPrint and merging them page by page with pypdf costs
    ≈5 ms a page and a lot of memory in the parent (7 s and 350 MB for 1,400 pages); this costs
    well under a millisecond a page. The font comes from a one-line WeasyPrint render of every
    character the footers use, so it is the bundled font, embedded the way WeasyPrint does it:
    a Type 0 font with Identity-H encoding and the original glyph ids (WeasyPrint subsets with
    retained glyph ids), whose ToUnicode map keeps the text extractable. The glyph ids and
    advances for positioning come from the same TTF file (fontTools, a WeasyPrint dependency).

    The footer sits where WeasyPrint puts the @bottom-right margin box of `render_pdf_naive`:
    right-aligned to the page box's right margin, baseline 13 pt above the paper's bottom edge.
    """

    CHARACTERS = "Стр. 0123456789 из"
    FONT_NAME = "/RegistryFooter"

    def __init__(self, writer, static: Path):
        from fontTools.ttLib import TTFont
        from pypdf import PdfReader
        from pypdf.generic import DecodedStreamObject, NameObject

        self.writer = writer
        carrier_html = (
            f'<!doctype html><html><head><meta charset="utf-8"><style>{_font_faces(static)}{_PAGE_CSS}'
            f'html {{ font-family: "{FONT_FAMILY}"; }}</style></head><body><p>{self.CHARACTERS}</p></body></html>'
        )
        carrier, _pages = _write(carrier_html, static)
        fonts = PdfReader(io.BytesIO(carrier)).pages[0]["/Resources"]["/Font"]
        regular = [
            fonts.raw_get(key)
            for key, font in fonts.items()
            if str(font.get_object()["/BaseFont"]).endswith("+" + FONT_FAMILY.replace(" ", "-"))
        ]
        if len(regular) != 1:
            raise RuntimeError(f"Expected one embedded {FONT_FAMILY!r} font, found {list(fonts)}")
        self.font = regular[0].clone(writer)  # into the writer, once: every page refers to it

        ttf = TTFont(static / "fonts" / "dejavu" / "DejaVuSans.ttf", lazy=True)
        cmap, hmtx, units = ttf.getBestCmap(), ttf["hmtx"], ttf["head"].unitsPerEm
        self.glyphs = {
            char: (ttf.getGlyphID(cmap[ord(char)]), hmtx[cmap[ord(char)]][0] / units) for char in self.CHARACTERS
        }
        prefix = DecodedStreamObject()
        prefix.set_data(b"q\n")  # keeps the content's graphics state away from the footer
        self.prefix = writer._add_object(prefix)
        self._name = NameObject(self.FONT_NAME)

    def stamp(self, page, text: str) -> None:
        from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

        size = _FOOTER_FONT_PT
        width = sum(self.glyphs[char][1] for char in text) * size
        glyphs = "".join(f"{self.glyphs[char][0]:04x}" for char in text)
        x = _PAGE_WIDTH_PT - _MARGIN_RIGHT_PT - width
        footer = DecodedStreamObject()
        position = f"1 0 0 1 {x:.3f} {_FOOTER_BASELINE_PT:.3f} Tm"
        footer.set_data(f"Q\nq BT {self.FONT_NAME} {size:g} Tf {position} <{glyphs}> Tj ET Q\n".encode("ascii"))
        contents = page.raw_get("/Contents")
        contents = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([self.prefix, *contents, self.writer._add_object(footer)])

        resources = page["/Resources"].get_object()
        if "/Font" not in resources:
            resources[NameObject("/Font")] = DictionaryObject()
        resources["/Font"].get_object()[self._name] = self.font


# --- Documents other than tables (the analytic report) --------------------------------------------


def font_css() -> str:
    """The @font-face rules of the bundled font, for a template of its own («Registry Sans»)."""
    return _font_faces(static_root())


def render_html(markup: str) -> bytes:
    """A whole HTML document to PDF in one piece, with the same fetcher: nothing outside static/."""
    return _write(markup, static_root())[0]
