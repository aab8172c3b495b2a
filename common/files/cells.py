"""Reading the cells of an uploaded table: header texts compared loosely, blank cells, numbers, dates, and
the problem found in a row (with its row, column and Russian message) that import reports list.

Shared by every reader of uploaded tables: the official bases, the contingent, the roadmap.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_SPACES = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_AROUND_PUNCTUATION = re.compile(r" ?([/()\-]) ?")
_EDGE_CHARACTERS = " .,:;*!?\"'«»“”„¹²³"
_NUMBER_HEADER = re.compile(r"(?:№ ?№?|nn?|no|nº|#)? ?(?:п ?[/.\\]? ?п\.?)?")
NUMBER_HEADER = "№ п/п"
# «Ф.И.О.», «Ф. И. О.», «ФИО», «Фамилия, имя, отчество (при наличии)»: one word, «фио».
_FIO = re.compile(
    r"(?<![а-я])ф ?\.? ?и ?\.? ?о(?![а-я])\.?"
    r"|фамилия,? имя,? (?:и )?отчество(?: ?\((?:последнее-)?при наличии\))?"
)
_INNER_MARKS = re.compile(r"[.,;:!?\"'«»“”„*]+")


def normalise_header(text) -> str:
    """A header cell's text reduced for comparison: case, spaces, line breaks, ё, punctuation, edge marks.

    «№», «№п/п», «N п/п», «NN п/п», «№ п.п.» all become «№ п/п»; «Ф.И.О», «Ф. И. О.» and «Фамилия, имя,
    отчество» become «фио»; other points and commas count as spaces.
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
    normalised = _FIO.sub("фио ", normalised)
    normalised = _INNER_MARKS.sub(" ", normalised)
    return _SPACES.sub(" ", normalised).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


# --- dates ----------------------------------------------------------------------------------------

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
    if is_blank(value):
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


# --- problems -------------------------------------------------------------------------------------


@dataclass
class Problem:
    row: int | None  # Excel row number, None for file-level problems
    column: str | None  # Excel column letter, e.g. "E"
    header: str | None  # official header of that column
    message: str  # Russian: what is wrong and how to fix it

    def as_text(self) -> str:
        if self.row is None:
            return self.message
        where = f"Строка {self.row}"
        if self.column:
            where += f", столбец {self.column}"
            if self.header:
                where += f" («{self.header}»)"
        return f"{where}: {self.message}"


def find_header(workbook, columns, *, rows: int, width: int, accepts) -> tuple[object, int, dict[str, int]] | None:
    """(sheet, header row, column key -> 1-based index) of the row, among the first `rows` of every sheet,
    that carries most of `columns` (each with a `key` and `matches(normalised text)`), if `accepts(found)`.
    Shared by the uploads that find their own header row (the contingent, the mentees' outcomes)."""
    best = None
    for sheet in workbook.worksheets:
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        for row_number, row in enumerate(
            sheet.iter_rows(min_row=1, max_row=rows, max_col=width, values_only=True), start=1
        ):
            found: dict[str, int] = {}
            for index, value in enumerate(row, start=1):
                if not isinstance(value, str):
                    continue
                text = normalise_header(value)
                for column in columns:
                    if column.key not in found and column.matches(text):
                        found[column.key] = index
                        break
            if accepts(found) and (best is None or len(found) > len(best[2])):
                best = (sheet, row_number, found)
    return best
