"""Reading the free-text deadlines («Сроки») of roadmap items into dates or a recurrence.

Approach:
1. The text is normalised (lower case, ё → е, every kind of space and dash unified) and cut into tokens: dates
   («11.09.2020», «1.9.20», «15.09»), month-years («09.2021»), years, small numbers, words, dashes, punctuation.
2. A word is a month in the nominative, genitive or prepositional («сентябрь», «сентября», «сентябре») or in a
   short form («сент.», «окт.»); other words stay words and are compared with the keywords of the rules.
   Typos: a word of five letters or more may differ from a month form or a keyword by one wrong, missing or extra
   letter (for a month, only when a single month is that close). A correction counts only when it makes a rule
   match, and is then reported in ``problem``. In an event's own wording only the names of bodies
   («Минпросвещения» …) are corrected: its other words are free Russian, where one letter is often a case ending.
3. A few rules are tried in order (``_parse``): an empty text; a fixed phrase naming no date («постоянно»,
   «по необходимости», «ежеквартально», «в течение учебного года» …); an event («до начала …», «в соответствии
   со сроками …», with an optional fallback date after «или»); a date expression («до ДАТА», «МЕСЯЦ [ГОД]»,
   «ТОЧКА – ТОЧКА», «с ТОЧКИ по ТОЧКУ», «МЕСЯЦ МЕСЯЦ» = twice a year), made recurring by «ежегодно».
   Anything else is UNKNOWN with a Russian explanation: ``parse_deadline`` never raises.
4. A missing year comes from the roadmap's period (``_resolve_years`` and ``_date_schedule``).
"""

from __future__ import annotations

