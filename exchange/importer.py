"""Importing «База наставляемых» and «База наставников» into one organisation's registry.

`run_import(data, filename, kind, organisation, user, commit=…)` reads the workbook
(exchange.reading.workbook), checks every row, matches the people and pairs already in the
registry and returns an `ImportReport`: counts, one line per row saying what happens to it, and
every problem with its row, column and a Russian message. It never raises for a bad file.

Preview and saving do the same work. Everything is written inside one `transaction.atomic()`;
a preview (commit=False), or a file with any problem at all, is rolled back at the end, so the
preview reports exactly what the database would refuse, constraints included, and a file is
saved whole or not at all.

Matching — importing the same file twice creates nothing new:
- People of the organisation (current, not archived) by `name_key` (ФИО, ё=е, any case), and by
  birth year when the file gives one: a person of that year, else one whose year is unknown (the
  year is then filled in). Without a year one namesake matches; two are a problem («укажите год
  рождения»; the mentors' base has no year column, so a year may follow the name: «Иванов Иван
  Иванович (2011)»). People first named earlier in the same file are matched the same way.
- A mentor's workplace («Место работы наставника», «Место работы») decides where the mentor is
  looked for: empty or naming this organisation — here; naming another organisation of the same
  department (its short or full name, quotes, case and «№ 5»/«№5» aside, or contained whole in
  the text) — among that organisation's people, and a mentor not found there is a problem (a
  curator never writes into another organisation's base, and that organisation's base is the
  place to register its teacher); anything else — an external participant of this organisation
  with `workplace` set to the text, matched by name like everyone here.
- A pair is (organisation, mentor, form, entry date). Rows with the same key are one pair or
  group: in the mentees' base one row per mentee, in the mentors' base a row names one or more
  mentees (separated by line breaks, «;» or commas; a comma separates names only when every
  piece is itself a name of 2–4 words).
- A matched pair gets the mentees it lacks. Existing values are never overwritten: an empty
  field of a person, pair or participation is filled from the file, a different value already in
  the registry is kept, and the row's line says which. People of another organisation are never
  changed.

Category of a new person, from the form's name «X – Y» (X the mentor's side, Y the mentee's):
- a form for students only / staff only (MentoringFormat.participants) gives «обучающийся» /
  «педагог» to the organisation's own people whatever its name says;
- otherwise ученик/обучающийся/воспитанник → STUDENT; учитель/педагог/руководитель/
  преподаватель/воспитатель/специалист → TEACHER; студент → STUDENT in a college (its own
  students), COLLEGE_STUDENT elsewhere; работодатель/работник/сотрудник → EMPLOYEE;
  выпускник → GRADUATE; a side not recognised → TEACHER for a mentor, STUDENT for a mentee;
- a mentor from outside the department (see above) gets the external category that fits:
  студент → COLLEGE_STUDENT, ученик/выпускник → GRADUATE, anyone else (an employer's
  employee, a teacher of a school not in the registry) → EMPLOYEE. A students-only or staff-only
  form then refuses such a mentor, and the message says why the mentor counts as external.
A new pair that is completed gets the stage «Результативный»; an active one keeps the default.
Hidden forms (is_active=False) are still recognised: old bases use them.

Rules: every pair is checked with registry.services.pairs.check_pair (its Russian messages,
placed on the rows and columns they concern); a mentee named in two active pairs of one form
within the file is caught here, before the database sees either; whatever still slips through is
refused by the database constraints and reported on its row (integrity_message).

Speed: lookups are prefetched in a few queries (the people named in the file, the forms, the
organisations, the mentors' pairs and their participations), new people, pairs and
participations are written with bulk_create, filled fields with bulk_update; their audit-trail
entries (django-auditlog, as its signals would write them, with the user as actor) are written
in bulk too, and freshness.touch is called once. check_pair costs one query per active pair that
gains mentees already in the registry (people new to it have no pairs to clash with). Figures:
exchange/import_bench.py.
"""

from __future__ import annotations

import copy
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from exchange.official import FORMS, Kind, OfficialForm
from exchange.reading.workbook import ReadSheet, WorkbookError, parse_date, read_form
from registry import freshness
from registry.models import (
    CompletionMark,
    MentoringFormat,
    MentoringPair,
    Organisation,
    OrganisationKind,
    PairMentee,
    PairStage,
    Participants,
    Person,
    PersonCategory,
    User,
)
from registry.services.errors import integrity_message
from registry.services.pairs import check_pair, participation_facts
from registry.text import normalise

MAX_PROBLEMS = 500
PROGRESS_EVERY = 250  # rows between progress calls
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


# --- the report -------------------------------------------------------------------------------


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


COUNTED = (("people", "Участники"), ("pairs", "Пары и группы"), ("participations", "Участие наставляемых"))


@dataclass
class ImportReport:
    kind: Kind
    organisation: Organisation
    filename: str
    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)  # "people", "pairs", "participations"
    matched: Counter = field(default_factory=Counter)  # same keys: found in the registry, not duplicated
    filled: Counter = field(default_factory=Counter)  # same keys: found, and empty fields filled from the file
    lines: list[tuple[int, str]] = field(default_factory=list)  # (row, what happens to it)
    saved: bool = False
    problem_count: int = 0  # all problems found, also those past MAX_PROBLEMS

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_text(self, *, lines: bool = False) -> str:
        form = FORMS[self.kind]
        out = [
            f"«{form.title}» из файла «{self.filename}» — {self.organisation.short_name}",
            f"Прочитано строк: {self.rows_read}.",
        ]
        for key, label in COUNTED:
            text = f"{label}: новых — {self.created[key]}, уже в реестре — {self.matched[key]}"
            if self.filled[key]:
                text += f" (из них дополнено — {self.filled[key]})"
            out.append(text + ".")
        if self.saved:
            out.append("Итог: данные сохранены в реестре.")
        elif self.ok:
            out.append("Итог: ошибок нет, файл можно загрузить (при проверке ничего не сохранено).")
        else:
            count = self.problem_count or len(self.problems)
            out.append(
                f"Итог: ничего не сохранено — {_plural(count, 'найдена', 'найдены', 'найдено')} {count} "
                f"{_plural(count, 'ошибка', 'ошибки', 'ошибок')}. Исправьте файл и загрузите его снова."
            )
        if self.problems:
            out.append("")
            out.append("Ошибки:")
            out.extend(problem.as_text() for problem in self.problems)
        if lines and self.lines:
            out.append("")
            out.append("Строки файла:")
            out.extend(f"Строка {row}: {text}" for row, text in self.lines)
        return "\n".join(out)


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


