"""XLSX and PDF from a table's rows (`common/files/tables.py`): the same rows, two layouts.

XLSX is written with openpyxl in write-only mode (rows stream to a temporary file; memory does
not grow with the base): title block, a bold frozen header repeated on printed pages, a filter over
the table, column widths from the official layout, wrapped text in rows tall enough for it (Excel and
LibreOffice do not grow a row on opening a file), dates as real dates shown дд.мм.гггг, shares as
numbers in a % format; printed A4 landscape, fit to the page's width. Text that a spreadsheet would run
as a formula (starting with = + - @, a tab or a carriage return) is stored as text with Excel's quote
prefix, so it shows as typed and never runs. A group heading among the rows (`Group`) is left out.

PDF goes through common/pdf/render.py (WeasyPrint, chunks rendered in parallel and joined); a group
heading is a row across the table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO, NamedTuple

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import RowDimension

from common.files.tables import Group, Percent, Table
from common.pdf import TableDocument, render_pdf

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000
DATE_FORMAT = "DD.MM.YYYY"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32_767  # characters a cell holds (openpyxl cuts a text there too)
# WeasyPrint's cost grows with the cells: past this a PDF takes many minutes. XLSX has no such limit.
PDF_MAX_ROWS = 20_000
WRAP_FROM_WIDTH = 20  # columns this wide (Column.width) hold long texts that wrap
PERCENT_FORMAT = "0.0%"  # a share: 0.5 shown «50,0 %» in a Russian spreadsheet
COUNT_FORMAT = "#,##0"
# A row of wrapped text: this many points a line (Calibri 11, the default), at most Excel's highest row.
LINE_HEIGHT_PT = 15
MAX_ROW_HEIGHT_PT = 409


def text_lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` wide (Excel's unit: about a character):
    words wrap whole, a word longer than a line is cut."""
    per_line = max(int(width) - 1, 1)
    lines = 0
    for paragraph in text.split("\n"):
        if len(paragraph) <= per_line:
            lines += 1
            continue
        used = per_line  # the first word starts a line
        for word in paragraph.split():
            length = len(word)
            if used + 1 + length <= per_line:
                used += 1 + length
            else:
                lines += 1 + (length - 1) // per_line  # a word longer than a line takes more
                used = (length - 1) % per_line + 1
    return max(lines, 1)


def row_height(lines: int) -> float | None:
    """The height of a row of `lines` lines of text; None for one line (the default height)."""
    return min(lines * LINE_HEIGHT_PT, MAX_ROW_HEIGHT_PT) if lines > 1 else None


class ExportTooLarge(Exception):
    """The chosen rows are too many for this format (Russian message)."""


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


# --- XLSX ------------------------------------------------------------------------------------------


class _Styled(NamedTuple):
    """Among a row's values: a value in a style of its own, as openpyxl will write it (its `data_type`).
    `_Rows` makes it a cell as the row is written."""

    value: object
    style: StyleArray
    data_type: str


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
        self.percent = self._style(number_format=PERCENT_FORMAT)

    def quoted(self, style: StyleArray) -> StyleArray:
        """The same look with Excel's quote prefix (text that would otherwise run as a formula)."""
        if style is self.text or style is self.formula_like:
            return self.formula_like
        if style not in self._quoted:
            cell = WriteOnlyCell(self.sheet)
            cell._style = copy(style)  # setting a cell's style changes its array: the original stays as it is
            cell.quotePrefix = True
            self._quoted[style] = cell._style
        return self._quoted[style]

    def _style(self, *, quote_prefix: bool = False, number_format: str | None = None, **attributes) -> StyleArray:
        cell = WriteOnlyCell(self.sheet)
        for name, value in attributes.items():
            setattr(cell, name, value)
        if number_format:
            cell.number_format = number_format
        if quote_prefix:
            cell.quotePrefix = True
        return cell._style


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


def _text_cell(styles: _Styles, value: str, style: StyleArray) -> _Styled:
    """A text of the title block in a given style, never a formula (see the module's note). Typed as openpyxl
    types text: an error's name (#N/A) is an error."""
    value = xlsx_text(value)
    if value.startswith(FORMULA_STARTS):
        return _Styled(value[:MAX_TEXT], styles.quoted(style), "s")
    return _Styled(value[:MAX_TEXT], style, "e" if value in ERROR_CODES else "s")


