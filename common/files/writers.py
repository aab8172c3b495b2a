"""XLSX and PDF from a table's rows (`common/files/tables.py`): the same rows, two layouts.

XLSX is written with openpyxl in write-only mode (rows stream to a temporary file; memory does
not grow with the base): title block, a bold frozen header repeated on printed pages, column
widths from the official layout, wrapped text, dates as real dates shown дд.мм.гггг. Text that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) is stored
as text with Excel's quote prefix, so it shows as typed and never runs.

PDF goes through common/pdf/render.py (WeasyPrint, chunks rendered in parallel and joined).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from common.files.tables import Table
from common.pdf import TableDocument, render_pdf

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000
DATE_FORMAT = "DD.MM.YYYY"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# WeasyPrint's cost grows with the cells: past this a PDF takes many minutes. XLSX has no such limit.
PDF_MAX_ROWS = 20_000
WRAP_FROM_WIDTH = 20  # columns this wide (Column.width) hold long texts that wrap


class ExportTooLarge(Exception):
    """The chosen rows are too many for this format (Russian message)."""


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


# --- XLSX ------------------------------------------------------------------------------------------


class _Styles:
    """Each style is registered with the workbook once; cells share the registered style arrays."""

    def __init__(self, sheet) -> None:
        thin = Side(style="thin", color="999999")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        wrap = Alignment(wrap_text=True, vertical="top")
        self.sheet = sheet
        self._quoted = {}
        self.title = self._style(font=Font(bold=True, size=14))
        self.subtitle = self._style(font=Font(italic=True))
        self.header = self._style(
            font=Font(bold=True),
            alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"),
            border=border,
        )
        self.text = self._style(alignment=wrap)
        self.formula_like = self._style(alignment=wrap, quote_prefix=True)
        self.date = self._style(number_format=DATE_FORMAT)

    def quoted(self, style):
        """The same look with Excel's quote prefix (text that would otherwise run as a formula)."""
        if style is self.text or style is self.formula_like:
            return self.formula_like
        if style not in self._quoted:
            cell = WriteOnlyCell(self.sheet)
            cell._style = style
            cell.quotePrefix = True
            self._quoted[style] = cell._style
        return self._quoted[style]

    def _style(self, *, quote_prefix: bool = False, number_format: str | None = None, **attributes):
        cell = WriteOnlyCell(self.sheet)
        for name, value in attributes.items():
            setattr(cell, name, value)
        if number_format:
            cell.number_format = number_format
        if quote_prefix:
            cell.quotePrefix = True
        return cell._style

    def cell(self, value, style):
        cell = WriteOnlyCell(self.sheet, value)
        cell._style = style
        return cell


