"""A table to write: its layout (title, columns in order) and what gives its rows.

The exports of every app describe their files with these: `common/files/writers.py` writes any
`Table` as XLSX or PDF, so both formats come from the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
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


class Table(Protocol):
    """What the writers read: a layout, the lines under its title, and the rows in column order
    (Python values: `date` for dates, numbers as numbers, text as typed)."""

    @property
    def form(self) -> Layout: ...

    def count(self) -> int: ...

    def title_lines(self) -> list[str]: ...

    def rows(self) -> Iterator[list]: ...
