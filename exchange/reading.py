"""Reading an uploaded «База наставников» / «База наставляемых», safely, in any ordinary shape.

The file-reading layer only: the importer (matching people, preview, saving) builds on it.

1. `check_upload` lets the raw bytes through the shared gate (`common/files/uploads.py`) before
   any parser sees them: size, the kind of file, password, macros, a damaged archive, a zip bomb.
2. `read_form` reads the spreadsheet — .xlsx, .xls, .ods or .csv — through one reader
   (`common/files/sheets.py`, python-calamine), finds the sheet and the row carrying the form's
   headers and returns the raw cell values of the data rows below it. Headers are recognised by
   meaning, not exact wording: punctuation, case, ё, «Ф.И.О.»/«Фамилия, имя, отчество», the
   other wordings schools use (exchange/official.py SYNONYMS), any order, no «№»; a name split over
   «Фамилия | Имя | Отчество» (in one header row, or under a merged «ФИО …» above) is joined; the
   headers of other columns are reported, not fatal.

Every refusal is a `WorkbookError` whose `message` says, in Russian, what is wrong and how to
fix it, so the page can show it as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from openpyxl.utils import get_column_letter

from common.files.cells import NUMBER_HEADER, as_integer, is_blank, normalise_header
from common.files.sheets import Sheet, read_sheets
from common.files.uploads import (
    MAX_UPLOAD_BYTES,
    SPREADSHEET,
    Data,
    UploadRefused,
    check_spreadsheet,
    corrupt_message,
    password_message,
)
from exchange.official import FORMS, NAME_PARTS, PERSON_COLUMNS, SYNONYMS, Column, Kind, OfficialForm

MAX_ROWS = 20_000  # data rows

# Where the header row is looked for.
HEADER_SCAN_ROWS = 60
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
    extra: list[str] = field(default_factory=list)  # headers of other columns, not read (reported)
    split: list[str] = field(default_factory=list)  # keys of names joined from «Фамилия | Имя | Отчество»
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (letter, header) of the columns not read


CORRUPT = corrupt_message(SPREADSHEET)
PASSWORD = password_message(SPREADSHEET)


def _too_many_rows_message(max_rows: int) -> str:
    limit = f"{max_rows:,}".replace(",", " ")
    return (
        f"В файле больше {limit} строк с данными — столько не загружается за один раз. "
        "Разделите таблицу на несколько файлов и загрузите их по очереди."
    )


def _quoted(texts) -> str:
    return ", ".join(f"«{text}»" for text in texts)


def check_upload(data: Data, filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse, with a `WorkbookError`, anything that is not a plain, sane spreadsheet (.xlsx, .xls, .ods, .csv).

    Runs before any parser opens the file: size, kind of file (by content), password, macros, a
    damaged archive, a zip bomb. A damaged member (bad CRC) is only found when it is read, by `read_form`.
    """
    check_spreadsheet(data, filename, max_bytes=max_bytes)


# --- headers --------------------------------------------------------------------------------


@dataclass
class _Match:
    sheet_index: int
    sheet_name: str
    row: int
    columns: dict[str, int]  # column key -> 1-based column index
    exact: int
    # A name written over three columns: column key -> the 1-based columns of «Фамилия», «Имя», «Отчество».
    split: dict[str, tuple[int, ...]] = field(default_factory=dict)
    unknown: list[int] = field(default_factory=list)  # columns whose header is no column of the form

    @property
    def count(self) -> int:
        return len(self.columns)

    def order(self):
        # More headers found, then a header of two rows read whole, more found exactly, the first sheet,
        # the upper row.
        return (self.count, bool(self.split), self.exact, -self.sheet_index, -self.row)


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


Known = tuple[tuple[str, str], ...]  # an organisation's own headers: (normalised header, column key)


@lru_cache(maxsize=512)  # a form and an organisation's own headers: a few hundred at most
def _wordings(kind: Kind, known: Known = ()) -> list[tuple[str, str, bool]]:
    """(column key, normalised wording, official) for every wording of every column of a form; the
    organisation's own headers (mapped by a user) first, as good as the official ones."""
    form = FORMS[kind]
    wordings = [(key, header, True) for header, key in known]
    wordings += [(column.key, normalise_header(column.header), True) for column in form.columns]
    for key, texts in SYNONYMS[kind].items():
        wordings += [(key, normalise_header(text), False) for text in texts]
    return wordings