def xlsx_text(value: str) -> str:
    """Text a workbook can hold: control characters (pasted from Word, say) that XML forbids removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def set_text(cell, value: str) -> None:
    """Put text into an ordinary (not write-only) cell: control characters removed, never a formula."""
    value = xlsx_text(value)
    cell.value = value
    if value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # text, never a formula
        cell.quotePrefix = True


def _text_cell(styles: _Styles, value: str, style):
    """A cell of text in a given style, never a formula (see the module's note)."""
    value = xlsx_text(value)
    if value.startswith(FORMULA_STARTS):
        cell = styles.cell(value, styles.quoted(style))
        cell.data_type = "s"
        return cell
    return styles.cell(value, style)


def _data_cell(styles: _Styles, value, wrap: bool):
    """A styled cell for `value`, or the value itself where the default look will do (cheaper)."""
    if value is None or value == "":
        return None  # nothing written: Excel's grid shows the empty cell
    if isinstance(value, str):
        value = xlsx_text(value)
        if value.startswith(FORMULA_STARTS):
            cell = styles.cell(value, styles.formula_like)
            cell.data_type = "s"  # text, never a formula
            return cell
        return styles.cell(value, styles.text) if wrap or "\n" in value else value
    if isinstance(value, (date, datetime)):
        return styles.cell(value, styles.date)
    return value


def write_xlsx(table: Table, out: BinaryIO, progress: Progress | None = None) -> int:
    """Write the table as an .xlsx workbook to `out`; returns the number of data rows."""
    form = table.form
    total = table.count()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(form.title[:31])  # Excel refuses longer sheet names
    styles = _Styles(sheet)
    for index, column in enumerate(form.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width + 2
    lines = table.title_lines()
    header_row = len(lines) + 3  # title, the lines, a blank row, the header
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0

    # The title block names the department and organisations as users typed them: text, never formulas.
    sheet.append([_text_cell(styles, form.title, styles.title)])
    for line in lines:
        sheet.append([_text_cell(styles, line, styles.subtitle)])
    sheet.append([])
    sheet.append([_text_cell(styles, header, styles.header) for header in form.headers])
    written = 0
    _report(progress, 0, total)
    # Long texts wrap; short ones (names, dates, numbers) keep the default look, which costs
    # nothing per cell. Data cells have no borders: Excel shows its grid, and prints it (below).
    wraps = [column.width >= WRAP_FROM_WIDTH for column in form.columns]
    sheet.print_options.gridLines = True
    for row in table.rows():
        sheet.append([_data_cell(styles, value, wrap) for value, wrap in zip(row, wraps, strict=False)])
        written += 1
        if written % PROGRESS_EVERY == 0:
            _report(progress, min(written, total), total)
    workbook.save(out)
    _report(progress, total, total)
    return written


# --- XLSX of several small sheets (reports, a subject-request extract) --------------------------------

PERCENT_FORMAT = '0.0" %"'
COUNT_FORMAT = "#,##0"
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="ECECEC")
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
_WRAP = Alignment(wrap_text=True, vertical="top")


class Sheet:
    """A worksheet written row by row; text that a spreadsheet would run as a formula is stored as
    text (quote prefix), as the exports above do."""

    def __init__(self, workbook: Workbook, title: str, widths: list[float]) -> None:
        self.sheet = workbook.create_sheet(title)
        self.row = 1
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.page_setup.paperSize = "9"  # A4
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.page_setup.fitToWidth = 1
        self.sheet.page_setup.fitToHeight = 0

    def put(
        self,
        column: int,
        value,
        *,
        number_format: str | None = None,
        bold: bool = False,
        wrap: bool = False,
        header: bool = False,
        border: bool = False,
        size: int | None = None,
    ):
        cell = self.sheet.cell(row=self.row, column=column)
        if isinstance(value, str):
            set_text(cell, value)
        elif isinstance(value, Decimal):
            cell.value = (
                int(value) if value == value.to_integral_value() and number_format == COUNT_FORMAT else float(value)
            )
        else:
            cell.value = value
        if number_format:
            cell.number_format = number_format
        if header:
            cell.font, cell.fill, cell.alignment, cell.border = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGNMENT, _BORDER
        else:
            if bold or size:
                cell.font = Font(bold=bold, size=size or 11)
            if wrap:
                cell.alignment = _WRAP
            if border:
                cell.border = _BORDER
        return cell

    def line(self, *values, **style) -> None:
        for column, value in enumerate(values, start=1):
            if value is not None:
                self.put(column, value, **style)
        self.row += 1

    def merge_header(self, first: int, last: int, text: str) -> None:
        self.put(first, text, header=True)
        for column in range(first + 1, last + 1):
            self.put(column, None, header=True)
        if last > first:
            self.sheet.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=last)

    def tall(self, texts: list[tuple[int, str]]) -> None:
        """Room for wrapped texts in this row (Excel does not grow a row for a merged or new cell)."""
        lines = 1
        for column, text in texts:
            width = self.sheet.column_dimensions[get_column_letter(column)].width or 10
            lines = max(lines, math.ceil(len(text) * 1.1 / max(width, 1)))
        if lines > 1:
            self.sheet.row_dimensions[self.row].height = 15 * lines


# --- PDF -------------------------------------------------------------------------------------------


# A PDF cell shows at most this many characters: a table row must fit on a page, and WeasyPrint's
# layout time grows steeply with a cell's length (5 000 characters took minutes). The XLSX has it all.
PDF_CELL_CHARS = 1000


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value if len(value) <= PDF_CELL_CHARS else value[:PDF_CELL_CHARS].rstrip() + "… (полностью — в XLSX)"
    if isinstance(value, (date, datetime)):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, (Decimal, float)):
        text = str(value) if isinstance(value, Decimal) else f"{value:.15g}"
        return text.replace(".", ",")  # 42,5 as Russian readers write it
    return str(value)


def pdf_document(table: Table, rows: Iterable[list]) -> TableDocument:
    form = table.form
    return TableDocument(
        title=form.title,
        subtitle_lines=table.title_lines(),
        headers=form.headers,
        widths=[column.width for column in form.columns],
        rows=[[_text(value) for value in row] for row in rows],
    )


def check_size(file_format: str, rows: int) -> None:
    """Refuse (ExportTooLarge, Russian) a base too large for the format, before any work starts."""
    if file_format == "pdf" and rows > PDF_MAX_ROWS:
        raise ExportTooLarge(
            f"В выгрузке {rows:,} строк — для PDF это слишком много (не больше {PDF_MAX_ROWS:,}). ".replace(",", " ")
            + "Выберите формат Excel или сузьте отбор: организации, участники."
        )


def write_pdf(table: Table, out: BinaryIO, progress: Progress | None = None) -> int:
    """Write the table as a printable A4 landscape PDF to `out`; returns the number of data rows."""
    check_size("pdf", table.count())
    document = pdf_document(table, table.rows())
    out.write(render_pdf(document, progress=progress))
    return len(document.rows)


WRITERS = {"xlsx": write_xlsx, "pdf": write_pdf}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def write(table: Table, file_format: str, out: BinaryIO, progress: Progress | None = None) -> int:
    """Write the table in `file_format` ("xlsx" or "pdf") to `out`; returns the number of data rows."""
    return WRITERS[file_format](table, out, progress)
