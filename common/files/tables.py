"""A table to write: its layout (title, columns in order) and what gives its rows.

The exports of every app describe their files with these: `common/files/writers.py` writes any
`Table` as XLSX or PDF, so both formats come from the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    # Relative width in the PDF and XLSX (characters of a typical line).
    width: int = 16
    is_date: bool = False


@dataclass(frozen=True)
class Layout:
    """The title and the columns of a table, in order."""

    title: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


@dataclass(frozen=True)
class Percent:
    """A share in per cent (50 for a half), as a cell's value: a number in a % format in XLSX (0.5 shown
    «50,0 %»), the number in the PDF."""

    value: Decimal | int | float


@dataclass(frozen=True)
class Group:
    """Among a table's rows: a heading over the rows that follow, up to the next one (a school's name over its
    participants). The PDF shows it as a row across the table; the XLSX leaves it out, so that its columns
    stay the official ones under one filter."""

    title: str


class Table(Protocol):
    """What the writers read: a layout, the lines under its title, and the rows in column order
    (Python values: `date` for dates, numbers as numbers, `Percent` for a share, text as typed), perhaps
    with `Group` headings among them (`count` counts the rows alone)."""

    @property
    def form(self) -> Layout: ...

    def count(self) -> int: ...

    def title_lines(self) -> list[str]: ...

    def rows(self) -> Iterator[list | Group]: ...