# --- reading cells ----------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_DASH = "-‐‑‒–—―−"
_DASHES = re.compile(rf"\s*[{_DASH}]\s*")
_QUOTES = re.compile(r"[«»\"“”„'`]")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_INITIALS = re.compile(r"[^\W\d_]\.?|[^\W\d_]\.[^\W\d_]\.?")
_YEAR_AFTER_NAME = re.compile(
    r"[\s,]*\(?\s*((?:19|20)\d{2})\s*(?:г\.?\s*(?:р\.?)?|года?(?:\s+рождения)?)?\s*\)?\s*$"
)
_YEAR_ONLY = re.compile(r"\(?\s*(?:19|20)\d{2}\s*(?:г\.?\s*(?:р\.?)?|года?(?:\s+рождения)?)?\s*\)?")
_LEADING_NUMBER = re.compile(r"^\s*\d{1,3}\s*[.)]\s*")
_NAME_SEPARATORS = re.compile(r"[\n\r;]+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_HTTP = re.compile(r"^https?://", re.IGNORECASE)
_DOMAIN = re.compile(r"^(?:www\.)?[^\s/.:@]+(?:\.[^\s/.:@]+)+(?::\d+)?(?:[/?#]\S*)?$")
_URL = URLValidator(schemes=["http", "https"])


def cell_text(value, *, multiline: bool = False) -> str:
    """A cell's value as trimmed text ('' for empty); 12.0 reads as «12»."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    text = str(value)
    if multiline:
        lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
        return "\n".join(line for line in lines if line)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Name:
    """A ФИО as written in the file, split into its parts, with the birth year when known."""

    last: str
    first: str
    patronymic: str = ""
    year: int | None = None

    @property
    def key(self) -> str:
        return normalise(self.last, self.first, self.patronymic)

    @property
    def full(self) -> str:
        return " ".join(part for part in (self.last, self.first, self.patronymic) if part)


def parse_name(text: str) -> Name:
    """«Иванов Иван Иванович» (also «… (2011)», «… 2011 г. р.»); ValueError with a Russian message."""
    raw = _SPACES.sub(" ", text).strip(" ,;")
    year = None
    match = _YEAR_AFTER_NAME.search(raw)
    if match and match.start() > 0:
        year = int(match.group(1))
        raw = raw[: match.start()].strip(" ,")
    raw = raw.rstrip(".")
    words = raw.split(" ") if raw else []
    if len(words) < 2:
        raise ValueError(f"«{text}» — не ФИО: нужны хотя бы фамилия и имя, например «Иванов Иван Иванович».")
    if len(words) > 4:
        raise ValueError(
            f"«{text}» — больше четырёх слов: в ячейке должно быть одно ФИО «Фамилия Имя Отчество»."
        )
    if any(_INITIALS.fullmatch(word) for word in words[1:]):
        raise ValueError(
            f"«{text}» — инициалы вместо имени: напишите фамилию, имя и отчество полностью, "
            "например «Иванов Иван Иванович»."
        )
    if not all(_NAME_WORD.fullmatch(word) for word in words):
        raise ValueError(
            f"В ФИО «{text}» есть цифры или лишние знаки: оставьте только фамилию, имя и отчество."
        )
    last, first, patronymic = words[0], words[1], " ".join(words[2:])
    if max(len(last), len(first), len(patronymic)) > 150:
        raise ValueError(f"ФИО «{text[:60]}…» слишком длинное: каждая часть — не длиннее 150 знаков.")
    return Name(last, first, patronymic, year)


def split_names(text: str) -> list[str]:
    """The names in a mentees cell of the mentors' base: by line breaks and «;», then commas.

    A comma separates names only when every piece between commas is itself a name of 2–4 words
    (or a birth year, which belongs to the name before it): «Иванов Иван Иванович, Петров Пётр» is
    two names, «Иванов, Иван Иванович» one. A leading «1.» or «2)» is dropped.
    """
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(text):
        pieces = [_LEADING_NUMBER.sub("", piece).strip(" .") for piece in part.split(",")]
        pieces = [piece for piece in pieces if piece]
        if not pieces:
            continue
        is_year = [bool(_YEAR_ONLY.fullmatch(piece)) for piece in pieces]
        if len(pieces) > 1 and not is_year[0] and all(
            year or 2 <= len(piece.split()) <= 4 for piece, year in zip(pieces, is_year)
        ):
            for piece, year in zip(pieces, is_year):
                if year:
                    names[-1] = f"{names[-1]} {piece}"
                else:
                    names.append(piece)
        else:
            names.append(" ".join(pieces))
    return names


def parse_birth_year(value) -> int | None:
    """A birth year: 2011, «2011», «2011 г.», or a whole birth date; ValueError otherwise."""
    if value is None:
        return None
    error = ValueError(f"Год рождения «{cell_text(value)}» не распознан: укажите год четырьмя цифрами, например 2011.")
    if isinstance(value, bool):
        raise error
    if isinstance(value, (datetime, date)):
        year = value.year
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise error
        year = int(value)
    else:
        text = cell_text(value).lower()
        text = re.sub(r"\s*(?:г\.?\s*(?:р\.?)?|года?(?:\s+рождения)?)$", "", text)
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
        else:
            try:
                year = parse_date(text).year
            except ValueError:
                raise error from None
    if not 1920 <= year <= date.today().year:
        raise ValueError(f"Год рождения {year} неправдоподобен: укажите год четырьмя цифрами, например 2011.")
    return year


def parse_url(value) -> str:
    """An http(s) link; «school1.ru/otzyv» gets https:// in front; ValueError for anything else."""
    text = cell_text(value)
    if not text:
        return ""
    error = ValueError(
        f"«{text[:80]}» — не ссылка. Укажите адрес, который открывается в браузере, например "
        "https://school1.ru/otzyv; пояснения пишите в «Результаты программы»."
    )
    candidate = text
    if not _HTTP.match(text):
        if _SCHEME.match(text) or not _DOMAIN.match(text):
            raise error
        candidate = f"https://{text}"
    try:
        _URL(candidate)
    except ValidationError:
        raise error from None
    if len(candidate) > 500:
        raise ValueError("Ссылка длиннее 500 знаков: сократите её (например, сервисом коротких ссылок).")
    return candidate


