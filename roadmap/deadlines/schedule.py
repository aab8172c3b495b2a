"""What a deadline reads as: the kind of schedule, the roadmap's period, a window, the times an item is
due (`Due`), and the parsed deadline. Data only: roadmap/deadlines/parse.py reads the texts."""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date

from django.db import models


class ScheduleKind(models.TextChoices):
    DUE = "due", "к сроку"
    RANGE = "range", "в период"
    YEARLY = "yearly", "ежегодно"
    TWICE_A_YEAR = "twice", "дважды в год"
    QUARTERLY = "quarterly", "ежеквартально"
    ACADEMIC_YEAR = "academic", "в течение учебного года"
    CONTINUOUS = "continuous", "постоянно"
    AS_NEEDED = "as_needed", "по необходимости"
    SEPARATE_PLAN = "plan", "по отдельному плану"
    AS_HELD = "as_held", "по мере проведения"
    EVENT = "event", "по событию или документу"
    UNKNOWN = "unknown", "не распознан"


K = ScheduleKind
_UNDATED = (K.CONTINUOUS, K.AS_NEEDED, K.SEPARATE_PLAN, K.AS_HELD)
MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
_ROMAN = ("I", "II", "III", "IV")
_PERIOD_HINT = "Укажите период как «2022», «2020–2021 учебный год» или «2022–2024 гг.»."
_NO_EMPTY = "Срок не указан."
_NO_BRACKETED = "В сроке только пояснение в скобках: укажите и сам срок, например «май ежегодно (в рамках ШМО)»."
_NO_YEAR = "В сроке не указан год, а период дорожной карты не задан: укажите год, например «май 2021»."
_UNREADABLE = (
    "Срок не распознан. Примеры понятных сроков: «до 11.09.2020», «сентябрь – декабрь 2020», "
    "«ежегодно, сентябрь», «постоянно», «по необходимости»."
)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _day(year: int, month: int, day: int) -> date:
    """The day, moved back to the month's last day when the month is shorter (29 February in a common year)."""
    return date(year, month, min(day, _last_day(year, month)))


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


# --- the public data ------------------------------------------------------------------------------------------


class PeriodError(ValueError):
    """A period text that cannot be read; ``message`` says in Russian what is expected."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Unreadable(PeriodError):
    """A deadline text that cannot be read (internal: ``parse_deadline`` turns it into UNKNOWN)."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str
    academic: bool

    @property
    def multi_year(self) -> bool:
        """Longer than one year: a calendar year, or one academic year (September to August)."""
        return self.end.year > self.start.year + (1 if self.academic else 0)


@dataclass(frozen=True)
class Window:
    """A part of every year. A window ending before it starts (November – February) crosses the new year and
    belongs to the year of its end. A one-day window (start = end) means «by that day»: no start is known.
    A whole month ends on its longest day (29 for February), moved back in the years where it is shorter."""

    start_month: int
    start_day: int
    end_month: int
    end_day: int

    @property
    def one_day(self) -> bool:
        return (self.start_month, self.start_day) == (self.end_month, self.end_day)

    @property
    def crosses_year(self) -> bool:
        return (self.start_month, self.start_day) > (self.end_month, self.end_day)

    def describe(self) -> str:
        if self.one_day:
            return f"до {self.end_day:02d}.{self.end_month:02d}"
        if self.start_day == 1 and self.end_day >= _last_day(2001, self.end_month):
            first, last = MONTHS[self.start_month - 1], MONTHS[self.end_month - 1]
            return first if first == last else f"{first} – {last}"
        return f"{self.start_day:02d}.{self.start_month:02d} – {self.end_day:02d}.{self.end_month:02d}"


@dataclass(frozen=True)
class Due:
    key: str
    label: str
    start: date | None
    due: date | None


