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

import re
from dataclasses import dataclass, replace
from datetime import date

from roadmap.deadlines.schedule import (
    _NO_BRACKETED,
    _NO_EMPTY,
    _NO_YEAR,
    _PERIOD_HINT,
    _UNREADABLE,
    MONTHS,
    K,
    ParsedDeadline,
    Period,
    PeriodError,
    Schedule,
    Window,
    _fmt,
    _last_day,
    _Unreadable,
)

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
        ("по запросу", K.AS_NEEDED),
        ("по мере необходимости", K.AS_NEEDED),
        ("по отдельному плану", K.SEPARATE_PLAN),
        ("по отдельному графику", K.SEPARATE_PLAN),
        ("по плану", K.SEPARATE_PLAN),
        ("по графику", K.SEPARATE_PLAN),
        ("согласно плану", K.SEPARATE_PLAN),
        ("согласно графику", K.SEPARATE_PLAN),
        ("в соответствии с планом", K.SEPARATE_PLAN),
        ("в соответствии с графиком", K.SEPARATE_PLAN),
        ("по мере проведения", K.AS_HELD),
    ]
]
# A plan or a schedule of anybody («по плану работы ИМЦ»): the rest of the wording is kept as the note.
_PLAN_KINDS = (K.SEPARATE_PLAN, K.AS_NEEDED)
# Ways of saying «до» («не позднее 1 сентября 2023 г.», «в срок до 31 марта 2022 года»).
_BY = re.compile(r"^(?:в срок )?(?:не позднее|не позже|до)\b")
_ROMAN_NUMBERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER = re.compile(r"\b(iv|i{1,3}|[1-4])(?: ?-?(?:й|ый|ой|го))? (?:квартал[а-я]*|кв\b\.?)")
_HALF = re.compile(r"\b(ii|i|[12])(?: ?-?(?:е|ое|го))? полугоди[а-я]*")
_WHOLE_YEAR = re.compile(r"^(?:в )?течение (\d{4})(?: ?(?:г|года?)\b\.?)?$")
_BRACKETS = re.compile(r"\(([^()]*)\)")
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
    if (brackets := _bracket_note(text or "")) and schedule.kind != K.EVENT:
        schedule = replace(schedule, note=" ".join(part for part in (schedule.note, brackets) if part))
    fixes = ", ".join(f"«{wrong}» → «{right}»" for wrong, right in typos.items())
    problems = [f"Прочитано с исправлением опечатки: {fixes}." if fixes else "", warning]
    return ParsedDeadline(text, schedule, " ".join(problem for problem in problems if problem))


def _bracket_note(text: str) -> str:
    """What a deadline says in brackets («май ежегодно (в рамках ШМО)»): a note, not a date."""
    return "; ".join(" ".join(part.split()) for part in _BRACKETS.findall(text) if part.strip())


def _rewrite(text: str, period: Period | None) -> str:
    """The same deadline in the words the rules read: brackets dropped, «не позднее»/«в срок до» as «до»,
    a quarter or a half-year as its months, «в течение 2023 года» as the year's months."""
    text = _normalise(_BRACKETS.sub(" ", text))
    text = _BY.sub("до", text)
    if match := _WHOLE_YEAR.match(text):
        return f"январь - декабрь {match.group(1)}"
    text = _QUARTER.sub(lambda m: _months(3 * _ROMAN_NUMBERS[m.group(1)] - 2, 3 * _ROMAN_NUMBERS[m.group(1)]), text)
    academic_halves = period is not None and period.academic and not re.search(r"\b\d{4}\b", text)
    halves = {1: (9, 12), 2: (1, 5)} if academic_halves else {1: (1, 6), 2: (7, 12)}
    return _HALF.sub(lambda m: _months(*halves[_ROMAN_NUMBERS[m.group(1)]]), text)


def _months(first: int, last: int) -> str:
    return f"{MONTHS[first - 1]} - {MONTHS[last - 1]}"


def _as_written(note: str, text: str) -> str:
    """A note found in the normalised words, given back as the text writes it («работы ИМЦ»)."""
    written = " ".join(_BRACKETS.sub(" ", text).split())
    at = _normalise(written).find(note)  # the normalised text keeps the length of the written one
    return written[at : at + len(note)] if note and at >= 0 else note


