"""Reading an uploaded «База наставников» / «База наставляемых» workbook, safely.

The file-reading layer only: the importer (matching people, preview, saving) builds on it.

1. `check_upload` lets the raw bytes through the shared gate (`common/files/uploads.py`) before
   openpyxl sees them: size, the kind of file, password, macros, a damaged archive, a zip bomb.
2. `read_form` opens the workbook with openpyxl (read-only, cached values instead of formulas;
   openpyxl parses the XML through defusedxml when it is installed), finds the sheet and the row
   carrying the form's headers, and returns the raw cell values of the data rows below it.

Every refusal is a `WorkbookError` whose `message` says, in Russian, what is wrong and how to
fix it, so the page can show it as it is.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import openpyxl
from openpyxl.utils import get_column_letter

from common.files.cells import as_integer, is_blank, normalise_header
from common.files.uploads import (
    MAX_UPLOAD_BYTES,
    WORKBOOK_CORRUPT,
    Data,
    UploadRefused,
    check_workbook,
)
from exchange.official import FORMS, Column, OfficialForm

MAX_ROWS = 20_000  # data rows

# Where the header row is looked for.
HEADER_SCAN_ROWS = 30
HEADER_SCAN_COLUMNS = 60

# Every refusal of the shared gate is a WorkbookError to the importer and its pages.
WorkbookError = UploadRefused


@dataclass
class SheetRow:
    number: int  # the Excel row number (1-based), for messages "строка 7"
    values: dict[str, object]  # column key -> raw cell value (None for empty); found keys only


@dataclass
class ReadSheet:
    form: OfficialForm
    sheet_name: str
    header_row: int
    columns: dict[str, str]  # column key -> Excel column letter (for messages "столбец D")
    missing: list[Column]  # official columns not found in the header
    rows: list[SheetRow] = field(default_factory=list)


CORRUPT = WORKBOOK_CORRUPT


def _too_many_rows_message(max_rows: int) -> str:
    limit = f"{max_rows:,}".replace(",", " ")
    return (
        f"В файле больше {limit} строк с данными — столько не загружается за один раз. "
        "Разделите таблицу на несколько файлов и загрузите их по очереди."
    )


def _quoted(texts) -> str:
    return ", ".join(f"«{text}»" for text in texts)


def check_upload(data: Data, filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse, with a `WorkbookError`, anything that is not a plain, sane .xlsx workbook.

    Runs before openpyxl opens the file: size, kind of file (by name and by content), password,
    macros, a damaged archive, a zip bomb. A damaged member (bad CRC) is only found when it is
    read, by `read_form`.
    """
    check_workbook(data, filename, max_bytes=max_bytes)


# --- headers --------------------------------------------------------------------------------


@dataclass
class _Match:
    sheet_index: int
    sheet_name: str
    row: int
    columns: dict[str, int]  # column key -> 1-based column index
    exact: int

    @property
    def count(self) -> int:
        return len(self.columns)

    def order(self):
        # More headers found, then more found exactly, then the first sheet, the upper row.
        return (self.count, self.exact, -self.sheet_index, -self.row)


def _required_count(form: OfficialForm) -> int:
    return max(3, math.ceil(len(form.columns) / 2))


def _fraction(match: _Match | None, form: OfficialForm) -> float:
    return match.count / len(form.columns) if match else 0.0


def _contains(text: str, header: str) -> bool:
    index = text.find(header)
    while index >= 0:
        before = text[index - 1] if index else " "
        after_index = index + len(header)
        after = text[after_index] if after_index < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        index = text.find(header, index + 1)
    return False


def _match_headers(cells: list[tuple[int, str]], form: OfficialForm) -> tuple[dict[str, int], int]:
    """Assign header cells (column index, normalised text) to the form's columns.

    Exact matches first; then a cell that contains an official header as whole words
    («ФИО наставника (полностью)») takes the longest such header still free, so «Место работы
    наставляемого» is never taken for «Место работы». A cell shorter than a header never
    matches it.
    """
    headers = [(column.key, normalise_header(column.header)) for column in form.columns]
    found: dict[str, int] = {}
    used: set[int] = set()
    for index, text in cells:
        for key, header in headers:
            if key not in found and text == header:
                found[key] = index
                used.add(index)
                break
    exact = len(found)
    for index, text in cells:
        if index in used:
            continue
        candidates = [
            (len(header), key)
            for key, header in headers
            if key not in found and key != "number" and _contains(text, header)
        ]
        if candidates:
            found[max(candidates)[1]] = index
            used.add(index)
    return found, exact


def _header_cells(row) -> list[tuple[int, str]]:
    cells = []
    for position, value in enumerate(row, start=1):
        if isinstance(value, str):
            text = normalise_header(value)
            if text:
                cells.append((position, text))
    return cells


@dataclass
class _Scan:
    best: dict[str, _Match | None]  # form kind -> best match over all sheets and rows
    anything: bool  # some cell in the scanned area is filled


def _scan(workbook, forms) -> _Scan:
    best: dict[str, _Match | None] = {form.kind: None for form in forms}
    anything = False
    for sheet_index, sheet in enumerate(workbook.worksheets):
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some writers record wrong dimensions; don't trust them
        rows = sheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, max_col=HEADER_SCAN_COLUMNS, values_only=True)
        for row_number, row in enumerate(rows, start=1):
            cells = _header_cells(row)
            if not anything and any(not is_blank(value) for value in row):
                anything = True
            if not cells:
                continue
            for form in forms:
                columns, exact = _match_headers(cells, form)
                if not columns:
                    continue
                match = _Match(sheet_index, sheet.title, row_number, columns, exact)
                current = best[form.kind]
                if current is None or match.order() > current.order():
                    best[form.kind] = match
    return _Scan(best, anything)


