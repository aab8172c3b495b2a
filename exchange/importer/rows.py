"""What the import keeps while it works: a row of the file, a person it names, a pair or group
and a mentee's place in it; the columns each base requires."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from exchange.official import Kind
from registry.models import MentoringFormat, MentoringPair, PairMentee, Person

BATCH = 1000  # rows per bulk query, names per IN (…) lookup

REQUIRED = {
    Kind.MENTEES: ("mentee", "mentor", "format", "entry_date"),
    Kind.MENTORS: ("mentor", "mentees", "format", "entry_date"),
}
EMPTY_HINTS = {
    "mentee": "впишите ФИО наставляемого: «Фамилия Имя Отчество».",
    "mentor": "впишите ФИО наставника: «Фамилия Имя Отчество».",
    "mentees": "впишите ФИО наставляемых, каждого с новой строки или через «;».",
    "format": "впишите форму наставничества, например «ученик – ученик».",
    "entry_date": "впишите дату в виде дд.мм.гггг, например 01.09.2025.",
}
# The column of the mentees' names, per base.
MENTEE_KEY = {Kind.MENTEES: "mentee", Kind.MENTORS: "mentees"}


@dataclass(eq=False)  # identity: an unsaved Person can't be hashed
class _Who:
    person: Person
    new: bool = False
    external: bool = False  # a new mentor from outside the department
    introduced: _Row | None = None  # the row that first named a new person
    refs: list[tuple[_Row, str]] = field(default_factory=list)  # (row, column key) naming them


@dataclass(eq=False)
class _Row:
    number: int
    values: dict
    ok: bool = True
    fields: dict = field(default_factory=dict)
    mentor: _Who | None = None
    mentees: list[_Who] = field(default_factory=list)
    group: _Group | None = None
    members: list[_Member] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(eq=False)
class _Member:
    """One mentee in one pair: a participation (found or to be created)."""

    who: _Who
    row: _Row
    existing: PairMentee | None = None
    results: str = ""
    feedback_url: str = ""
    completion_mark: str = ""


@dataclass(eq=False)
class _Group:
    mentor: _Who
    format: MentoringFormat
    entry_date: date
    pair: MentoringPair | None = None  # found in the registry, else created
    new: bool = True
    rows: list[_Row] = field(default_factory=list)
    members: dict[_Who, _Member] = field(default_factory=dict)
    end_date: date | None = None
    end_row: _Row | None = None
    results: str = ""
    results_row: _Row | None = None
    feedback_url: str = ""
    feedback_row: _Row | None = None

    def usable_members(self) -> list[_Member]:
        return [member for member in self.members.values() if member.row.ok]


_AMBIGUOUS = object()


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]