def _parse(text: str, period: Period | None, typos: dict[str, str]) -> tuple[Schedule, str]:
    """The schedule, and a warning when a part of the text was left unread."""
    rewritten = _rewrite(text, period)
    atoms = _tokenize(rewritten, typos)
    if not any(kind not in ("dash", "punct") for kind, _ in atoms):
        raise _Unreadable(_NO_BRACKETED if _bracket_note(text) else _NO_EMPTY)
    words = [value if kind == "word" else f"<{kind}>" for kind, value in atoms if kind != "punct"]
    if words[:3] == ["в", "течение", "года"] and len(words) == 3:
        return _whole_year(period), ""
    for phrase, kind in _FIXED:
        if not any(w.startswith("<") for w in words[len(phrase) :]) and _starts_with(words, phrase, typos):
            note = " ".join(words[len(phrase) :]) if kind in _PLAN_KINDS else ""
            return Schedule(kind, note=_as_written(note, text)), ""
    recurring = any(_starts_with([word], ("ежегодно",), typos) for word in words)
    if recurring and (plan := _recurring_plan(words, typos)) is not None:
        return replace(plan, note=_as_written(plan.note, text)), ""
    for lead in _EVENT_LEADS:
        wording = words[len(lead) : words.index("или") if "или" in words else len(words)]
        if wording and not any(w.startswith("<") for w in wording) and _starts_with(words, lead, typos):
            return _event(text, atoms, period, typos)  # words only: «до конца мая» is a date, not an event
    return _date_schedule(_core(atoms, typos, recurring), period, recurring), ""


def _whole_year(period: Period | None) -> Schedule:
    """«В течение года»: the academic year of an academic roadmap, the year of a one-year one, every year of
    a roadmap of several years. Without a period it names no year, and is not guessed."""
    if period is None:
        raise _Unreadable(_NO_YEAR)
    if period.academic and not period.multi_year:
        return Schedule(K.ACADEMIC_YEAR)
    if not period.multi_year:
        return Schedule(K.RANGE, start=period.start, due=period.end)
    return Schedule(K.YEARLY)


def _recurring_plan(words: list[str], typos: dict[str, str]) -> Schedule | None:
    """«Ежегодно, по плану …», «Ежегодно в течение учебного года, по отдельному плану»: a recurrence whose
    other words are a plan (kept as the note) or the academic year; None when the words say something else."""
    rest = [word for word in words if not _starts_with([word], ("ежегодно",), typos)]
    kind = K.YEARLY
    if rest[:3] == ["в", "течение", "учебного"] and rest[3:4] == ["года"]:
        kind, rest = K.ACADEMIC_YEAR, rest[4:]
    if not rest:
        return Schedule(kind) if kind == K.ACADEMIC_YEAR else None
    for phrase, fixed in _FIXED:
        if fixed in _PLAN_KINDS and not any(w.startswith("<") for w in rest) and _starts_with(rest, phrase, typos):
            return Schedule(kind, note=" ".join(rest))
    return None


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

    kept = [(kind, value) for kind, value in atoms if not dropped(kind, value)]
    if recurring:
        # «сентябрь 2022 г., далее – ежегодно»: the dash belonged to the dropped words, not to a span.
        while kept and kept[-1][0] == "dash":
            kept.pop()
    return kept


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

_PERIOD = re.compile(r"(?:на |в )?(\d{4})(?: ?([-/]) ?(\d{4}))?((?: ?[а-я]+\.?)*)")
_PERIOD_WORDS = {
    *("г", "гг", "год", "года", "годы", "годов", "годах"),
    *("уч", "у", "учеб", "учебный", "учебного", "учебные", "учебных", "учебном"),
}
_MONTH_PERIOD = re.compile(r"(?:на |в |с )?([а-я]+) (\d{4})(?: ?г\.?)? ?(?:-|по) ?([а-я]+) (\d{4})(?: ?г\.?)?")


def parse_period(text: str) -> Period:
    """«2022», «2022 год» → the calendar year; «2020-2021 учебный год», «2020/2021 уч. г.» → 1.09.2020 –
    31.08.2021 (two consecutive years with a slash are an academic year too); «2022–2024 гг.» → 1.01.2022 –
    31.12.2024."""
    normalised = _normalise(text or "").rstrip(".")
    if months := _MONTH_PERIOD.fullmatch(normalised):
        return _month_period(*months.groups())
    match = _PERIOD.fullmatch(normalised)
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
        if last == first:
            raise PeriodError("Учебный год занимает два соседних года, например «2020–2021 учебный год».")
        label = f"{first}–{last} учебный год" if last == first + 1 else f"{first}–{last} учебные годы"
        return Period(date(first, 9, 1), date(last, 8, 31), label, True)
    if last == first:
        return Period(date(first, 1, 1), date(first, 12, 31), f"{first} год", False)
    return Period(date(first, 1, 1), date(last, 12, 31), f"{first}–{last} гг.", False)


def _month_period(first_month: str, first_year: str, last_month: str, last_year: str) -> Period:
    """«сентябрь 2022 г. – май 2024 г.»: from the first day of a month to the last day of another."""
    start_month, end_month = _MONTH_FORMS.get(first_month), _MONTH_FORMS.get(last_month)
    if start_month is None or end_month is None:
        raise PeriodError(_PERIOD_HINT)
    start, end_year = date(int(first_year), start_month, 1), int(last_year)
    end = date(end_year, end_month, _last_day(end_year, end_month))
    if not 1990 <= start.year <= 2100 or not 1990 <= end.year <= 2100 or end <= start:
        raise PeriodError(_PERIOD_HINT)
    label = f"{MONTHS[start_month - 1]} {start.year} – {MONTHS[end_month - 1]} {end.year}"
    return Period(start, end, label, start_month == 9)