def _mark_key(text: str) -> str:
    key = normalise(text).replace("(а)", "").replace("(ла)", "")
    key = _DASHES.sub("-", key).strip(" .!")
    return re.sub(r"\s+(?:программу|программа|программы)$", "", key)


_MARKS = {
    **{key: CompletionMark.PASSED for key in (
        "прошел", "прошла", "прошли", "да", "+", "пройдена", "пройдено", "пройден", "завершил", "завершила",
        "завершено", "завершена", "зачтено", "выполнено", "освоил", "освоила", "освоена",
    )},
    **{key: CompletionMark.NOT_PASSED for key in (
        "не прошел", "не прошла", "нет", "-", "не завершил", "не завершила", "не завершено", "не завершена",
        "не пройдена", "не пройдено", "не зачтено", "не освоил", "не освоила", "выбыл", "выбыла",
    )},
    # Not a mark yet: the program goes on.
    "в процессе": "", "продолжает": "", "продолжается": "",
}
_MARKS.update({_mark_key(label): value for value, label in CompletionMark.choices})


def parse_mark(value) -> str:
    """A CompletionMark value ('' for none); ValueError for text that is neither."""
    text = cell_text(value)
    if not text:
        return ""
    try:
        return _MARKS[_mark_key(text)]
    except KeyError:
        raise ValueError(
            f"Отметка «{text[:60]}» не распознана: напишите «Прошёл(а) программу» (или «да», «+») либо "
            "«Не завершил(а) программу» (или «нет», «-»); пока программа идёт — оставьте ячейку пустой."
        ) from None


def format_key(text: str) -> str:
    """A form's name reduced for comparison: «Ученик-ученик», «ученик — ученик» → «ученик-ученик»."""
    return _DASHES.sub("-", _QUOTES.sub("", normalise(text))).strip(" .")


def organisation_key(text: str) -> str:
    key = _QUOTES.sub("", normalise(text))
    key = re.sub(r"№\s*", "№", key)
    return _SPACES.sub(" ", key).strip(" .,;")


def _contains_words(text: str, part: str) -> bool:
    """`part` occurs in `text` with no letter or digit right before or after it."""
    start = text.find(part)
    while start >= 0:
        end = start + len(part)
        if (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            return True
        start = text.find(part, start + 1)
    return False


# --- who a form's name pairs ------------------------------------------------------------------

_SIDE_STEMS = (
    ("teacher", ("учител", "педагог", "руководител", "преподавател", "воспитател", "специалист")),
    ("student", ("студент",)),
    ("pupil", ("ученик", "учащ", "обучающ", "школьник", "воспитанник")),
    ("employer", ("работодател", "работник", "сотрудник", "предприяти", "представител")),
    ("graduate", ("выпускник",)),
)


def _side(text: str) -> str | None:
    text = normalise(text)
    positions = [
        (text.find(stem), side) for side, stems in _SIDE_STEMS for stem in stems if stem in text
    ]
    return min(positions)[1] if positions else None


def format_sides(name: str) -> tuple[str | None, str | None]:
    """The mentor's and the mentee's side of «X – Y»: 'pupil', 'student', 'teacher', 'employer', …"""
    parts = re.split(rf"\s+[{_DASH}]\s+", name.strip(), maxsplit=1)
    if len(parts) != 2:
        parts = re.split(rf"[{_DASH}]", name.strip(), maxsplit=1)
    if len(parts) != 2:
        return None, None
    return _side(parts[0]), _side(parts[1])


def short_name(person: Person) -> str:
    """«Иванов И. И.»"""
    initials = " ".join(f"{part[0]}." for part in (person.first_name, person.patronymic) if part)
    return f"{person.last_name} {initials}".strip()


# --- the work ---------------------------------------------------------------------------------


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


class _Audit:
    """Audit-trail entries for bulk writes, as django-auditlog's signals would write them."""

    def __init__(self, user: User | None) -> None:
        self.actor = user if isinstance(user, User) and user.pk else None
        self.cid = get_cid()
        self.use_json = settings.AUDITLOG_STORE_JSON_CHANGES
        self.entries: list[LogEntry] = []

    def created(self, objects: Iterable) -> None:
        for obj in objects:
            self._add(obj, LogEntry.Action.CREATE, model_instance_diff(None, obj, use_json_for_changes=self.use_json))
            if len(self.entries) >= BATCH:
                self.flush()  # entries are large (every field's value): keep memory bounded

    def updated(self, before, after, fields: Iterable[str]) -> None:
        changes = model_instance_diff(before, after, fields_to_check=list(fields), use_json_for_changes=self.use_json)
        self._add(after, LogEntry.Action.UPDATE, changes)

    def _add(self, obj, action, changes) -> None:
        if not changes:
            return
        self.entries.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(obj),
                object_pk=str(obj.pk),
                object_id=obj.pk,
                object_repr=str(obj),
                action=action,
                changes=changes,
                actor=self.actor,
                actor_email=getattr(self.actor, "email", None),
                cid=self.cid,
            )
        )

    def flush(self) -> None:
        LogEntry.objects.bulk_create(self.entries, batch_size=BATCH)
        self.entries = []


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _differs(old, new) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return normalise(old) != normalise(new)
    return old != new


