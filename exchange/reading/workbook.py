"""Reading an uploaded «База наставников» / «База наставляемых» workbook, safely.

The file-reading layer only: the importer (matching people, preview, saving) builds on it.

1. `check_upload` looks at the raw bytes before openpyxl sees them: size, the kind of file
   (an .xlsx is a zip with a workbook part; an old .xls and a password-protected .xlsx are OLE
   compound files), macros, a damaged archive, and a zip bomb judged by the sizes declared in
   the central directory (Python's zipfile never inflates a member past its declared size, so
   the declared sizes bound what openpyxl can unpack).
2. `read_form` opens the workbook with openpyxl (read-only, cached values instead of formulas;
   openpyxl parses the XML through defusedxml when it is installed), finds the sheet and the row
   carrying the form's headers, and returns the raw cell values of the data rows below it.

Every refusal is a `WorkbookError` whose `message` says, in Russian, what is wrong and how to
fix it, so the page can show it as it is.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO

import openpyxl
from openpyxl.utils import get_column_letter

from exchange.official import FORMS, Column, OfficialForm

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # data rows

# Zip-bomb limits, judged from the central directory before anything is unpacked.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # the ratio is only judged for entries larger than this

# Where the header row is looked for.
HEADER_SCAN_ROWS = 30
HEADER_SCAN_COLUMNS = 60

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")  # a member first; or an empty archive
ENCRYPTED_PACKAGE_MARK = "EncryptedPackage".encode("utf-16-le")

SAVE_AS_XLSX = "Сохраните файл в Excel как «Книга Excel (*.xlsx)» и загрузите его снова."

Data = bytes | bytearray | memoryview | IO[bytes]


class WorkbookError(Exception):
    """An uploaded file that cannot be read; `message` is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


# --- messages -------------------------------------------------------------------------------


def _size_text(size: int) -> str:
    for unit, name in ((1024 * 1024, "МБ"), (1024, "КБ")):
        if size >= unit:
            return f"{size / unit:.3g} {name}".replace(".", ",")
    return f"{size} байт"


def _too_big_message(max_bytes: int) -> str:
    return (
        f"Файл больше {_size_text(max_bytes)} — такой файл не принимается. Удалите из книги "
        "лишние листы, картинки и оформление или разделите таблицу на несколько файлов."
    )


EMPTY_FILE = "Файл пустой (0 байт). Выберите заполненный файл Excel .xlsx."

MACROS = (
    "Файлы с макросами (.xlsm) не принимаются. Сохраните файл в Excel как «Книга Excel "
    "(*.xlsx)» (макросы при этом не сохранятся) и загрузите его снова."
)
OLD_XLS = (
    "Файл в старом формате Excel 97–2003 (.xls) — пересохраните его как .xlsx: откройте файл "
    "в Excel и выберите «Файл → Сохранить как → Книга Excel (*.xlsx)»."
)
PASSWORD = (
    "Файл защищён паролем — снимите пароль и загрузите файл снова: в Excel откройте «Файл → "
    "Сведения → Защита книги → Зашифровать с использованием пароля», сотрите пароль и "
    "сохраните книгу."
)
CORRUPT = (
    "Файл повреждён или не является книгой Excel: его не удалось прочитать. Откройте файл в "
    "Excel, проверьте содержимое и сохраните его заново как «Книга Excel (*.xlsx)»."
)
ZIP_BOMB = (
    "Файл не принят: после распаковки в нём слишком много данных (больше "
    f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} МБ, больше {MAX_ZIP_ENTRIES} частей или "
    "подозрительно сильное сжатие). Скопируйте таблицу в новую книгу Excel и сохраните её как "
    "«Книга Excel (*.xlsx)»."
)


def _not_xlsx_message(filename: str) -> str:
    return f"Файл «{filename}» — не книга Excel в формате .xlsx. {SAVE_AS_XLSX}"


def _too_many_rows_message(max_rows: int) -> str:
    limit = f"{max_rows:,}".replace(",", " ")
    return (
        f"В файле больше {limit} строк с данными — столько не загружается за один раз. "
        "Разделите таблицу на несколько файлов и загрузите их по очереди."
    )


def _quoted(texts) -> str:
    return ", ".join(f"«{text}»" for text in texts)


# --- input ----------------------------------------------------------------------------------


