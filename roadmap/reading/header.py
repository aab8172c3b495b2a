"""Cell text clean-up and the header row: which column holds which field.

A header cell is recognised by keywords (case and ё ignored), tried in this order, so that
«Срок исполнения» is a deadline and «Ответственный исполнитель» is not a result:

- number: «№», «№ п/п», «N», «Номер …»;
- deadline: «Срок», «Сроки», «Срок реализации», «Сроки исполнения», «Дата …», «Период …»;
- indicator: «Показатели эффективности», «Показатель», «Индикатор», «Критерии …»;
- responsible: «Ответственный», «Ответственный исполнитель», «Ответственные», «Исполнитель»;
- result: «Ожидаемый результат (вид документа)», «Результат. Вид документа», «Итоговый документ»;
- stage: «Наименование этапа», «Этап» — each stage written becomes a section;
- content: «Содержание», «Мероприятие», «Наименование мероприятий», «Содержание мероприятия». A second
  content column («Мероприятия | Содержание деятельности») is kept too: its text joins the item's.

The header row is the row, anywhere in the document, that names the most fields (at least two,
in two cells); the upper one on a tie. A whole order pasted before its table (title, «п р и к а з
ы в а ю», signatures) is one cell a line: it never names two fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from common.files.cells import NUMBER_HEADER, normalise_header

MAX_HEADER_CELL_CHARS = 100  # longer cells are data, never headers

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x85]")
_SPACES = re.compile(r"[ \t\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")

_FIELD_KEYWORDS = (
    ("deadline", re.compile(r"\bсрок|\bдата\b|\bдаты\b|\bпериод")),
    ("indicator", re.compile(r"\bпоказател|\bиндикатор|\bэффективност|\bкритери")),
    ("responsible", re.compile(r"\bответствен|\bисполнител")),
    ("result", re.compile(r"\bрезультат|\bдокумент")),
    ("stage", re.compile(r"\bэтап")),
    ("content", re.compile(r"\bсодержани|\bмероприяти|\bнаименовани|\bназвани|\bдействи|\bзадач")),
)


def clean_cell(text) -> str:
    """A cell's text with whitespace normalised: NBSP and runs of spaces become one space, each
    line is stripped, empty lines dropped, line breaks kept as "\\n". Nothing else changes."""
    if not text:
        return ""
    text = _LINE_BREAKS.sub("\n", str(text).translate(_INVISIBLE))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def has_words(text: str) -> bool:
    """Whether the text has a letter or a digit (a cell of «--», «—», «...» has none)."""
    return bool(_LETTER_OR_DIGIT.search(text))


def _keyword_text(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\n", " ")).lower().replace("ё", "е").strip()


def header_field(text: str) -> str | None:
    """The field a header cell names, or None."""
    if not text or len(text) > MAX_HEADER_CELL_CHARS:
        return None
    lowered = _keyword_text(text)
    if normalise_header(text) == NUMBER_HEADER or lowered.startswith(("№", "номер")):
        return "number"
    for field_name, pattern in _FIELD_KEYWORDS:
        if pattern.search(lowered):
            return field_name
    return None


def header_key(cells: list[str]) -> tuple:
    """The row's non-empty cells, normalised, with their positions: a repeated header has the
    same key as the header."""
    return tuple((position, normalise_header(text)) for position, text in enumerate(cells) if text)


@dataclass
class Header:
    index: int  # position of the header row in the list of rows
    columns: dict[str, int]  # field -> cell position
    texts: dict[str, str]  # field -> header text as found
    width: int  # cells up to the last non-empty header cell
    key: tuple
    more_content: tuple[int, ...] = ()  # further content columns («Содержание деятельности» after «Мероприятия»)

    @property
    def complete(self) -> bool:
        return "content" in self.columns and "deadline" in self.columns


def match_header(cells: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """The fields a row names, each taken by the first cell that names it."""
    columns: dict[str, int] = {}
    texts: dict[str, str] = {}
    for position, text in enumerate(cells):
        field_name = header_field(text)
        if field_name and field_name not in columns:
            columns[field_name] = position
            texts[field_name] = text.replace("\n", " ")
    return columns, texts


def more_content(cells: list[str], columns: dict[str, int]) -> tuple[int, ...]:
    """The content columns after the first one."""
    first = columns.get("content")
    return tuple(
        position
        for position, text in enumerate(cells)
        if first is not None and position > first and header_field(text) == "content"
    )


def find_header(rows: list[list[str]]) -> Header | None:
    """The header among the rows (cleaned cells): the one naming most fields, at least 2."""
    best: Header | None = None
    for index, cells in enumerate(rows):
        columns, texts = match_header(cells)
        if len(columns) < 2 or (best is not None and len(columns) <= len(best.columns)):
            continue
        width = max(position for position, text in enumerate(cells) if text) + 1
        best = Header(index, columns, texts, width, header_key(cells), more_content(cells, columns))
    return best