class _Import:
    def __init__(self, report: ImportReport, sheet: ReadSheet, user, commit: bool, progress) -> None:
        self.report = report
        self.kind = report.kind
        self.form: OfficialForm = FORMS[report.kind]
        self.sheet = sheet
        self.organisation = report.organisation
        self.commit = commit
        self.progress = progress
        self.audit = _Audit(user)
        self.mentee_key = MENTEE_KEY[report.kind]
        self.rows = [_Row(row.number, row.values) for row in sheet.rows]
        self.total = 2 * len(self.rows)
        self.all_problems: list[Problem] = []
        self._seen: set[tuple] = set()
        # organisation id -> name_key -> people (found, and new ones named earlier in the file)
        self.pools: dict[int, dict[str, list[_Who]]] = defaultdict(lambda: defaultdict(list))
        self.groups: dict[tuple, _Group] = {}
        self.pairs: dict[tuple, MentoringPair] = {}
        self.participations: dict[tuple[int, int], PairMentee] = {}
        # model -> id(obj) -> (snapshot before the first change, obj, changed fields)
        self.changes: dict[type, dict[int, tuple]] = defaultdict(dict)
        # id(obj) -> the (row, column key) whose values change it, for a refusal's message
        self.blame: dict[int, list[tuple[_Row, str]]] = defaultdict(list)
        self.whos: list[_Who] = []
        self.touched: set[int] = {self.organisation.pk}
        self.reported = 0

    # --- problems and progress ---------------------------------------------------------------

    def problem(self, row: _Row | None, key: str | None, message: str) -> None:
        seen = (row.number if row else None, key, message)
        if seen in self._seen:
            return
        self._seen.add(seen)
        if row is not None:
            row.ok = False
        column = self.sheet.columns.get(key) if key else None
        header = self.form.column(key).header if key else None
        self.all_problems.append(Problem(row.number if row else None, column, header, message))

    def tick(self, done: int) -> None:
        if self.progress and done - self.reported >= PROGRESS_EVERY:
            self.reported = done
            self.progress(done, self.total)

    # --- the steps ---------------------------------------------------------------------------

    def run(self) -> None:
        self.load_reference()
        for index, row in enumerate(self.rows, start=1):
            self.parse(row)
            self.tick(index)
        self.load_people()
        for row in self.rows:
            self.resolve(row)
        self.load_pairs()
        for row in self.rows:
            if row.ok:
                self.join_group(row)
        self.fill_pairs()
        self.check_file_clashes()
        self.write()
        self.describe()
        if self.progress:
            self.progress(self.total, self.total)

    def load_reference(self) -> None:
        department_id = self.organisation.department_id
        formats = MentoringFormat.objects.for_department(department_id).order_by("position", "name")
        self.formats = list(formats)
        self.format_by_key: dict[str, MentoringFormat] = {}
        # A department's own item wins over a common one of the same name.
        for item in sorted(self.formats, key=lambda f: f.department_id is not None):
            self.format_by_key[format_key(item.name)] = item
        self.format_sides = {item.pk: format_sides(item.name) for item in self.formats}
        organisations = list(Organisation.objects.filter(department_id=department_id))
        self.organisation_names: list[tuple[str, Organisation]] = sorted(
            {
                (organisation_key(name), organisation)
                for organisation in organisations
                for name in (organisation.short_name, organisation.full_name)
                if organisation_key(name)
            },
            key=lambda item: (-len(item[0]), item[1].pk),
        )
        self._workplaces: dict[str, Organisation | None] = {}

    # --- one row: cells ----------------------------------------------------------------------

    def parse(self, row: _Row) -> None:
        values, fields = row.values, row.fields
        for key in REQUIRED[self.kind]:
            if values.get(key) is None:
                header = self.form.column(key).header
                self.problem(row, key, f"Не заполнено «{header}»: {EMPTY_HINTS[key]}")
        fields["entry_date"] = self.parse_cell(row, "entry_date", parse_date)
        fields["end_date"] = self.parse_cell(row, "end_date", parse_date)
        if fields["entry_date"] and fields["end_date"] and fields["end_date"] < fields["entry_date"]:
            self.problem(
                row, "end_date",
                f"Дата завершения {fields['end_date']:%d.%m.%Y} раньше даты вхождения в программу "
                f"{fields['entry_date']:%d.%m.%Y}: исправьте одну из дат.",
            )
        fields["format"] = self.parse_cell(row, "format", self.find_format)
        fields["mentor"] = self.parse_cell(row, "mentor", lambda value: parse_name(cell_text(value)))
        fields["mentor_workplace"] = self.text(row, "mentor_workplace", 300)
        fields["results"] = self.text(row, "results", multiline=True)
        fields["feedback"] = self.parse_cell(row, "feedback", parse_url) or ""
        if self.kind == Kind.MENTEES:
            mentee = self.parse_cell(row, "mentee", lambda value: parse_name(cell_text(value)))
            year = self.parse_cell(row, "mentee_birth_year", parse_birth_year)
            if mentee and year:
                mentee = replace(mentee, year=year)
            fields["mentees"] = [mentee] if mentee else []
            fields["request"] = self.text(row, "request", multiline=True)
            fields["mark"] = self.parse_cell(row, "completion_mark", parse_mark) or ""
        else:
            fields["mentees"] = self.parse_cell(row, "mentees", self.parse_names) or []
            fields["competencies"] = self.text(row, "competencies", multiline=True)
            fields["achievements"] = self.text(row, "achievements", multiline=True)
            fields["interests"] = self.text(row, "interests", multiline=True)
            fields["desired_age"] = self.text(row, "desired_age", 100)
            fields["time_available"] = self.text(row, "time_available", 200)
            fields["mentee_workplace"] = self.text(row, "mentee_workplace")

    def parse_cell(self, row: _Row, key: str, parse: Callable):
        value = row.values.get(key)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as error:
            self.problem(row, key, str(error))
            return None

    def text(self, row: _Row, key: str, max_length: int | None = None, *, multiline: bool = False) -> str:
        text = cell_text(row.values.get(key), multiline=multiline)
        if max_length and len(text) > max_length:
            self.problem(row, key, f"Слишком длинный текст ({len(text)} знаков): не больше {max_length}.")
            return ""
        return text

    def parse_names(self, value) -> list[Name]:
        names, errors = [], []
        for text in split_names(cell_text(value, multiline=True)):
            try:
                names.append(parse_name(text))
            except ValueError as error:
                errors.append(str(error))
        if errors:
            raise ValueError(
                " ".join(errors) + " Наставляемых разделяйте переводом строки (Alt+Enter в ячейке) или «;»."
            )
        return names

    def find_format(self, value) -> MentoringFormat:
        found = self.format_by_key.get(format_key(cell_text(value)))
        if found is None:
            available = ", ".join(f"«{item.name}»" for item in self.formats if item.is_active)
            raise ValueError(f"Форма наставничества «{cell_text(value)}» не найдена. Доступные формы: {available}.")
        return found

    # --- one row: people ---------------------------------------------------------------------

    def named_organisation(self, text: str) -> Organisation | None:
        """The department's organisation a workplace names, or None (somewhere outside)."""
        key = organisation_key(text)
        if key not in self._workplaces:
            found = next((o for name, o in self.organisation_names if name == key), None)
            if found is None:
                found = next((o for name, o in self.organisation_names if _contains_words(key, name)), None)
            self._workplaces[key] = found
        return self._workplaces[key]

    def mentor_home(self, row: _Row) -> Organisation | None:
        workplace = row.fields["mentor_workplace"]
        return self.named_organisation(workplace) if workplace else self.organisation

    def load_people(self) -> None:
        """The current people the file names: of this organisation, and mentors of others."""
        own, elsewhere = set(), defaultdict(set)
        for row in self.rows:
            for name in row.fields["mentees"]:
                own.add(name.key)
            mentor = row.fields["mentor"]
            if mentor:
                home = self.mentor_home(row)
                if home is None or home.pk == self.organisation.pk:
                    own.add(mentor.key)
                else:
                    elsewhere[home.pk].add(mentor.key)
        by_pk = {o.pk: o for _, o in self.organisation_names} | {self.organisation.pk: self.organisation}
        queries = [(self.organisation.pk, own)] + list(elsewhere.items())
        for organisation_id, keys in queries:
            for chunk in _chunks(sorted(keys)):
                people = Person.objects.current().filter(organisation_id=organisation_id, name_key__in=chunk)
                for person in people.order_by("pk"):
                    person.organisation = by_pk.get(organisation_id, self.organisation)
                    self.pools[organisation_id][person.name_key].append(_Who(person))

    def resolve(self, row: _Row) -> None:
        fields = row.fields
        mentor_name, fmt = fields["mentor"], fields["format"]
        sides = self.format_sides.get(fmt.pk, (None, None)) if fmt else (None, None)
        if mentor_name:
            row.mentor = self.resolve_mentor(row, mentor_name, fmt, sides[0])
        for name in fields["mentees"]:
            who = self.find(row, self.mentee_key, name, self.organisation)
            if who is None and fmt is not None:
                who = self.create(row, name, self.category(sides[1], fmt, mentor=False))
            if who is None or who is _AMBIGUOUS:
                continue
            who.refs.append((row, self.mentee_key))
            row.mentees.append(who)
            if name.year:
                self.fill(row, self.mentee_key, who.person, "birth_year", name.year, "год рождения", who=who)
            if self.kind == Kind.MENTEES:
                self.fill(row, "request", who.person, "main_request", fields["request"], "основной запрос", who=who)
        if self.kind == Kind.MENTORS and fields["mentee_workplace"]:
            home = self.named_organisation(fields["mentee_workplace"])
            if home is None or home.pk != self.organisation.pk:
                name = self.organisation.short_name
                row.notes.append(
                    f"место работы наставляемого «{fields['mentee_workplace']}» — не {name}: "
                    f"наставляемые внесены в базу {name}"
                )

    def resolve_mentor(self, row: _Row, name: Name, fmt: MentoringFormat | None, side: str | None):
        home = self.mentor_home(row)
        workplace = row.fields["mentor_workplace"]
        if home is not None and home.pk != self.organisation.pk:
            who = self.find(row, "mentor", name, home)
            if who is None:
                self.problem(
                    row, "mentor",
                    f"В базе «{home.short_name}» (место работы наставника) нет участника «{name.full}». "
                    "Сначала внесите наставника в базу той организации или исправьте ФИО и место работы.",
                )
            if who is None or who is _AMBIGUOUS:
                return None
            row.notes.append(f"наставник из {home.short_name}")
        else:
            who = self.find(row, "mentor", name, self.organisation)
            if who is _AMBIGUOUS:
                return None
            if who is None:
                if fmt is None:
                    return None
                external = home is None
                category = self.category(side, fmt, mentor=True, external=external)
                who = self.create(row, name, category, workplace=workplace if external else "")
                who.external = external
            elif home is None and who.person.category in (PersonCategory.COLLEGE_STUDENT, PersonCategory.EMPLOYEE,
                                                         PersonCategory.GRADUATE):
                self.fill(row, "mentor_workplace", who.person, "workplace", workplace, "место работы наставника",
                          who=who)
        who.refs.append((row, "mentor"))
        if name.year:
            self.fill(row, "mentor", who.person, "birth_year", name.year, "год рождения наставника", who=who)
        if self.kind == Kind.MENTORS:
            fields = row.fields
            for attr, key in (("competencies", "competencies"), ("achievements", "achievements"),
                              ("interests", "interests"), ("desired_mentee_age", "desired_age"),
                              ("time_resource", "time_available")):
                label = self.form.column(key).header[0].lower() + self.form.column(key).header[1:]
                self.fill(row, key, who.person, attr, fields[key], label, who=who)
        return who

    def find(self, row: _Row, key: str, name: Name, organisation: Organisation):
        """The one person `name` means in `organisation`; None: nobody; _AMBIGUOUS: a problem was noted."""
        candidates = self.pools[organisation.pk].get(name.key, [])
        if name.year:
            same = [who for who in candidates if who.person.birth_year == name.year]
            if not same:
                same = [who for who in candidates if who.person.birth_year is None]
        else:
            same = candidates
        if len(same) == 1:
            return same[0]
        if not same:
            return None
        where = "В реестре" if organisation.pk == self.organisation.pk else f"В базе «{organisation.short_name}»"
        if name.year:
            self.problem(
                row, key,
                f"{where} несколько участников «{name.full}» {name.year} г. р. — это дубликаты: "
                "объедините или архивируйте лишние записи в реестре и загрузите файл снова.",
            )
        else:
            if key == "mentee":
                how = "в столбце «Год рождения наставляемого»"
            else:
                how = f"в скобках после ФИО, например «{name.full} (2011)»"
            self.problem(
                row, key,
                f"{where} несколько участников с ФИО «{name.full}» — укажите год рождения {how}, "
                "чтобы было понятно, о ком речь.",
            )
        return _AMBIGUOUS

    def category(self, side: str | None, fmt: MentoringFormat, *, mentor: bool, external: bool = False) -> str:
        if external:
            return {"student": PersonCategory.COLLEGE_STUDENT, "pupil": PersonCategory.GRADUATE,
                    "graduate": PersonCategory.GRADUATE}.get(side, PersonCategory.EMPLOYEE)
        if fmt.participants == Participants.STUDENTS:
            return PersonCategory.STUDENT
        if fmt.participants == Participants.STAFF:
            return PersonCategory.TEACHER
        if side == "student":
            college = self.organisation.kind == OrganisationKind.COLLEGE
            return PersonCategory.STUDENT if college else PersonCategory.COLLEGE_STUDENT
        return {
            "pupil": PersonCategory.STUDENT, "teacher": PersonCategory.TEACHER,
            "employer": PersonCategory.EMPLOYEE, "graduate": PersonCategory.GRADUATE,
        }.get(side, PersonCategory.TEACHER if mentor else PersonCategory.STUDENT)

    def create(self, row: _Row, name: Name, category: str, *, workplace: str = "") -> _Who:
        person = Person(
            organisation=self.organisation, last_name=name.last, first_name=name.first,
            patronymic=name.patronymic, birth_year=name.year, category=category, workplace=workplace,
        )
        person.name_key = person.search_text = name.key  # as Person.save() computes them
        who = _Who(person, new=True, introduced=row)
        self.pools[self.organisation.pk][name.key].append(who)
        self.whos.append(who)
        return who

    def fill(self, row: _Row, key: str, obj, attr: str, value, label: str, *, who: _Who | None = None) -> None:
        """Fill an empty field from the file; a different value already there is kept."""
        if value in (None, ""):
            return
        current = getattr(obj, attr)
        if who is not None and who.new:
            if current in (None, ""):
                setattr(obj, attr, value)
            return
        if isinstance(obj, Person) and obj.organisation_id != self.organisation.pk:
            return  # another organisation's people are not changed here
        if current in (None, ""):
            self.change(obj, attr, value)
            self.blame[id(obj)].append((row, key))
            row.filled.append(label)
        elif _differs(current, value) and label not in row.kept:
            row.kept.append(label)

    def change(self, obj, attr: str, value) -> None:
        changes = self.changes[type(obj)]
        if id(obj) not in changes:
            changes[id(obj)] = (copy.copy(obj), obj, set())
        changes[id(obj)][2].add(attr)
        setattr(obj, attr, value)

    # --- pairs -------------------------------------------------------------------------------

    def load_pairs(self) -> None:
        mentor_ids = sorted({row.mentor.person.pk for row in self.rows if row.mentor and not row.mentor.new})
        for chunk in _chunks(mentor_ids):
            pairs = MentoringPair.objects.filter(organisation=self.organisation, mentor_id__in=chunk).order_by("pk")
            for pair in pairs:
                self.pairs.setdefault((pair.mentor_id, pair.format_id, pair.entry_date), pair)
        pair_ids = sorted(pair.pk for pair in self.pairs.values())
        for chunk in _chunks(pair_ids):
            for participation in PairMentee.objects.filter(pair_id__in=chunk):
                self.participations[(participation.pair_id, participation.mentee_id)] = participation

    def join_group(self, row: _Row) -> None:
        fields = row.fields
        fmt, entry = fields["format"], fields["entry_date"]
        key = (row.mentor, fmt.pk, entry)
        group = self.groups.get(key)
        if group is None:
            group = _Group(row.mentor, fmt, entry)
            if not row.mentor.new:
                pair = self.pairs.get((row.mentor.person.pk, fmt.pk, entry))
                if pair is not None:
                    pair.mentor, pair.format, pair.organisation = row.mentor.person, fmt, self.organisation
                    group.pair, group.new = pair, False
            self.groups[key] = group
        end = fields["end_date"]
        if end and group.end_date and end != group.end_date:
            self.problem(
                row, "end_date",
                f"У этой пары (наставник {row.mentor.person.full_name}, «{fmt.name}», с {entry:%d.%m.%Y}) "
                f"в строке {group.end_row.number} указана другая дата завершения — {group.end_date:%d.%m.%Y}. "
                "У пары или группы одна дата завершения: исправьте одну из строк.",
            )
            return
        if end and not group.end_date:
            group.end_date, group.end_row = end, row
        if self.kind == Kind.MENTORS:
            if fields["results"] and not group.results:
                group.results, group.results_row = fields["results"], row
            if fields["feedback"] and not group.feedback_url:
                group.feedback_url, group.feedback_row = fields["feedback"], row
        group.rows.append(row)
        row.group = group
        for who in row.mentees:
            member = group.members.get(who)
            if member is None:
                existing = None
                if group.pair is not None and not who.new:
                    existing = self.participations.get((group.pair.pk, who.person.pk))
                    if existing is not None:  # named for the audit trail without queries
                        existing.pair, existing.mentee, existing.mentor = group.pair, who.person, group.pair.mentor
                member = group.members[who] = _Member(who, row, existing)
            elif member in row.members:
                continue  # named twice in one cell
            else:
                row.notes.append(f"{short_name(who.person)} уже в этой паре по строке {member.row.number}")
            row.members.append(member)
            if self.kind == Kind.MENTEES:
                for key, attr, value, label in (
                    ("results", "results", fields["results"], "результаты программы"),
                    ("feedback", "feedback_url", fields["feedback"], "ссылка на отзыв"),
                    ("completion_mark", "completion_mark", fields["mark"], "отметка о прохождении"),
                ):
                    if member.existing is not None:
                        self.fill(row, key, member.existing, attr, value, label)
                    elif value and not getattr(member, attr):
                        setattr(member, attr, value)

    def fill_pairs(self) -> None:
        for group in self.groups.values():
            if group.new:
                continue
            if group.end_row:
                self.fill(group.end_row, "end_date", group.pair, "end_date", group.end_date, "дата завершения")
            if group.results:
                self.fill(group.results_row, "results", group.pair, "results", group.results,
                          "результаты программы")
            if group.feedback_url:
                self.fill(group.feedback_row, "feedback", group.pair, "mentor_feedback_url", group.feedback_url,
                          "ссылка на отзыв наставника")

    def end_of(self, group: _Group) -> date | None:
        return group.end_date if group.new else group.pair.end_date

    def check_file_clashes(self) -> None:
        """A mentee named in two active pairs of one form within the file (the registry's own
        pairs are check_pair's business)."""
        seen: dict[tuple, tuple[_Group, _Member]] = {}
        members = [
            (member.row.number, group, member)
            for group in self.groups.values()
            if self.end_of(group) is None
            for member in group.members.values()
            if member.existing is None
        ]
        for _, group, member in sorted(members, key=lambda item: item[0]):
            if not member.row.ok:
                continue
            first = seen.setdefault((member.who, group.format.pk), (group, member))
            if first[0] is group:
                continue
            self.problem(
                member.row, self.mentee_key,
                f"{member.who.person.full_name} уже в другой действующей паре формы «{group.format.name}» "
                f"(наставник — {first[0].mentor.person.full_name}, строка {first[1].row.number}): в одной форме "
                "у наставляемого одна действующая пара. Укажите дату завершения той пары или исправьте строку.",
            )

    # --- writing -----------------------------------------------------------------------------

    def write(self) -> None:
        with transaction.atomic():
            self.insert_people()
            self.save_changes(Person)
            ended = self.save_changes(MentoringPair)
            # As save_pair keeps the copies in step (participation_facts): a completed pair's
            # participations are no longer active.
            for chunk in _chunks([pair.pk for pair in ended if pair.end_date is not None]):
                PairMentee.objects.filter(pair_id__in=chunk).update(active=False)
            self.check_rules()
            self.insert_pairs()
            self.insert_participations()
            self.save_changes(PairMentee)
            self.audit.flush()
            # A mentor of another organisation: their load is part of that organisation's checks.
            self.touched.update(
                group.mentor.person.organisation_id for group in self.groups.values() if group.usable_members()
            )
            freshness.touch(*self.touched)
            keep = self.commit and not self.all_problems
            if not keep:
                transaction.set_rollback(True)
        self.report.saved = keep

    def guarded(self, objects: list, write: Callable[[list], None], blame: Callable, *, insert: bool) -> list:
        """Write all at once; if the database refuses, write one by one to find the rows it refuses."""
        if not objects:
            return []
        try:
            with transaction.atomic():
                write(objects)
            return objects
        except (IntegrityError, DataError):
            pass
        written = []
        for obj in objects:
            if insert:
                obj.pk = None
                obj._state.adding = True
            try:
                with transaction.atomic():
                    write([obj])
                written.append(obj)
            except IntegrityError as error:
                for row, key in blame(obj):
                    self.problem(row, key, integrity_message(error))
            except DataError:
                for row, key in blame(obj):
                    self.problem(row, key, "Значение не помещается в поле реестра: сократите текст или исправьте "
                                           "число.")
        return written

    def insert_people(self) -> None:
        wanted = [who for who in self.whos if any(row.ok for row, _ in who.refs)]
        by_person = {id(who.person): who for who in wanted}
        people = self.guarded(
            [who.person for who in wanted],
            lambda objs: Person.objects.bulk_create(objs, batch_size=BATCH),
            lambda person: by_person[id(person)].refs,
            insert=True,
        )
        self.audit.created(people)

    def save_changes(self, model) -> list:
        items = list(self.changes[model].values())
        if not items:
            return []
        fields = set().union(*(changed for _, _, changed in items))
        now = timezone.now()
        for _, obj, _ in items:
            if hasattr(obj, "version"):
                obj.version += 1  # as concurrency's save would: an edit form opened before is refused
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
        extra = {name for name in ("version", "updated_at") if hasattr(items[0][1], name)}
        written = self.guarded(
            [obj for _, obj, _ in items],
            lambda objs: model.objects.bulk_update(objs, sorted(fields | extra), batch_size=BATCH),
            lambda obj: self.blame[id(obj)],
            insert=False,
        )
        done = {id(obj) for obj in written}
        for before, obj, changed in items:
            if id(obj) in done:
                self.audit.updated(before, obj, changed)
        return written

    def draft_pair(self, group: _Group) -> MentoringPair:
        if group.pair is None:
            group.pair = MentoringPair(
                organisation=self.organisation, mentor=group.mentor.person, format=group.format,
                entry_date=group.entry_date, end_date=group.end_date, results=group.results,
                mentor_feedback_url=group.feedback_url,
            )
            if group.end_date:
                group.pair.stage = PairStage.RESULT
        return group.pair

    def check_rules(self) -> None:
        """check_pair over every pair that gains mentees, its messages placed on their rows."""
        done = len(self.rows)
        for group in self.groups.values():
            members = [member for member in group.usable_members() if member.existing is None]
            done += len(group.rows)
            self.tick(done)
            if not members:
                continue
            pair = self.draft_pair(group)
            mentees = [member.who.person for member in members]
            if all(member.who.new for member in members):
                # People new to the registry have no pairs in it to clash with (clashes within the
                # file are check_file_clashes' business): check a completed copy, with no query.
                errors = check_pair(self.completed_copy(pair), mentees)
            else:
                errors = check_pair(pair, mentees)
            if not errors:
                continue
            mentor_errors = self.mentor_errors(pair)
            for error in errors:
                if error in mentor_errors:
                    if group.mentor.external:
                        error += (
                            f" {group.mentor.person.full_name} вносится как внешний участник: место работы "
                            f"«{group.mentor.person.workplace}» — не организация муниципалитета."
                        )
                    for member in members:
                        self.problem(member.row, "mentor", error)
                    continue
                for member in self.members_named(error, members):
                    self.problem(member.row, self.mentee_key, error)

    @staticmethod
    def completed_copy(pair: MentoringPair) -> MentoringPair:
        """The pair as if completed: check_pair looks for clashes with other active pairs only for an
        active pair, so it checks the copy without a query."""
        return MentoringPair(
            pk=pair.pk, organisation_id=pair.organisation_id, mentor=pair.mentor, format=pair.format,
            entry_date=pair.entry_date, end_date=pair.entry_date,
        )

    def mentor_errors(self, pair: MentoringPair) -> set[str]:
        """The messages of check_pair about the mentor alone."""
        return set(check_pair(self.completed_copy(pair), []))

    @staticmethod
    def members_named(message: str, members: list[_Member]) -> list[_Member]:
        named = [m for m in members if _contains_words(message, m.who.person.full_name)]
        longest = [m for m in named if not any(
            other.who.person.full_name != m.who.person.full_name
            and m.who.person.full_name in other.who.person.full_name for other in named
        )]
        return longest or members

    def insert_pairs(self) -> None:
        groups = [g for g in self.groups.values() if g.new and g.usable_members()]
        by_pair = {id(self.draft_pair(group)): group for group in groups}
        pairs = self.guarded(
            [group.pair for group in groups],
            lambda objs: MentoringPair.objects.bulk_create(objs, batch_size=BATCH),
            lambda pair: [(member.row, "end_date") for member in by_pair[id(pair)].usable_members()],
            insert=True,
        )
        self.audit.created(pairs)

    def insert_participations(self) -> None:
        rows, by_participation = [], {}
        for group in self.groups.values():
            members = [member for member in group.usable_members() if member.existing is None]
            if not members:
                continue
            facts = participation_facts(group.pair)
            for member in members:
                mentee = member.who.person
                participation = PairMentee(
                    pair=group.pair, mentee=mentee, mentee_organisation_id=mentee.organisation_id,
                    mentee_category=mentee.category, results=member.results, feedback_url=member.feedback_url,
                    completion_mark=member.completion_mark, **facts,
                )
                participation.mentor = group.pair.mentor  # for the audit entry's text, without a query
                by_participation[id(participation)] = member
                rows.append(participation)
        written = self.guarded(
            rows,
            lambda objs: PairMentee.objects.bulk_create(objs, batch_size=BATCH),
            lambda participation: [(by_participation[id(participation)].row, self.mentee_key)],
            insert=True,
        )
        self.audit.created(written)

    # --- the report --------------------------------------------------------------------------

    def describe(self) -> None:
        report = self.report
        for who in {who for row in self.rows if row.ok for who in (row.mentor, *row.mentees) if who}:
            (report.created if who.new else report.matched)["people"] += 1
            if not who.new and id(who.person) in self.changes[Person]:
                report.filled["people"] += 1
        for group in self.groups.values():
            members = group.usable_members()
            if not members:
                continue
            (report.created if group.new else report.matched)["pairs"] += 1
            if not group.new and id(group.pair) in self.changes[MentoringPair]:
                report.filled["pairs"] += 1
            for member in members:
                (report.created if member.existing is None else report.matched)["participations"] += 1
                if member.existing is not None and id(member.existing) in self.changes[PairMentee]:
                    report.filled["participations"] += 1
        report.lines = [(row.number, self.line(row)) for row in self.rows]
        report.problem_count = len(self.all_problems)
        problems = sorted(self.all_problems, key=lambda p: (p.row or 0, len(p.column or ""), p.column or ""))
        report.problems = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            report.problems.append(
                Problem(None, None, None, f"… и ещё {more} {_plural(more, 'ошибка', 'ошибки', 'ошибок')}.")
            )

    def line(self, row: _Row) -> str:
        if not row.ok:
            return "Не загружается: исправьте ошибки этой строки."
        group = row.group
        count = len(group.usable_members())
        new_members = [member for member in row.members if member.existing is None]
        if group.new:
            head = "Новая пара" if count == 1 else (
                f"Новая группа ({count} {_plural(count, 'наставляемый', 'наставляемых', 'наставляемых')})")
        elif not new_members:
            head = "Уже в реестре"
        else:
            head = "Пара уже в реестре, добавлен наставляемый" if len(new_members) == 1 else (
                "Пара уже в реестре, добавлены наставляемые")
        mentees = ", ".join(short_name(member.who.person) for member in row.members)
        text = (f"{head}: {short_name(group.mentor.person)} — {mentees}, «{group.format.name}», "
                f"с {group.entry_date:%d.%m.%Y}")
        end = self.end_of(group)
        if end:
            text += f", завершена {end:%d.%m.%Y}"
        parts = [text]
        introduced = [who for who in (row.mentor, *row.mentees) if who and who.new and who.introduced is row]
        if introduced:
            parts.append("новые участники: " + ", ".join(self.person_label(who) for who in introduced))
        if row.filled:
            parts.append("дополнено: " + ", ".join(dict.fromkeys(row.filled)))
        if row.kept:
            parts.append("в реестре другое значение, оставлено: " + ", ".join(dict.fromkeys(row.kept)))
        parts.extend(row.notes)
        return "; ".join(parts)

    @staticmethod
    def person_label(who: _Who) -> str:
        person = who.person
        label = f"{short_name(person)} ({PersonCategory(person.category).label.lower()}"
        if person.workplace:
            label += f", место работы: {person.workplace}"
        return label + ")"