@dataclass(frozen=True)
class Schedule:
    kind: str
    start: date | None = None
    due: date | None = None
    windows: tuple[Window, ...] = ()
    from_year: int | None = None
    note: str = ""

    def __post_init__(self):
        object.__setattr__(self, "kind", K(self.kind))  # a plain string is accepted, a wrong one refused

    @property
    def has_dates(self) -> bool:
        """False for what is never overdue: no date named, an event without a fallback date, unread text."""
        if self.kind == K.EVENT:
            return self.due is not None
        return self.kind not in _UNDATED and self.kind != K.UNKNOWN

    def occurrences(self, period: Period) -> list[Due]:
        """The times the item has to be done within the roadmap's period, in order of their due dates."""
        if self.kind in (K.YEARLY, K.TWICE_A_YEAR):
            return self._window_occurrences(period)
        if self.kind == K.QUARTERLY:
            result, year, quarter = [], period.start.year, (period.start.month - 1) // 3
            while (year, quarter) <= (period.end.year, (period.end.month - 1) // 3):
                result.append(
                    Due(
                        f"{year}-q{quarter + 1}",
                        f"{_ROMAN[quarter]} квартал {year}",
                        date(year, 3 * quarter + 1, 1),
                        _day(year, 3 * quarter + 3, 31),
                    )
                )
                year, quarter = (year, quarter + 1) if quarter < 3 else (year + 1, 0)
            return result
        if self.kind == K.ACADEMIC_YEAR:
            # One per academic year overlapping the period: 1 September to 31 May, the end of lessons
            # (the summer months carry no school work to be checked).
            first = period.start.year - (period.start.month < 9)
            last = period.end.year - (period.end.month < 9)
            return [
                Due(f"{year}-{year + 1}", f"{year}–{year + 1} уч. год", date(year, 9, 1), date(year + 1, 5, 31))
                for year in range(first, last + 1)
            ]
        return [Due("once", "", self.start, self.due)]

    def _window_occurrences(self, period: Period) -> list[Due]:
        """Each window in each year from ``from_year``; kept only when its due day falls within the period."""
        result = []
        for year in range(max(period.start.year, self.from_year or 0), period.end.year + 1):
            for window in self.windows or (Window(1, 1, 12, 31),):
                due = _day(year, window.end_month, window.end_day)
                if not period.start <= due <= period.end:
                    continue
                start = (
                    None if window.one_day else _day(year - window.crosses_year, window.start_month, window.start_day)
                )
                if self.kind == K.TWICE_A_YEAR:
                    key, label = f"{year}-{window.end_month:02d}", f"{MONTHS[window.end_month - 1]} {year}"
                else:
                    key = label = str(year)
                result.append(Due(key, label, start, due))
        return sorted(result, key=lambda occurrence: occurrence.due)

    def describe(self) -> str:
        if self.kind == K.DUE:
            return f"до {_fmt(self.due)}"
        if self.kind == K.RANGE:
            return f"{_fmt(self.start)} – {_fmt(self.due)}"
        if self.kind in (K.YEARLY, K.TWICE_A_YEAR):
            head = "ежегодно" if self.kind == K.YEARLY else "дважды в год"
            head += f" с {self.from_year} г." if self.from_year else ""
            return head + (": " + ", ".join(w.describe() for w in self.windows) if self.windows else "")
        if self.kind == K.QUARTERLY:
            return "ежеквартально"
        if self.kind == K.ACADEMIC_YEAR:
            return "в течение учебного года (до 31 мая)"
        if self.kind in _UNDATED:
            return f"без срока: {K(self.kind).label}" + (f" ({self.note})" if self.note else "")
        if self.kind == K.EVENT:
            text = "по событию: " + self.note[:1].lower() + self.note[1:]
            return text + (f"; не позднее {_fmt(self.due)}" if self.due else "")
        return "срок не распознан"

    def to_json(self) -> dict:
        """Only the fields that are set; dates as ISO strings."""
        data = {
            "kind": self.kind.value,
            "start": self.start and self.start.isoformat(),
            "due": self.due and self.due.isoformat(),
            "windows": [asdict(window) for window in self.windows],
            "from_year": self.from_year,
            "note": self.note,
        }
        return {key: value for key, value in data.items() if value not in (None, "", [])}

    @classmethod
    def from_json(cls, data: dict) -> Schedule:
        day = lambda value: date.fromisoformat(value) if value else None  # noqa: E731
        return cls(
            kind=data["kind"],
            start=day(data.get("start")),
            due=day(data.get("due")),
            windows=tuple(Window(**window) for window in data.get("windows", ())),
            from_year=data.get("from_year"),
            note=data.get("note", ""),
        )


@dataclass(frozen=True)
class ParsedDeadline:
    text: str
    schedule: Schedule
    problem: str = ""
