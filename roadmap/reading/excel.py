"""Sheets of an .xlsx workbook as rows of cell strings, numbered by the sheet's row numbers.

openpyxl reads the workbook read-only, with cached values instead of formulas. A merged cell
keeps its text in its top-left cell only (openpyxl gives None for the rest); rows below the top
of a vertical merge are marked in `Row.merged_above`, read from the sheet's <mergeCells>.
Numbers are written as Excel shows them without formatting («2», «1.1»), dates as дд.мм.гггг.
The roadmap is the first sheet with a recognisable header (`build.pick_table`).
"""

from __future__ import annotations

import io
from datetime import date, datetime, time

import openpyxl
from defusedxml.ElementTree import iterparse
from openpyxl.utils.cell import range_boundaries

from roadmap.reading.build import TOO_MANY_ROWS, pick_table
from roadmap.reading.draft import MAX_COLUMNS, MAX_SOURCE_ROWS, RoadmapReadError, Row
from roadmap.reading.upload import CORRUPT

_MERGE_CELL = "mergeCell"


def cell_text(value) -> str:
    """A cell's value as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y") if value.time() == time() else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "ИСТИНА" if value else "ЛОЖЬ"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    return str(value)


def _merged_above(workbook, sheet) -> dict[int, set[int]]:
    """Row number -> cell positions (0-based) that continue a vertical merge from above."""
    merged: dict[int, set[int]] = {}
    # openpyxl's read-only sheets do not parse <mergeCells>; read the part ourselves.
    try:
        source = workbook._archive.open(sheet._worksheet_path)
    except AttributeError:  # another openpyxl version: read without merges
        return merged
    with source:
        for _, element in iterparse(source, events=("end",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == _MERGE_CELL:
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                for row in range(min_row + 1, min(max_row, MAX_SOURCE_ROWS) + 1):
                    merged.setdefault(row, set()).update(range(min_col - 1, min(max_col, MAX_COLUMNS)))
            if tag in ("row", _MERGE_CELL):
                element.clear()
    return merged


def _sheet_rows(workbook, sheet) -> list[Row]:
    sheet.reset_dimensions()  # some writers record wrong dimensions; don't trust them
    merged = _merged_above(workbook, sheet)
    rows = []
    values = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
    for number, row in enumerate(values, start=1):
        cells = [cell_text(value) for value in row]
        if number > MAX_SOURCE_ROWS:
            if any(cells):
                raise RoadmapReadError(TOO_MANY_ROWS)
            continue  # formatted but empty rows far below the table
        if not any(cells):
            rows.append(Row(number, []))
            continue
        cells.extend([""] * (MAX_COLUMNS - len(cells)))
        rows.append(Row(number, cells, frozenset(merged.get(number, ()))))
    return rows


def xlsx_rows(content: bytes) -> list[Row]:
    """The rows of the roadmap sheet of an .xlsx (checked by `upload.check_upload` first)."""
    workbook = None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheets = [_sheet_rows(workbook, sheet) for sheet in workbook.worksheets]
    except RoadmapReadError:
        raise
    except Exception as exc:  # openpyxl, zip and XML errors on an untrusted file
        raise RoadmapReadError(CORRUPT) from exc
    finally:
        if workbook is not None:
            workbook.close()
    chosen = pick_table(sheets)
    return sheets[chosen] if chosen is not None else []