def run_import(
    data,
    filename: str,
    kind: Kind,
    organisation: Organisation,
    user: User | None,
    *,
    commit: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check an uploaded base and, with commit=True and no problem at all, save it in one transaction."""
    kind = Kind(kind)
    form = FORMS[kind]
    report = ImportReport(kind=kind, organisation=organisation, filename=filename)
    try:
        sheet = read_form(data, filename, form)
    except WorkbookError as error:
        report.problems.append(Problem(None, None, None, error.message))
        report.problem_count = 1
        return report
    report.rows_read = len(sheet.rows)
    for column in sheet.missing:
        if column.key in REQUIRED[kind]:
            report.problems.append(Problem(
                None, None, column.header,
                f"В строке заголовков (строка {sheet.header_row}, лист «{sheet.sheet_name}») нет столбца "
                f"«{column.header}». Добавьте его — с названием как в официальной форме «{form.title}».",
            ))
    if not report.problems and not sheet.rows:
        report.problems.append(Problem(
            None, None, None,
            f"Под строкой заголовков (строка {sheet.header_row}, лист «{sheet.sheet_name}») нет ни одной "
            "заполненной строки — загружать нечего.",
        ))
    if report.problems:
        report.problem_count = len(report.problems)
        return report
    _Import(report, sheet, user, commit, progress).run()
    return report
