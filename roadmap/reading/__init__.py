"""Reading an approved roadmap table (дорожная карта) into sections and items — pure, no models.

The table comes as a .docx, an .xlsx or pasted text (a table copied out of Word, Excel or a
PDF). Each source is reduced to rows of cell strings (`paste`, `word`, `excel`), and one
`build.build(rows)` applies the rules below. Every refusal is a `RoadmapReadError` whose
`message` says, in Russian, what is wrong and how to fix it.

Rules of `build`:

- Cells: NBSP and runs of spaces become one space, lines are stripped, empty lines dropped;
  the text is otherwise kept as written (case, typos). Line breaks inside a cell stay "\\n".
- Header: the row among the first 15 that names most fields by keywords (`header`), at least
  two. Without a deadline column or a content column the table is refused, naming the column
  to add. No header at all: refused, naming the expected headers. Rows above the header
  (a title) are skipped; a copy of the header further down (each PDF page repeats it), a row
  of column numbers «1 2 3 …», a page number of a PDF copy (a row holding only «2» or
  «- 2 -») and the end of header cells broken onto the next line («п/п», «(вид
  документа)») are skipped too.
- Skipped and listed in `DraftTable.skipped`: blank rows and junk rows (no letter or digit in
  any cell: «-- --- --»). Trailing blank rows are dropped without being listed.
- Section row: text in the first cell only (the other cells empty, or the row has a single
  cell — a line with no tabs). «1. Нормативно-правовое …» gives number «1.» and the title.
  Sub-sections (numbering restarting) are sections of their own: sections are flat. A text
  that starts with a small letter or «-»/«•» is not a section but the end of a broken cell
  (of the section title just above, or of the previous item's text).
- Continuation row (a row broken across a page): empty number and empty deadline, and the
  previous row read was an item. Each non-empty cell is appended to the previous item's field
  of the same column, after a space, or after a line break when it starts with «-»/«•». A row
  with text only in the content column is a continuation even if it starts with «2. …».
- Item row: any other row with text in a named column. Numbers are kept as written (they
  restart, or are missing); an unnumbered row with its own deadline is a new item. Items
  before any section row go into a section with number «» and title «».
- Short row (fewer cells than the header: a PDF copy drops empty cells): its cells map to the
  columns in order and its last cell to the last column. Cells beyond the header join the
  last column. Rows of .docx and .xlsx sit on the table's grid and are never short.
- Merged cells: a horizontally merged cell's text counts once, at its first column; a
  vertically merged cell's text is not repeated in the rows below, but those rows are not
  taken for continuations (their deadline or number is «in the merged cell»).
- Problems noted on items, for the preview: no content, no deadline, no responsible (when the
  table has that column), a deadline shared through a merged cell, a row much shorter than the
  header.
- Limits: 10 MB a file, 500 000 characters of pasted text, 2 000 items, 20 000 rows of a file
  table. A header without items: «Таблица пуста …».
"""

from __future__ import annotations

from typing import IO

from common.files.uploads import MAX_UPLOAD_BYTES
from common.files.uploads import read_bytes as _read_bytes
from roadmap.reading.build import build, propose_title
from roadmap.reading.draft import (
    FIELDS,
    MAX_ITEMS,
    MAX_TEXT_CHARS,
    DraftItem,
    DraftSection,
    DraftTable,
    RoadmapReadError,
    Row,
)
from roadmap.reading.excel import xlsx_rows
from roadmap.reading.paste import paste_rows
from roadmap.reading.upload import ACCEPTED, check_upload
from roadmap.reading.word import docx_rows, docx_rows_and_lines

__all__ = [
    "FIELDS",
    "MAX_ITEMS",
    "MAX_TEXT_CHARS",
    "MAX_UPLOAD_BYTES",
    "DraftItem",
    "DraftSection",
    "DraftTable",
    "RoadmapReadError",
    "Row",
    "build",
    "read_docx",
    "read_roadmap",
    "read_text",
    "read_xlsx",
]

Data = bytes | bytearray | memoryview | IO[bytes]


def read_text(text: str) -> DraftTable:
    """A pasted table: lines are rows, tabs separate cells (Excel-style quoting understood)."""
    return build(paste_rows(text))


def read_docx(data: Data, filename: str = "") -> DraftTable:
    """The roadmap table of a Word .docx document."""
    content = _read_bytes(data, MAX_UPLOAD_BYTES + 1)
    if check_upload(content, filename) != "docx":
        raise RoadmapReadError(_expected("документ Word (.docx)", filename))
    rows, lines = docx_rows_and_lines(content)
    draft = build(rows)
    if not draft.title:  # the title is a paragraph of the document, not a row of its table
        draft.title, draft.period_text = propose_title(lines)
    return draft


def read_xlsx(data: Data, filename: str = "") -> DraftTable:
    """The roadmap sheet of an Excel .xlsx workbook."""
    content = _read_bytes(data, MAX_UPLOAD_BYTES + 1)
    if check_upload(content, filename) != "xlsx":
        raise RoadmapReadError(_expected("книга Excel (.xlsx)", filename))
    return build(xlsx_rows(content))


def read_roadmap(data: Data | None = None, *, filename: str = "", text: str | None = None) -> DraftTable:
    """An uploaded file (kind decided by its bytes; the name is only quoted in messages) or a
    pasted text — exactly one of them."""
    if (data is None) == (text is None):
        raise ValueError("read_roadmap: pass exactly one of `data` and `text`")
    if text is not None:
        return read_text(text)
    content = _read_bytes(data, MAX_UPLOAD_BYTES + 1)
    kind = check_upload(content, filename)
    return build(docx_rows(content) if kind == "docx" else xlsx_rows(content))


def _expected(kind: str, filename: str) -> str:
    name = f" «{filename}»" if filename else ""
    return f"Здесь ожидается {kind}, а файл{name} — другого вида. {ACCEPTED}"
