"""Roadmap deadlines: the free-text «Сроки» of an item read into dates or a recurrence against the
roadmap's period (`parse.py`, whose notes tell how), and what they read as (`schedule.py`)."""

from roadmap.deadlines.parse import parse_deadline, parse_period
from roadmap.deadlines.schedule import (
    MONTHS,
    Due,
    ParsedDeadline,
    Period,
    PeriodError,
    Schedule,
    ScheduleKind,
    Window,
)

__all__ = [
    "MONTHS",
    "Due",
    "ParsedDeadline",
    "Period",
    "PeriodError",
    "Schedule",
    "ScheduleKind",
    "Window",
    "parse_deadline",
    "parse_period",
]
