"""Pasted text: a table copied out of Word, Excel or a PDF, one line a row, tabs between cells.

Excel's clipboard quotes a cell with line breaks or quotes (`"line one\\nline two"`, `""` for a
quote): such text is parsed with the csv module. The text is split plainly by lines and tabs
instead when the quotes do not pair up (Russian text uses «» and may hold a stray `"`), or when
nothing in it needed quoting (no quoted line break, no `""`): Word and PDF copies are not
quoted, and a cell `"Точка роста"` keeps its quotes.
"""

from __future__ import annotations

import csv
import io

from roadmap.reading.draft import MAX_TEXT_CHARS, RoadmapReadError, Row

EMPTY_TEXT = (
    "Текст пустой. Скопируйте таблицу дорожной карты целиком — вместе со строкой заголовков — "
    "из Word, Excel или PDF и вставьте её сюда."
)
TOO_LONG = (
    f"Текст длиннее {MAX_TEXT_CHARS:,} символов — столько за один раз не загружается. "
    "Разделите дорожную карту на части и вставьте их по очереди или загрузите файл Word или Excel."
).replace(",", " ", 1)


def _lines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[1:] if text.startswith("\ufeff") else text


def _quoted_rows(text: str) -> list[Row] | None:
    """Rows parsed as Excel's clipboard writes them; None when the quotes do not pair up or
    nothing needed quoting."""
    if '"' not in text:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"', strict=True)
    rows = []
    first_line = 1
    try:
        for cells in reader:
            rows.append(Row(first_line, cells))
            first_line = reader.line_num + 1
    except csv.Error:
        return None
    quoted_line_break = any("\n" in cell for row in rows for cell in row.cells)
    return rows if quoted_line_break or '""' in text else None


def _plain_rows(text: str) -> list[Row]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the line break that ends the last line
    return [Row(number, line.split("\t")) for number, line in enumerate(lines, start=1)]


def paste_rows(text: str) -> list[Row]:
    """The pasted text as rows of cells, numbered by the line each row starts on."""
    if len(text) > MAX_TEXT_CHARS:
        raise RoadmapReadError(TOO_LONG)
    text = _lines(text)
    if not text.strip():
        raise RoadmapReadError(EMPTY_TEXT)
    rows = _quoted_rows(text)
    return rows if rows is not None else _plain_rows(text)
