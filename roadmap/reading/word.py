"""Tables of a .docx document as rows of cell strings, laid out on the table's grid.

- A cell's paragraphs and line breaks become "\\n"; tracked deletions are left out, tracked
  insertions kept; nested tables and text boxes are ignored.
- A merged cell gives its text once, at its first grid column: a horizontally merged cell
  (gridSpan) leaves the next columns empty, a vertically merged cell (vMerge) leaves the rows
  below empty and marks them in `Row.merged_above`.
- The roadmap is the first table with a recognisable header (`build.pick_table`); a following
  table of the same width, separated from it only by empty paragraphs and not starting with a
  header of its own (a table Word split in two), continues it. Rows are numbered 1, 2, … over
  the joined tables.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn

from roadmap.reading.build import TOO_MANY_ROWS, pick_table, table_header
from roadmap.reading.draft import MAX_COLUMNS, MAX_SOURCE_ROWS, RoadmapReadError, Row
from roadmap.reading.upload import CORRUPT

NO_TABLE = (
    "В документе Word нет таблицы. Дорожная карта должна быть таблицей со столбцами «№ п/п», "
    "«Содержание», «Сроки», «Ответственный»; если она набрана текстом, оформите её таблицей "
    "(«Вставка → Таблица → Преобразовать в таблицу») и загрузите снова."
)

W_P, W_TBL, W_TR, W_TC, W_SDT = (qn(tag) for tag in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt"))
W_R, W_T, W_TAB, W_BR, W_CR = (qn(tag) for tag in ("w:r", "w:t", "w:tab", "w:br", "w:cr"))
W_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")
# Containers whose runs are part of the text (links, tracked insertions, fields, controls…).
_RUN_CONTAINERS = {
    qn(tag) for tag in ("w:hyperlink", "w:ins", "w:moveTo", "w:smartTag", "w:fldSimple", "w:customXml")
} | {W_SDT, qn("w:sdtContent")}
_BLOCK_CONTAINERS = {W_SDT, qn("w:sdtContent"), qn("w:customXml")}


# --- text -----------------------------------------------------------------------------------


def _run_text(run) -> str:
    parts = []
    for child in run:
        if child.tag == W_T:
            parts.append(child.text or "")
        elif child.tag == W_TAB:
            parts.append(" ")
        elif child.tag in (W_BR, W_CR):
            parts.append("\n")
        elif child.tag == W_NO_BREAK_HYPHEN:
            parts.append("-")
    return "".join(parts)


def _paragraph_text(element) -> str:
    parts = []
    for child in element:
        if child.tag == W_R:
            parts.append(_run_text(child))
        elif child.tag in _RUN_CONTAINERS:
            parts.append(_paragraph_text(child))
    return "".join(parts)


def _blocks(element) -> Iterator:
    """Paragraphs and tables directly in a body or a cell, looking through content controls."""
    for child in element:
        if child.tag in (W_P, W_TBL):
            yield child
        elif child.tag in _BLOCK_CONTAINERS:
            yield from _blocks(child)


def _cell_text(tc) -> str:
    return "\n".join(_paragraph_text(block) for block in _blocks(tc) if block.tag == W_P)


# --- tables ---------------------------------------------------------------------------------


def _cells_of(tr) -> Iterator:
    for child in tr:
        if child.tag == W_TC:
            yield child
        elif child.tag in _BLOCK_CONTAINERS:
            yield from _cells_of(child)


def _span(value: int) -> int:
    return min(max(value, 1), MAX_COLUMNS)  # a forged gridSpan must not blow the row up


def _row(tr, number: int) -> Row:
    cells = [""] * min(tr.grid_before, MAX_COLUMNS)
    merged_above = set()
    for tc in _cells_of(tr):
        span = _span(tc.grid_span)
        if tc.vMerge == "continue":
            merged_above.update(range(len(cells), len(cells) + span))
            cells.append("")
        else:
            cells.append(_cell_text(tc))
        cells.extend([""] * (span - 1))
    cells = cells[:MAX_COLUMNS]
    return Row(number, cells, frozenset(position for position in merged_above if position < len(cells)))


def _table_rows(tbl, first_number: int = 1) -> list[Row]:
    """The table's rows, all as wide as the widest (so that no row looks short)."""
    rows = []
    for number, tr in enumerate(_trs(tbl), start=first_number):
        if number > MAX_SOURCE_ROWS:
            raise RoadmapReadError(TOO_MANY_ROWS)
        rows.append(_row(tr, number))
    grid = tbl.find(qn("w:tblGrid"))
    grid_width = len(grid.findall(qn("w:gridCol"))) if grid is not None else 0
    width = min(max([grid_width, *(len(row.cells) for row in rows)]), MAX_COLUMNS)
    for row in rows:
        row.cells.extend([""] * (width - len(row.cells)))
    return rows


def _trs(tbl) -> Iterator:
    for child in tbl:
        if child.tag == W_TR:
            yield child
        elif child.tag in _BLOCK_CONTAINERS:
            yield from _trs(child)


def _top_tables(body) -> list[tuple[object, bool]]:
    """Top-level tables in order, each with whether only empty paragraphs separate it from the
    table before."""
    tables = []
    text_between = True
    for block in _blocks(body):
        if block.tag == W_TBL:
            tables.append((block, not text_between))
            text_between = False
        elif _paragraph_text(block).strip():
            text_between = True
    return tables


def _continues(rows: list[Row], width: int, header_key: tuple) -> bool:
    if not rows or len(rows[0].cells) != width:
        return False
    own_header = table_header(rows[:1])
    return own_header is None or own_header.key == header_key


def docx_rows(content: bytes) -> list[Row]:
    """The rows of the roadmap table in a .docx (checked by `upload.check_upload` first)."""
    return docx_rows_and_lines(content)[0]


def docx_rows_and_lines(content: bytes) -> tuple[list[Row], list[str]]:
    """The rows of the roadmap table, and the document's own paragraphs (its title is among them)."""
    try:
        document = docx.Document(io.BytesIO(content))
        lines = [paragraph.text for paragraph in document.paragraphs[:200]]
        body = document.element.body
        tables = _top_tables(body)
        candidates = [_table_rows(tbl) for tbl, _ in tables]
    except RoadmapReadError:
        raise
    except Exception as exc:  # lxml, zip and python-docx errors on an untrusted file
        raise RoadmapReadError(CORRUPT) from exc
    chosen = pick_table(candidates)
    if chosen is None:
        raise RoadmapReadError(NO_TABLE)
    rows = candidates[chosen]
    header = table_header(rows)
    for (tbl, adjacent), following in zip(tables[chosen + 1 :], candidates[chosen + 1 :], strict=False):
        if header is None or not adjacent or not _continues(following, len(rows[0].cells), header.key):
            break
        rows = rows + _table_rows(tbl, first_number=len(rows) + 1)
    return rows, lines