def _data_cell(styles: _Styles, value, wrap: bool):
    """A styled value for `value`, or the value itself where the default look will do (cheaper)."""
    if value is None or value == "":
        return None  # nothing written: Excel's grid shows the empty cell
    if isinstance(value, str):
        value = xlsx_text(value)
        if value.startswith(FORMULA_STARTS):
            return _Styled(value[:MAX_TEXT], styles.formula_like, "s")  # text, never a formula
        if wrap or "\n" in value:
            return _Styled(value[:MAX_TEXT], styles.text, "e" if value in ERROR_CODES else "s")
        return value
    if isinstance(value, date):  # a datetime too
        return _Styled(value, styles.date, "d")
    if isinstance(value, Percent):
        return _Styled(float(value.value) / 100, styles.percent, "n")
    return value


def _lines(row: Sequence, widths: Sequence[float], one_line: Sequence[float]) -> int:
    """The lines the row's texts take: a text longer than `one_line` characters wraps, and every text
    wraps at its line breaks. Cheap: most cells are short, and are looked at no further."""
    lines = 1
    for value, width, limit in zip(row, widths, one_line):  # noqa: B905 (a row may be short)
        if type(value) is str and (len(value) > limit or "\n" in value):
            lines = max(lines, text_lines(value, width))
    return lines