import calendar
import re
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
        return not self.academic and self.end.year > self.start.year


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
class Occurrence:
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

    def occurrences(self, period: Period) -> list[Occurrence]:
        """The times the item has to be done within the roadmap's period, in order of their due dates."""
        if self.kind in (K.YEARLY, K.TWICE_A_YEAR):
            return self._window_occurrences(period)
        if self.kind == K.QUARTERLY:
            result, year, quarter = [], period.start.year, (period.start.month - 1) // 3
            while (year, quarter) <= (period.end.year, (period.end.month - 1) // 3):
                result.append(
                    Occurrence(
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
                Occurrence(f"{year}-{year + 1}", f"{year}–{year + 1} уч. год", date(year, 9, 1), date(year + 1, 5, 31))
                for year in range(first, last + 1)
            ]
        return [Occurrence("once", "", self.start, self.due)]

    def _window_occurrences(self, period: Period) -> list[Occurrence]:
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
                result.append(Occurrence(key, label, start, due))
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
            return f"без срока: {K(self.kind).label}"
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


# --- tokens and the lexicon -----------------------------------------------------------------------------------


def _month_forms() -> dict[str, int]:
    forms = {}
    for number, name in enumerate(MONTHS, 1):
        stem = name[:-1] if name[-1] in "ьй" else name
        ending = "" if name[-1] in "ьй" else "а"
        forms.update({name: number, stem + (ending or "я"): number, stem + "е": number})
    return forms


_MONTH_FORMS = _month_forms()
_FILLERS = {"г", "гг", "год", "года", "году", "годы", "в", "на"}
_NAMES = ("Минпросвещения", "Минобрнауки", "Рособрнадзора")  # bodies named in event deadlines, often misspelt
_FIXED = [
    (tuple(phrase.split()), kind)
    for phrase, kind in [
        ("ежеквартально", K.QUARTERLY),
        ("постоянно", K.CONTINUOUS),
        ("в течение всего периода", K.CONTINUOUS),
        ("в течение учебного года", K.ACADEMIC_YEAR),
        ("по необходимости", K.AS_NEEDED),
        ("по отдельному плану", K.SEPARATE_PLAN),
        ("по мере проведения", K.AS_HELD),
    ]
]
_EVENT_LEADS = [
    tuple(lead.split())
    for lead in ("до", "к", "после", "в соответствии", "согласно", "по итогам", "по окончании", "по завершении")
]
_TOKEN = re.compile(
    r"""(?P<date>\d{1,2}\.\d{4} | \d{1,2}\.\d{1,2}(?:\.(?:\d{4}|\d{2}))?)(?!\d)
    | (?P<num>\d+) | (?P<word>[а-яa-z]+) | (?P<dash>-) | (?P<punct>[.,;:()«»"'/]) | (?P<other>\S)""",
    re.X,
)


def _normalise(text: str) -> str:
    text = re.sub("[\u2010-\u2015\u2212\ufe63\uff0d]", "-", text.lower().replace("ё", "е"))
    return " ".join(text.split())


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one wrong, missing or extra letter."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=False)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(short == long[:i] + long[i + 1 :] for i in range(len(long)))


def _starts_with(words: list[str], phrase: tuple[str, ...], typos: dict[str, str]) -> bool:
    """True when ``words`` begin with ``phrase``, a word of five letters or more being allowed one wrong, missing or
    extra letter; such corrections are added to ``typos`` only when the whole phrase matches."""
    found = {}
    for written, expected in zip(words, phrase, strict=False):
        if written != expected:
            if len(written) < 5 or not _one_edit(written, expected):
                return False
            found[written] = expected
    if len(words) < len(phrase):
        return False
    typos.update(found)
    return True


def _word_atom(word: str, typos: dict[str, str]) -> tuple[str, object]:
    """("month", number) for a month in any of its forms, short or with one slip; else ("word", word)."""
    if word in _MONTH_FORMS:
        return "month", _MONTH_FORMS[word]
    short = {number for form, number in _MONTH_FORMS.items() if len(word) >= 3 and form.startswith(word)}
    if len(short) == 1:  # «сент», «окт», «нояб»
        return "month", short.pop()
    near = [form for form in _MONTH_FORMS if len(word) >= 5 and _one_edit(word, form)]
    if len({_MONTH_FORMS[form] for form in near}) == 1:
        typos[word] = near[0]
        return "month", _MONTH_FORMS[near[0]]
    return "word", word


@dataclass(frozen=True)
class _Point:
    """A day or, with ``day`` None, a whole month; the year may be unknown yet."""

    month: int
    day: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class _Span:
    start: _Point | None  # None: a deadline only («до 15.09.2022»)
    end: _Point


def _tokenize(text: str, typos: dict[str, str]) -> list[tuple[str, object]]:
    atoms = []
    for match in _TOKEN.finditer(_normalise(text)):
        kind, raw = match.lastgroup, match.group()
        if kind == "date":  # «15.09.2022», «15.9.22», «15.09» or a month «09.2022»
            parts = raw.split(".")
            parts = [None, *parts] if len(parts) == 2 and len(parts[1]) == 4 else [*parts, None]
            day, month, year = (int(part) if part else None for part in parts[:3])
            year = year + 2000 if year is not None and year < 100 else year
            if not 1 <= month <= 12 or day is not None and not 1 <= day <= _last_day(year or 2000, month):
                raise _Unreadable(f"Такой даты нет: {raw}.")
            atoms.append(("point", _Point(month, day, year)))
        elif kind == "num":
            number = int(raw)
            atoms.append(
                ("year", number)
                if 1900 <= number <= 2100 and len(raw) == 4
                else ("num", number)
                if 1 <= number <= 31
                else ("other", raw)
            )
        elif kind == "word":
            atoms.append(_word_atom(raw, typos))
        else:
            atoms.append((kind, raw))
    return atoms


# --- the rules ------------------------------------------------------------------------------------------------


def parse_deadline(text: str, period: Period | None) -> ParsedDeadline:
    typos: dict[str, str] = {}
    try:
        schedule, warning = _parse(text or "", period, typos)
    except _Unreadable as error:
        return ParsedDeadline(text, Schedule(K.UNKNOWN), error.message)
    fixes = ", ".join(f"«{wrong}» → «{right}»" for wrong, right in typos.items())
    problems = [f"Прочитано с исправлением опечатки: {fixes}." if fixes else "", warning]
    return ParsedDeadline(text, schedule, " ".join(problem for problem in problems if problem))


def _parse(text: str, period: Period | None, typos: dict[str, str]) -> tuple[Schedule, str]:
    """The schedule, and a warning when a part of the text was left unread."""
    atoms = _tokenize(text, typos)
    if not any(kind not in ("dash", "punct") for kind, _ in atoms):
        raise _Unreadable(_NO_EMPTY)
    words = [value if kind == "word" else f"<{kind}>" for kind, value in atoms if kind != "punct"]
    for phrase, kind in _FIXED:
        if not any(w.startswith("<") for w in words[len(phrase) :]) and _starts_with(words, phrase, typos):
            return Schedule(kind), ""
    for lead in _EVENT_LEADS:
        wording = words[len(lead) : words.index("или") if "или" in words else len(words)]
        if wording and not any(w.startswith("<") for w in wording) and _starts_with(words, lead, typos):
            return _event(text, atoms, period, typos)  # words only: «до конца мая» is a date, not an event
    recurring = any(_starts_with([word], ("ежегодно",), typos) for word in words)
    return _date_schedule(_core(atoms, typos, recurring), period, recurring), ""


def _core(atoms: list, typos: dict[str, str], recurring: bool) -> list:
    """The atoms that carry a date: no punctuation, no «г.», «года», «в»; nor «далее», «ежегодно» (if recurring)."""

    def dropped(kind: str, value: object) -> bool:
        return (
            kind == "punct"
            or kind == "word"
            and (
                value in _FILLERS
                or recurring
                and any(_starts_with([value], (word,), typos) for word in ("далее", "ежегодно"))
            )
        )

    return [(kind, value) for kind, value in atoms if not dropped(kind, value)]


def _event(text: str, atoms: list, period: Period | None, typos: dict[str, str]) -> tuple[Schedule, str]:
    """An event or a document; a date after «или» is the fallback deadline. The note is the wording as written,
    with spaces collapsed, the first letter capital, no trailing punctuation and a slip in a name corrected."""
    wording = " ".join(re.split(r"(?i)\bили\b", text, maxsplit=1)[0].split()).strip(" ,.;:-")
    note = re.sub(r"[А-Яа-яЁё]{5,}", lambda word: _name(word.group(), typos), wording)
    note = note[:1].upper() + note[1:]
    split = [i for i, atom in enumerate(atoms) if atom == ("word", "или")]
    if not split:
        return Schedule(K.EVENT, note=note), ""
    try:
        fallback = _date_schedule(_core(atoms[split[0] + 1 :], typos, False), period, recurring=False)
    except _Unreadable as error:
        reason = error.message[:1].lower() + error.message[1:]
        return Schedule(K.EVENT, note=note), f"Срок после «или» не прочитан: {reason}"
    if fallback.kind not in (K.DUE, K.RANGE):
        return Schedule(K.EVENT, note=note), "Срок после «или» не прочитан: нужна одна дата или месяц с годом."
    return Schedule(K.EVENT, due=fallback.due, note=note), ""


def _name(word: str, typos: dict[str, str]) -> str:
    """A body's name written with one slip («Минпрсвещения») is corrected; any other word is kept."""
    for name in _NAMES:
        if _one_edit(word.lower(), name.lower()):
            typos[word] = name
            return name
    return word


def _point(core: list, pos: int) -> tuple[_Point, int]:
    kind, value = core[pos] if pos < len(core) else (None, None)
    if kind == "point":
        return value, pos + 1
    if kind == "num" and pos + 1 < len(core) and core[pos + 1][0] == "month":  # «15 сентября»
        day, month, pos = value, core[pos + 1][1], pos + 2
        if day > _last_day(2000, month):
            raise _Unreadable(f"Такой даты нет: {day:02d}.{month:02d}.")
    elif kind == "month":
        day, month, pos = None, value, pos + 1
    else:
        raise _Unreadable(_UNREADABLE)
    if pos < len(core) and core[pos][0] == "year":
        return _Point(month, day, core[pos][1]), pos + 1
    return _Point(month, day), pos


def _expression(core: list) -> _Span | tuple[int, ...]:
    """A span of days, or the months of a twice-a-year item («октябрь май»)."""
    if len(core) == 2 and all(kind == "month" for kind, _ in core):
        return tuple(value for _, value in core)
    due_only = bool(core) and core[0] in (("word", "до"), ("word", "к"))
    to_end = due_only and core[1:2] == [("word", "конца")]  # «до конца мая»
    first, pos = _point(core, 2 if to_end else 1 if due_only or core[:1] == [("word", "с")] else 0)
    if pos == len(core):
        if due_only and first.day is None and not to_end:
            raise _Unreadable(_UNREADABLE)  # «до мая» says too little: by its start or by its end?
        return _Span(None, first) if due_only or first.day else _Span(first, first)
    if due_only or core[pos] not in (("dash", "-"), ("word", "по")):
        raise _Unreadable(_UNREADABLE)
    second, pos = _point(core, pos + 1)
    if pos != len(core):
        raise _Unreadable(_UNREADABLE)
    return _Span(first, second)


def _resolve_years(span: _Span) -> tuple[int | None, int | None]:
    """The years written complete each other. A span whose end comes before its start in the year («ноябрь –
    февраль 2021») crosses the new year: a single year written belongs to the end (November 2020 – February 2021)."""
    start_year, end_year = span.start.year if span.start else None, span.end.year
    crossing = bool(span.start) and (span.start.month, span.start.day or 1) > (span.end.month, span.end.day or 31)
    if end_year is None and start_year is not None:
        end_year = start_year + crossing
    if start_year is None and end_year is not None:
        start_year = end_year - crossing
    return start_year, end_year


def _window(span: _Span) -> Window:
    end_day = span.end.day or _last_day(2000, span.end.month)
    start = span.start or _Point(span.end.month, end_day)
    return Window(start.month, start.day or 1, span.end.month, end_day)


def _date(year: int, point: _Point, day: int) -> date:
    try:
        return date(year, point.month, day)
    except ValueError:  # 29 February of a common year
        raise _Unreadable(f"Такой даты нет: {day:02d}.{point.month:02d}.{year}.") from None


def _date_schedule(core: list, period: Period | None, recurring: bool) -> Schedule:
    """Without a year, a deadline takes it from the period: in an academic year (1 September Y – 31 August Y+1)
    September–December are Y and January–August Y+1; in a one-year period, that year; in a period of several years
    it recurs every year (YEARLY / TWICE_A_YEAR). Without a period, a year must be written."""
    if recurring and not core:
        return Schedule(K.YEARLY)
    expression = _expression(core)
    if isinstance(expression, tuple):
        return Schedule(K.TWICE_A_YEAR, windows=tuple(_window(_Span(_Point(m), _Point(m))) for m in expression))
    span = expression
    start_year, end_year = _resolve_years(span)
    if recurring or (end_year is None and period is not None and period.multi_year):
        return Schedule(K.YEARLY, windows=(_window(span),), from_year=end_year)
    if end_year is None:
        if period is None:
            raise _Unreadable(_NO_YEAR)
        end_year = period.start.year + (period.academic and span.end.month < 9)
        start_year, _ = _resolve_years(_Span(span.start, _Point(span.end.month, span.end.day, end_year)))
    due = _date(end_year, span.end, span.end.day or _last_day(end_year, span.end.month))
    start = _date(start_year, span.start, span.start.day or 1) if span.start else None
    if start is None:
        return Schedule(K.DUE, due=due)
    if start > due:
        raise _Unreadable(f"Начало срока ({_fmt(start)}) позже его окончания ({_fmt(due)}).")
    return Schedule(K.RANGE, start=start, due=due)


# --- the roadmap's period -------------------------------------------------------------------------------------

_PERIOD = re.compile(r"(?:на )?(\d{4})(?: ?([-/]) ?(\d{4}))?((?: ?[а-я]+\.?)*)")
_PERIOD_WORDS = {"г", "гг", "год", "года", "годы", "годов", "уч", "у", "учеб", "учебный", "учебного", "учебные"}


def parse_period(text: str) -> Period:
    """«2022», «2022 год» → the calendar year; «2020-2021 учебный год», «2020/2021 уч. г.» → 1.09.2020 –
    31.08.2021 (two consecutive years with a slash are an academic year too); «2022–2024 гг.» → 1.01.2022 –
    31.12.2024."""
    match = _PERIOD.fullmatch(_normalise(text or "").rstrip("."))
    words = re.findall(r"[а-я]+", match.group(4)) if match else []
    if not match or not set(words) <= _PERIOD_WORDS:
        raise PeriodError(_PERIOD_HINT)
    first, separator, last = int(match.group(1)), match.group(2), match.group(3)
    last = int(last) if last else first
    if not 1990 <= first <= 2100 or not 1990 <= last <= 2100:
        raise PeriodError(_PERIOD_HINT)
    if last < first:
        raise PeriodError(f"Год окончания периода ({last}) раньше года начала ({first}). {_PERIOD_HINT}")
    academic = any(word.startswith("у") for word in words) or (separator == "/" and last == first + 1)
    if academic:
        if last != first + 1:
            raise PeriodError("Учебный год занимает два соседних года, например «2020–2021 учебный год».")
        return Period(date(first, 9, 1), date(last, 8, 31), f"{first}–{last} учебный год", True)
    if last == first:
        return Period(date(first, 1, 1), date(first, 12, 31), f"{first} год", False)
    return Period(date(first, 1, 1), date(last, 12, 31), f"{first}–{last} гг.", False)