def _match_headers(cells: list[tuple[int, str]], form: OfficialForm, known: Known = ()) -> tuple[dict[str, int], int]:
    """Assign header cells (column index, normalised text) to the form's columns, by meaning.

    Exact matches first (the official header, then its other wordings, exchange/official.py SYNONYMS);
    then a cell that contains a wording of several words as whole words («ФИО наставника
    (полностью)») takes the longest such wording still free, so «Место работы наставляемого» is never
    taken for «Место работы». A cell shorter than a wording never matches it.
    """
    wordings = _wordings(form.kind, known)
    found: dict[str, int] = {}
    used: set[int] = set()
    exact = 0
    for official in (True, False):
        for index, text in cells:
            if index in used:
                continue
            for key, wording, is_official in wordings:
                if is_official == official and key not in found and text == wording:
                    found[key] = index
                    used.add(index)
                    exact += official
                    break
    for index, text in cells:
        if index in used:
            continue
        candidates = [
            (len(wording), key)
            for key, wording, _ in wordings
            if key not in found and key != "number" and " " in wording and _contains(text, wording)
        ]
        if candidates:
            found[max(candidates)[1]] = index
            used.add(index)
    return found, exact


def _name_parts(cells: list[tuple[int, str]], form: OfficialForm, above: dict[int, str]) -> dict[str, tuple[int, ...]]:
    """Names split over «Фамилия | Имя | Отчество» columns: the person column each trio belongs to, by the
    words after the part («Фамилия наставника») or by a group header above it («ФИО наставника» over the
    three), else the form's own subject."""
    persons = PERSON_COLUMNS[form.kind]
    parts: dict[str, dict[str, int]] = {}
    for index, text in cells:
        part, _, rest = text.partition(" ")
        if part not in NAME_PARTS:
            continue
        key = persons.get(rest)
        if key is None and not rest:
            group = next((above[i] for i in range(index, 0, -1) if i in above), "")
            matched, _ = _match_headers([(index, group)], form) if group else ({}, 0)
            key = next((k for k in matched if k in persons.values()), persons[""])
        if key is not None:
            parts.setdefault(key, {}).setdefault(part, index)
    return {
        key: tuple(found[part] for part in NAME_PARTS if part in found)
        for key, found in parts.items()
        if "фамилия" in found and "имя" in found
    }


def _header_cells(row) -> list[tuple[int, str]]:
    cells = []
    for position, value in enumerate(row[:HEADER_SCAN_COLUMNS], start=1):
        if isinstance(value, str):
            text = normalise_header(value)
            if text:
                cells.append((position, text))
    return cells


def _match_row(cells, form, above, sheet_index, sheet_name, row_number, known: Known = ()) -> _Match | None:
    columns, exact = _match_headers(cells, form, known)
    split = _name_parts(cells, form, above)
    for key, indices in split.items():
        columns.setdefault(key, indices[0])
    if not columns:
        return None
    taken = set(columns.values()) | {index for indices in split.values() for index in indices}
    unknown = [index for index, text in cells if index not in taken and text != NUMBER_HEADER]
    return _Match(sheet_index, sheet_name, row_number, columns, exact, split, unknown)


@dataclass
class _Scan:
    best: dict[str, _Match | None]  # form kind -> best match over all sheets and rows
    anything: bool  # some cell in the scanned area is filled