def _read_bytes(data: Data, limit: int) -> bytes:
    """The upload's bytes, at most `limit` of them (enough to tell that a file is too big)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    position = None
    if hasattr(data, "seek"):
        try:
            position = data.tell()
            data.seek(0)
        except (OSError, ValueError):
            position = None
    content = data.read(limit)
    if position is not None:
        data.seek(position)
    if isinstance(content, str):  # a text-mode file: certainly not a workbook
        content = content.encode("utf-8", "replace")
    return bytes(content or b"")


# --- safety checks before openpyxl ----------------------------------------------------------


def _extension(filename: str) -> str:
    name = (filename or "").strip().lower()
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""


def _check_bytes(content: bytes, filename: str, max_bytes: int) -> None:
    if len(content) > max_bytes:
        raise WorkbookError(_too_big_message(max_bytes))
    if not content:
        raise WorkbookError(EMPTY_FILE)

    extension = _extension(filename)
    if content.startswith(OLE_SIGNATURE):
        # An OLE compound file: an old .xls, or an .xlsx encrypted with a password (its
        # EncryptionInfo / EncryptedPackage streams are named in UTF-16LE in the directory).
        if ENCRYPTED_PACKAGE_MARK in content:
            raise WorkbookError(PASSWORD)
        raise WorkbookError(OLD_XLS)
    if extension in (".xlsm", ".xltm"):
        raise WorkbookError(MACROS)
    if not content.startswith(ZIP_SIGNATURES):
        if extension == ".xls":
            # Not an OLE file, yet named .xls: usually HTML or text saved under that name.
            raise WorkbookError(OLD_XLS)
        raise WorkbookError(_not_xlsx_message(filename))
    if extension != ".xlsx":
        raise WorkbookError(_not_xlsx_message(filename))

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_archive(archive, filename)
    except WorkbookError:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, EOFError, NotImplementedError, …
        raise WorkbookError(CORRUPT) from exc


def declared_sizes_safe(entries: list[zipfile.ZipInfo]) -> bool:
    """A zip bomb judged before anything is unpacked: too many members, too much in all, or a member
    compressed suspiciously well (by the sizes the central directory declares). For any zip upload."""
    if len(entries) > MAX_ZIP_ENTRIES:
        return False
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        return False
    return not any(
        entry.file_size > RATIO_CHECK_MIN_BYTES
        and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )


def _check_archive(archive: zipfile.ZipFile, filename: str) -> None:
    entries = archive.infolist()
    if not declared_sizes_safe(entries):
        raise WorkbookError(ZIP_BOMB)
    if any(entry.flag_bits & 0x1 for entry in entries):
        # Zip-level encryption (not Excel's own, but refused the same way).
        raise WorkbookError(PASSWORD)

    names = {entry.filename.lower() for entry in entries}
    content_types = ""
    types_entry = next((e for e in entries if e.filename == "[Content_Types].xml"), None)
    if types_entry is not None:
        with archive.open(types_entry) as source:
            content_types = source.read(1024 * 1024).decode("utf-8", "replace").lower()
    if "xl/vbaproject.bin" in names or "macroenabled" in content_types:
        raise WorkbookError(MACROS)
    has_workbook = "xl/workbook.xml" in names or (
        "spreadsheetml.sheet.main+xml" in content_types or "spreadsheetml.template.main+xml" in content_types
    )
    if not has_workbook:
        raise WorkbookError(_not_xlsx_message(filename))


def check_upload(data: Data, filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse, with a `WorkbookError`, anything that is not a plain, sane .xlsx workbook.

    Runs before openpyxl opens the file: size, kind of file (by name and by content), password,
    macros, a damaged archive, a zip bomb. A damaged member (bad CRC) is only found when it is
    read, by `read_form`.
    """
    _check_bytes(_read_bytes(data, max_bytes + 1), filename, max_bytes)


# --- headers --------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_AROUND_PUNCTUATION = re.compile(r" ?([/()\-]) ?")
_EDGE_CHARACTERS = " .,:;*!?\"'«»“”„¹²³"
_NUMBER_HEADER = re.compile(r"(?:№|n|no|nº|#)? ?(?:п ?[/.\\]? ?п\.?)?")
NUMBER_HEADER = "№ п/п"


def normalise_header(text) -> str:
    """A header cell's text reduced for comparison: case, spaces, line breaks, ё, edge marks.

    «№», «№п/п», «N п/п», «№ п.п.» all become «№ п/п».
    """
    if text is None:
        return ""
    normalised = str(text).lower().replace("ё", "е")
    normalised = _SPACES.sub(" ", normalised)
    normalised = _DASHES.sub("-", normalised)
    normalised = _AROUND_PUNCTUATION.sub(r"\1", normalised)
    normalised = normalised.strip(_EDGE_CHARACTERS)
    if normalised and _NUMBER_HEADER.fullmatch(normalised):
        return NUMBER_HEADER
    return normalised


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
            if not anything and any(not _is_blank(value) for value in row):
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


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _is_numbering_row(row) -> bool:
    """A row of column numbers 1, 2, 3, … right under the header (as in the printed form)."""
    filled = [value for value in row if not _is_blank(value)]
    if len(filled) < 3:
        return False
    return [_as_integer(value) for value in filled] == list(range(1, len(filled) + 1))


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
            if _is_blank(value):
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
    content = _read_bytes(data, MAX_UPLOAD_BYTES + 1)
    _check_bytes(content, filename, MAX_UPLOAD_BYTES)
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
    content = _read_bytes(data, MAX_UPLOAD_BYTES + 1)
    _check_bytes(content, filename, MAX_UPLOAD_BYTES)
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


# --- dates ----------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
_FIRST_SERIAL = (date(1950, 1, 1) - _EXCEL_EPOCH).days
_LAST_SERIAL = (date(2100, 12, 31) - _EXCEL_EPOCH).days
_DOTTED = re.compile(r"(\d{1,2}) ?\. ?(\d{1,2}) ?\. ?(\d{4}|\d{2})(?: ?(?:г|года?)\.?)?")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def parse_date(value) -> date | None:
    """A date cell's value as a date: Excel dates, «дд.мм.гггг» (also «д.м.гггг», «дд.мм.гг»),
    ISO «гггг-мм-дд», an Excel serial number (1950–2100); None for an empty cell.

    Raises ValueError with a Russian message for anything else.
    """
    if _is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    error = ValueError(f"Не удалось прочитать дату «{value}»: ожидается дд.мм.гггг")
    if isinstance(value, bool):
        raise error
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or not _FIRST_SERIAL <= value < _LAST_SERIAL + 1:
            raise error
        return _EXCEL_EPOCH + timedelta(days=int(value))
    if not isinstance(value, str):
        raise error
    text = _SPACES.sub(" ", value).strip().lower()
    try:
        if match := _DOTTED.fullmatch(text):
            day, month, year = match.groups()
            full_year = int(year) + 2000 if len(year) == 2 else int(year)
            return date(full_year, int(month), int(day))
        if match := _ISO.fullmatch(text):
            year, month, day = match.groups()
            return date(int(year), int(month), int(day))
    except ValueError:
        raise error from None
    raise error
