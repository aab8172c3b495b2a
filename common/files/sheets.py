"""Any ordinary spreadsheet, read as sheets of rows of raw values: one reader for .xlsx, .xls, .ods and .csv.

The three workbook formats go through python-calamine (Rust's calamine: fast, and it reads what Excel
97–2003 and LibreOffice write); a CSV through the csv module, in UTF-8 (with or without its mark) or
Windows-1251, its delimiter guessed among «;», «,» and tab. The bytes have passed the gate first
(`common.files.uploads.check_spreadsheet`: size, kind, password, macros, zip bombs).

Every sheet is given from cell A1, so that a row's index + 1 is its row number in the program and a
value's index + 1 its column: messages say «строка 7, столбец D» as the user sees them. Empty cells
are None. A sheet whose filled area would be too big to hold (a stray cell far below or to the right)
is refused before it is read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from python_calamine import CalamineWorkbook, PasswordError

from common.files.uploads import CSV, UploadRefused

# A sheet's filled area, rows × columns, beyond which it is not read (a real base is far smaller).
MAX_CELLS = 3_000_000
_DELIMITERS = ";,\t"


@dataclass
class Sheet:
    name: str
    rows: list[list]  # from A1; None for an empty cell


def too_wide_message(sheet: str, rows: int, columns: int) -> str:
    return (
        f"На листе «{sheet}» заполнены ячейки далеко за пределами таблицы (до строки {rows}, столбца {columns}): "
        "удалите лишние строки и столбцы справа и снизу от таблицы, сохраните файл и загрузите его снова."
    )


ENCODING_MESSAGE = (
    "Текст файла CSV не читается ни в кодировке UTF-8, ни в Windows-1251. Откройте файл в Excel или LibreOffice "
    "и сохраните его как «CSV UTF-8» или как книгу Excel (.xlsx)."
)


def read_sheets(content: bytes, kind: str, *, password_message: str) -> list[Sheet]:
    """Every sheet of a spreadsheet that passed the gate. Raises UploadRefused (a password found only
    when reading, a sheet too big to hold) and, for a damaged file, whatever its parser raises."""
    if kind == CSV:
        return [Sheet("CSV", _csv_rows(content))]
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except PasswordError as error:
        raise UploadRefused(password_message) from error
    sheets = []
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        start, end = sheet.start, sheet.end
        if start is None or end is None:
            sheets.append(Sheet(name, []))
            continue
        if (end[0] - start[0] + 1) * (end[1] - start[1] + 1) > MAX_CELLS:
            raise UploadRefused(too_wide_message(name, end[0] + 1, end[1] + 1))
        # Only the filled area is read; it is put back at its place from A1.
        left = [None] * start[1]
        rows: list[list] = [[] for _ in range(start[0])]
        rows += [left + [None if value == "" else value for value in row] for row in sheet.to_python()]
        sheets.append(Sheet(name, rows))
    return sheets


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadRefused(ENCODING_MESSAGE)


def _csv_rows(content: bytes) -> list[list]:
    text = _decode(content)
    sample = text[:20_000]
    try:
        dialect: type[csv.Dialect] = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:  # one column, or too irregular to tell: the most frequent delimiter, «;» by default
        chosen = max(_DELIMITERS, key=sample.count) if any(d in sample for d in _DELIMITERS) else ";"
        dialect = type("Guessed", (csv.excel,), {"delimiter": chosen})
    rows = []
    for row in csv.reader(io.StringIO(text, newline=""), dialect):
        rows.append([value if value.strip() else None for value in row])
        if len(rows) * max(len(row), 1) > MAX_CELLS:
            raise UploadRefused(too_wide_message("CSV", len(rows), len(row)))
    return rows