class _Rows:
    """Appends rows to a write-only sheet, each as tall as its lines of text. A row's height is written with
    the row and forgotten then: memory does not grow with the rows. openpyxl's write-only sheet writes a row
    with the XML attributes its `row_dimensions` holds for it then; they are made once a height (a
    RowDimension's attributes as a dict: iterating a RowDimension for every row cost ≈3 % of a base).

    A row's values become cells here, not in openpyxl's `_values_to_row` (replaced on this sheet; openpyxl is
    pinned in pyproject.toml, and the tests read the files back): that one tries every value as a plain value
    first, and a styled cell fails it (a ValueError whose message formats the cell's address), then it makes a
    new blank cell after each styled one, and a styled cell has to be made beforehand besides: ≈ a third of
    the writer's time on a base. Here a plain value goes into one reused cell, as openpyxl does, and a
    `_Styled` into its column's own reused cell, its value and type set as openpyxl would have set them
    (`_data_cell`): a row is written before the next one is made, so a cell is free again by then."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet
        self.count = 0
        self._heights: dict[int, dict[str, str]] = {}
        self._plain = WriteOnlyCell(sheet)
        self._styled: dict[int, Cell] = {}
        sheet._values_to_row = self._cells

    def _cells(self, values: Iterable, row: int) -> Iterator[Cell]:
        styled = self._styled
        for column, value in enumerate(values, 1):
            if value is None:
                continue
            if type(value) is _Styled:
                cell = styled.get(column)
                if cell is None:
                    cell = styled[column] = WriteOnlyCell(self.sheet)
                cell._value, cell._style, cell.data_type = value
            else:
                cell = self._plain
                cell.value = value  # typed as openpyxl types it
            cell.column = column
            cell.row = row
            yield cell
            if cell is self._plain and cell.has_style:  # a value openpyxl gives a format of its own (a time)
                self._plain = WriteOnlyCell(self.sheet)

    def append(self, cells: list, lines: int = 1) -> None:
        self.count += 1
        if lines == 1:
            self.sheet.append(cells)
            return
        dimension = self._heights.get(lines)
        if dimension is None:
            dimension = self._heights[lines] = dict(RowDimension(self.sheet, ht=row_height(lines)))  # ht, customHeight
        self.sheet.row_dimensions[self.count] = dimension
        self.sheet.append(cells)
        del self.sheet.row_dimensions[self.count]


def write_xlsx(table: Table, out: BinaryIO, progress: Progress | None = None) -> int:
    """Write the table as an .xlsx workbook to `out`; returns the number of data rows."""
    form = table.form
    total = table.count()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(form.title[:31])  # Excel refuses longer sheet names
    styles = _Styles(sheet)
    widths = [column.width + 2 for column in form.columns]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
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
    rows = _Rows(sheet)
    rows.append([_text_cell(styles, form.title, styles.title)])
    for line in lines:
        rows.append([_text_cell(styles, line, styles.subtitle)])
    rows.append([])
    one_line: list[float] = [width - 1 for width in widths]  # characters a line holds (text_lines)
    rows.append(
        [_text_cell(styles, header, styles.header) for header in form.headers], _lines(form.headers, widths, one_line)
    )
    written = 0
    _report(progress, 0, total)
    # Long texts wrap; short ones (names, dates, numbers) keep the default look, which costs
    # nothing per cell. Data cells have no borders: Excel shows its grid, and prints it (below).
    wraps = [column.width >= WRAP_FROM_WIDTH for column in form.columns]
    # A text wraps in a wide column, and at its line breaks in any (see _data_cell).
    one_line = [limit if wrap else math.inf for limit, wrap in zip(one_line, wraps, strict=True)]
    sheet.print_options.gridLines = True
    for row in table.rows():
        if isinstance(row, Group):
            continue
        rows.append(
            [_data_cell(styles, value, wrap) for value, wrap in zip(row, wraps, strict=False)],
            _lines(row, widths, one_line),
        )
        written += 1
        if written % PROGRESS_EVERY == 0:
            _report(progress, min(written, total), total)
    last = get_column_letter(len(form.columns))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + written}"
    workbook.save(out)
    _report(progress, total, total)
    return written


# --- XLSX of several small sheets (reports, a subject-request extract) --------------------------------

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="ECECEC")
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
_WRAP = Alignment(wrap_text=True, vertical="top")


class Sheet:
    """A worksheet written row by row; text that a spreadsheet would run as a formula is stored as
    text (quote prefix), as the exports above do. A row grows to its wrapped texts; the sheet prints
    A4 landscape, fit to the page's width, its table's header repeated on every page (`table`)."""

    def __init__(self, workbook: Workbook, title: str, widths: Sequence[float]) -> None:
        self.sheet = workbook.create_sheet(title)
        self.row = 1
        self.widths = widths
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.page_setup.paperSize = "9"  # A4
        self.sheet.page_setup.orientation = "landscape"
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
        span: int = 1,
    ):
        """Write a cell of the current row; `span`: the columns a merged cell will take (for its height)."""
        cell = self.sheet.cell(row=self.row, column=column)
        if isinstance(value, str):
            set_text(cell, value)
            if wrap or header:
                self._fit(value, sum(self.widths[column - 1 : column - 1 + span]))
        elif isinstance(value, Percent):
            cell.value = float(value.value) / 100
            number_format = PERCENT_FORMAT
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

    def _fit(self, text: str, width: float) -> None:
        """Make the current row tall enough for `text` wrapped in `width` (Excel does not grow a row itself)."""
        height = row_height(text_lines(text, width or 10))
        dimension = self.sheet.row_dimensions[self.row]
        if height is not None and height > (dimension.height or 0):
            dimension.height = height

    def line(self, *values, **style) -> None:
        for column, value in enumerate(values, start=1):
            if value is not None:
                self.put(column, value, **style)
        self.row += 1

    def merge_header(self, first: int, last: int, text: str) -> None:
        self.put(first, text, header=True, span=last - first + 1)
        for column in range(first + 1, last + 1):
            self.put(column, None, header=True)
        if last > first:
            self.sheet.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=last)

    def table(self, header: int, columns: int, *, header_from: int | None = None, last: int | None = None) -> None:
        """The rows from `header_from` (or `header`) to `last` (or the row above the current one) are a table,
        headed by row `header`: its header rows repeat on every printed page and its columns get a filter.
        Excel keeps one filter a sheet: the sheet's first table has it."""
        if self.sheet.auto_filter.ref:
            return
        last = max(last or self.row - 1, header)
        self.sheet.print_title_rows = f"{header_from or header}:{header}"
        self.sheet.auto_filter.ref = f"A{header}:{get_column_letter(columns)}{last}"


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
    if isinstance(value, Percent):
        return _text(value.value)
    if isinstance(value, (Decimal, float)):
        text = str(value) if isinstance(value, Decimal) else f"{value:.15g}"
        return text.replace(".", ",")  # 42,5 as Russian readers write it
    return str(value)


def pdf_document(table: Table, rows: Iterable[list | Group]) -> TableDocument:
    """The table's texts for the PDF; a `Group` among the rows becomes the heading of the rows after it."""
    form = table.form
    texts: list[list[str]] = []
    groups: dict[int, str] = {}
    for row in rows:
        if isinstance(row, Group):
            groups[len(texts)] = row.title
        else:
            texts.append([_text(value) for value in row])
    return TableDocument(
        title=form.title,
        subtitle_lines=table.title_lines(),
        headers=form.headers,
        widths=[column.width for column in form.columns],
        rows=texts,
        groups=groups,
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