def _forms_for(form: OfficialForm) -> list[OfficialForm]:
    return [form] + [other for other in FORMS.values() if other.kind != form.kind]


def _wrong_form(form: OfficialForm, scan: _Scan) -> OfficialForm | None:
    """The other official form, when the file carries it clearly better than `form`."""
    own = _fraction(scan.best[form.kind], form)
    for other in FORMS.values():
        if other.kind == form.kind:
            continue
        match = scan.best.get(other.kind)
        if match and match.count >= _required_count(other) and _fraction(match, other) >= own + 0.2:
            return other
    return None


def _no_header_message(form: OfficialForm, match: _Match | None) -> str:
    expected = [column.header for column in form.columns if column.key != "number"]
    message = f"Не найдена строка заголовков «{form.title}»: ожидались столбцы {_quoted(expected)}. "
    if match is not None:
        message += (
            f"Лучше всего подошла строка {match.row} листа «{match.sheet_name}»: совпало "
            f"столбцов — {match.count} из {len(form.columns)}, нужно не меньше "
            f"{_required_count(form)}. "
        )
    return message + (
        f"Строка заголовков должна быть в первых {HEADER_SCAN_ROWS} строках листа, а названия "
        "столбцов — как в официальной форме."
    )


def _wrong_form_message(form: OfficialForm, other: OfficialForm) -> str:
    return (
        f"Похоже, это «{other.title}», а выбрана «{form.title}». Выберите при загрузке форму "
        f"«{other.title}» или загрузите файл с формой «{form.title}»."
    )


# --- data rows ------------------------------------------------------------------------------


def _is_numbering_row(row) -> bool:
    """A row of column numbers 1, 2, 3, … right under the header (as in the printed form)."""
    filled = [value for value in row if not is_blank(value)]
    if len(filled) < 3:
        return False
    return [as_integer(value) for value in filled] == list(range(1, len(filled) + 1))


def _read_rows(sheet, header_row: int, columns: dict[str, int], max_rows: int) -> list[SheetRow]:
    last_column = max(columns.values())
    rows: list[SheetRow] = []
    first = True
    iterator = sheet.iter_rows(min_row=header_row + 1, max_col=last_column, values_only=True)
    for number, row in enumerate(iterator, start=header_row + 1):
        if first:
            first = False
            if _is_numbering_row(row):
                continue
        values = {}
        filled = False
        for key, index in columns.items():
            value = row[index - 1] if index - 1 < len(row) else None
            if is_blank(value):
                value = None
            elif key != "number":
                filled = True
            values[key] = value
        if not filled:  # blank, or only «№ п/п» filled in (a numbered, empty template row)
            continue
        if len(rows) >= max_rows:
            raise WorkbookError(_too_many_rows_message(max_rows))
        rows.append(SheetRow(number, values))
    return rows


# --- public reading -------------------------------------------------------------------------


def _open(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)


def read_form(data: Data, filename: str, form: OfficialForm, *, max_rows: int = MAX_ROWS) -> ReadSheet:
    """The data rows of `form` in an uploaded workbook; `WorkbookError` when it can't be read.

    The sheet and the header row are the ones that carry most of the form's headers (in the
    first 30 rows). A numbering row (1, 2, 3, …) right under the header, blank rows and rows
    where only «№ п/п» is filled are skipped. Values are the cells' raw values (cached values
    of formulas), None for empty cells.
    """
    content = check_workbook(data, filename)
    workbook = None
    try:
        workbook = _open(content)
        scan = _scan(workbook, _forms_for(form))
        match = scan.best[form.kind]
        other = _wrong_form(form, scan)
        if other is not None:
            raise WorkbookError(_wrong_form_message(form, other))
        if match is None or match.count < _required_count(form):
            if not scan.anything:
                raise WorkbookError(
                    f"В файле нет данных: в первых {HEADER_SCAN_ROWS} строках ни одного листа "
                    f"не заполнено ни одной ячейки. Загрузите файл с таблицей «{form.title}»."
                )
            raise WorkbookError(_no_header_message(form, match))
        sheet = workbook.worksheets[match.sheet_index]
        rows = _read_rows(sheet, match.row, match.columns, max_rows)
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl/zip/XML errors on an untrusted file
        raise WorkbookError(CORRUPT) from exc
    finally:
        if workbook is not None:
            workbook.close()
    return ReadSheet(
        form=form,
        sheet_name=match.sheet_name,
        header_row=match.row,
        columns={
            column.key: get_column_letter(match.columns[column.key])
            for column in form.columns
            if column.key in match.columns
        },
        missing=[column for column in form.columns if column.key not in match.columns],
        rows=rows,
    )


def detect_form(data: Data, filename: str) -> OfficialForm | None:
    """Which official form's headers the workbook carries (the better match), or None."""
    content = check_workbook(data, filename)
    workbook = None
    try:
        workbook = _open(content)
        forms = list(FORMS.values())
        scan = _scan(workbook, forms)
    except Exception as exc:
        raise WorkbookError(CORRUPT) from exc
    finally:
        if workbook is not None:
            workbook.close()
    candidates = [
        (_fraction(scan.best[form.kind], form), scan.best[form.kind].count, form)
        for form in forms
        if scan.best[form.kind] is not None and scan.best[form.kind].count >= _required_count(form)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda candidate: candidate[:2])[2]