def _scan(sheets: list[Sheet], forms, known: dict[Kind, Known] | None = None) -> _Scan:
    best: dict[str, _Match | None] = {form.kind: None for form in forms}
    anything = False
    for sheet_index, sheet in enumerate(sheets):
        previous: list[tuple[int, str]] = []
        for row_number, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS], start=1):
            cells = _header_cells(row)
            if not anything and any(not is_blank(value) for value in row):
                anything = True
            if not cells:
                previous = []
                continue
            above = dict(previous)
            for form in forms:
                own = (known or {}).get(form.kind, ())
                match = _match_row(cells, form, above, sheet_index, sheet.name, row_number, own)
                if match is None:
                    continue
                if match.split and previous:
                    # A header of two rows: «ФИО наставника» merged over «Фамилия | Имя | Отчество» below,
                    # the other headers merged down over both rows. The rows are read as one.
                    merged = sorted({**above, **dict(cells)}.items())
                    match = _match_row(merged, form, above, sheet_index, sheet.name, row_number, own) or match
                current = best[form.kind]
                if current is None or match.order() > current.order():
                    best[form.kind] = match
            previous = cells
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


def _read_rows(
    rows: list[list], header_row: int, columns: dict[str, int], split: dict[str, tuple[int, ...]], max_rows: int
) -> list[SheetRow]:
    read: list[SheetRow] = []
    first = True
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        if first:
            first = False
            if _is_numbering_row(row):
                continue
        values = {}
        filled = False
        for key, index in columns.items():
            if key in split:
                parts = [_cell(row, part) for part in split[key]]
                value = " ".join(str(part).strip() for part in parts if part is not None) or None
            else:
                value = _cell(row, index)
            if value is not None and key != "number":
                filled = True
            values[key] = value
        if not filled:  # blank, or only «№ п/п» filled in (a numbered, empty template row)
            continue
        if len(read) >= max_rows:
            raise WorkbookError(_too_many_rows_message(max_rows))
        read.append(SheetRow(number, values))
    return read


def _header_text(rows: list[list], header_row: int, index: int) -> str:
    """A header as written (a header of two rows: the lower cell, or the one above it)."""
    for number in (header_row, header_row - 1):
        value = _cell(rows[number - 1], index) if number >= 1 else None
        if isinstance(value, str):
            return " ".join(value.split())
    return ""


def _cell(row: list, index: int):
    value = row[index - 1] if index - 1 < len(row) else None
    return None if is_blank(value) else value


# --- public reading -------------------------------------------------------------------------


def _sheets(data: Data, filename: str) -> list[Sheet]:
    content, kind = check_spreadsheet(data, filename)
    try:
        return read_sheets(content, kind, password_message=PASSWORD)
    except WorkbookError:
        raise
    except Exception as exc:  # calamine/zip/XML/CSV errors on an untrusted file
        raise WorkbookError(CORRUPT) from exc


def read_form(
    data: Data, filename: str, form: OfficialForm, *, max_rows: int = MAX_ROWS, known: dict[str, str] | None = None
) -> ReadSheet:
    """The data rows of `form` in an uploaded spreadsheet; `WorkbookError` when it can't be read.

    The sheet and the header row are the ones that carry most of the form's headers (in the
    first rows), recognised by meaning; a name split over three columns is joined. A numbering
    row (1, 2, 3, …) right under the header, blank rows and rows where only «№ п/п» is filled are
    skipped. Values are the cells' raw values (cached values of formulas), None for empty cells.
    `known`: the organisation's own headers (normalised header → column key), read as official ones.
    """
    sheets = _sheets(data, filename)
    scan = _scan(sheets, _forms_for(form), {form.kind: tuple(sorted((known or {}).items()))})
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
    rows = _read_rows(sheets[match.sheet_index].rows, match.row, match.columns, match.split, max_rows)
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
        extra=[_header_text(sheets[match.sheet_index].rows, match.row, index) for index in match.unknown],
        unmatched=[
            (get_column_letter(index), _header_text(sheets[match.sheet_index].rows, match.row, index))
            for index in match.unknown
        ],
        split=list(match.split),
    )


def detect_form(data: Data, filename: str) -> OfficialForm | None:
    """Which official form's headers the spreadsheet carries (the better match), or None."""
    forms = list(FORMS.values())
    scan = _scan(_sheets(data, filename), forms)
    candidates = [
        (_fraction(scan.best[form.kind], form), scan.best[form.kind].count, form)
        for form in forms
        if scan.best[form.kind] is not None and scan.best[form.kind].count >= _required_count(form)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda candidate: candidate[:2])[2]
