"""The page of every PDF the registry makes: the bundled font, the A4 landscape page, the table's HTML
and its column widths, and `write`: HTML to PDF bytes with WeasyPrint, fetching nothing but files
under the project's static folder (`StaticOnlyURLFetcher`).

Every render goes through `write`, in a roomy frame-stack chunk (`_call_in_roomy_stack_chunk`):
see common/pdf/render.py for the measurements.
"""

from __future__ import annotations

import functools
import html
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import URLFetcher

FONT_FAMILY = "Registry Sans"
FOOTER_TEXT = '"Стр. " counter(page) " из " counter(pages)'


@dataclass
class TableDocument:
    title: str  # e.g. "База наставляемых"
    subtitle_lines: list[str]  # e.g. ["МБОУ СОШ № 1, Управление образования г. N", "Выгрузка на 23.11.2026"]
    headers: list[str]
    widths: list[int]  # relative column widths (Column.width)
    rows: Sequence[Sequence[str]]  # cell texts, already formatted; may contain newlines
    # Group headings (a school's name): the index of the row a group starts at → its heading.
    groups: dict[int, str] = field(default_factory=dict)


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
# Headers a little smaller than the cells: whole words of a dozen narrow columns still fit (column_widths).
_HEADER_FONT_PT = 7
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
  white-space: pre-line; word-break: normal;
}}
/* Body words hyphenated by Russian rules (lang="ru": WeasyPrint's pyphen), a word broken without a hyphen
   only when even its syllables do not fit; a header never breaks inside a word (its column is widened
   to its longest word, column_widths). */
td {{ hyphens: auto; overflow-wrap: break-word; }}
td.unhyphenated {{ hyphens: none; overflow-wrap: anywhere; }}
th {{
  font-weight: bold; font-size: {_HEADER_FONT_PT}pt; background: #ececec; vertical-align: middle;
  hyphens: manual; overflow-wrap: normal;
}}
/* A group's heading (a school) across the table, kept with its first row. */
tr.group {{ break-after: avoid; }}
tr.group th {{ font-size: {_FONT_SIZE_PT}pt; text-align: left; background: #f6f6f6; padding: 2pt; }}
"""


def _text(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


# Hyphenating a «word» of hundreds of letters (a pasted link, a hash, garbage) costs WeasyPrint seconds;
# no Russian word is this long, so such a cell is only broken where it must be.
_LONGEST_HYPHENATED = 40


def _cell(value) -> str:
    text = "" if value is None else str(value)
    if any(len(word) > _LONGEST_HYPHENATED for word in text.split()):
        return f'<td class="unhyphenated">{_text(text)}</td>'
    return f"<td>{_text(text)}</td>"


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

    def bold_width(text: str) -> float:
        return sum(advances.get(ord(char), 1.0) for char in text) * _HEADER_FONT_PT + _CELL_PADDING_PT

    for index, header in enumerate(document.headers[:count]):
        # A short header on one line; a longer one with each word whole.
        whole = [header] if len(header) <= _WHOLE_HEADER_CHARS else header.split()
        minimum[index] = max(minimum[index], *(bold_width(word) for word in whole), 0)
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
    """The HTML of `rows` in the layout of `document` (every text escaped), a group's heading as a row
    across the table above the row it starts at (`document.groups`, by the index in `rows`).

    `widths` are the columns' widths in % (see `column_widths`); worked out from `document`
    if not given.
    """
    percent = column_widths(document, static) if widths is None else widths
    cols = "".join(f'<col style="width:{width:.3f}%">' for width in percent)
    head = "".join(f"<th>{_text(header)}</th>" for header in document.headers)
    lines = []
    for index, row in enumerate(rows):
        if index in document.groups:
            heading = _text(document.groups[index])
            lines.append(f'<tr class="group"><th colspan="{len(document.headers)}">{heading}</th></tr>\n')
        lines.append("<tr>" + "".join(_cell(cell) for cell in row) + "</tr>\n")
    body = "".join(lines)
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


def write(markup: str, static: Path) -> tuple[bytes, int]:
    """Render `markup` with WeasyPrint (in a roomy frame-stack chunk); return (pdf bytes, pages)."""
    return _call_in_roomy_stack_chunk()(_write_here, (markup, static))


def _write_here(markup: str, static: Path) -> tuple[bytes, int]:
    rendered = HTML(string=markup, base_url=static.as_uri() + "/", url_fetcher=StaticOnlyURLFetcher(static)).render()
    return rendered.write_pdf(), len(rendered.pages)


def font_css() -> str:
    """The @font-face rules of the bundled font, for a template of its own («Registry Sans»)."""
    return _font_faces(static_root())
