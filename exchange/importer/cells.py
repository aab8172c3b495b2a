"""Reading one cell: its text, a ФИО, a birth year, a link, a completion mark; the keys forms and
organisations are compared by, and the sides a form's name pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from common.files.cells import parse_date
from common.text import normalise
from registry.models import CompletionMark, Person

_SPACES = re.compile(r"\s+")
_DASH = "-‐‑‒–—―−"
_DASHES = re.compile(rf"\s*[{_DASH}]\s*")
_QUOTES = re.compile(r"[«»\"“”„'`]")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_INITIALS = re.compile(r"[^\W\d_]\.?|[^\W\d_]\.[^\W\d_]\.?")
_YEAR_AFTER_NAME = re.compile(r"[\s,]*\(?\s*((?:19|20)\d{2})\s*(?:г\.?\s*(?:р\.?)?|года?(?:\s+рождения)?)?\s*\)?\s*$")
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
        raise ValueError(f"«{text}» — больше четырёх слов: в ячейке должно быть одно ФИО «Фамилия Имя Отчество».")
    if any(_INITIALS.fullmatch(word) for word in words[1:]):
        raise ValueError(
            f"«{text}» — инициалы вместо имени: напишите фамилию, имя и отчество полностью, "
            "например «Иванов Иван Иванович»."
        )
    if not all(_NAME_WORD.fullmatch(word) for word in words):
        raise ValueError(f"В ФИО «{text}» есть цифры или лишние знаки: оставьте только фамилию, имя и отчество.")
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
        if (
            len(pieces) > 1
            and not is_year[0]
            and all(year or 2 <= len(piece.split()) <= 4 for piece, year in zip(pieces, is_year, strict=False))
        ):
            for piece, year in zip(pieces, is_year, strict=False):
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


_PASSED = (
    "прошел", "прошла", "прошли", "да", "+", "пройдена", "пройдено", "пройден", "завершил", "завершила",
    "завершено", "завершена", "зачтено", "выполнено", "освоил", "освоила", "освоена",
)  # fmt: skip
_NOT_PASSED = (
    "не прошел", "не прошла", "нет", "-", "не завершил", "не завершила", "не завершено", "не завершена",
    "не пройдена", "не пройдено", "не зачтено", "не освоил", "не освоила", "выбыл", "выбыла",
)  # fmt: skip
_MARKS = {
    **dict.fromkeys(_PASSED, CompletionMark.PASSED),
    **dict.fromkeys(_NOT_PASSED, CompletionMark.NOT_PASSED),
    # Not a mark yet: the program goes on.
    "в процессе": "",
    "продолжает": "",
    "продолжается": "",
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
    positions = [(text.find(stem), side) for side, stems in _SIDE_STEMS for stem in stems if stem in text]
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
