"""What reading a roadmap table gives: sections of items, as written, with notes on problems.

Also the limits and the one error every refusal raises. Pure data: no models, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FIELDS = ("number", "content", "deadline", "result", "indicator", "responsible")

MAX_ITEMS = 2_000
MAX_TEXT_CHARS = 500_000
MAX_COLUMNS = 60  # cells read from a row of a .docx or .xlsx table
MAX_SOURCE_ROWS = 20_000  # rows read from a .docx or .xlsx table


class RoadmapReadError(Exception):
    """A table that cannot be read; `message` (Russian) says what is wrong and how to fix it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    """One source row: a line of the paste, a table row of the .docx, a sheet row of the .xlsx.

    `cells` are the raw cell texts in column order. `merged_above` holds the positions of cells
    that continue a vertically merged cell of the row above (their text is not repeated).
    """

    number: int
    cells: list[str]
    merged_above: frozenset[int] = frozenset()


@dataclass
class DraftItem:
    number: str  # as written («1.1.», «2»), «» when missing
    content: str = ""
    deadline: str = ""
    result: str = ""
    indicator: str = ""
    responsible: str = ""
    rows: list[int] = field(default_factory=list)  # source row numbers it came from
    problems: list[str] = field(default_factory=list)  # Russian notes for the preview


@dataclass
class DraftSection:
    number: str  # «1.», «2», «» for items before any section row
    title: str
    items: list[DraftItem] = field(default_factory=list)


@dataclass
class DraftTable:
    sections: list[DraftSection]
    columns: dict[str, str]  # field -> the header text as found in the table
    skipped: list[int]  # source rows ignored: blank, repeated headers, junk, rows above the header
    # Proposed from the document's own title above the table («Дорожная карта … на 2022-2024 гг.»): the
    # roadmap's title and its period as written, «» when the document has none.
    title: str = ""
    period_text: str = ""
    source: str = ""  # what was read, for the page: «файл «приказ.docx»», «вставленная таблица»

    @property
    def items(self) -> list[DraftItem]:
        return [item for section in self.sections for item in section.items]
