"""Russian as users read it: the plural form that goes with a number, and the verb's gender that goes with
a person.

`plural(n, "пара", "пары", "пар")` is the word for n (1 пара, 2 пары, 5 пар, 11 пар, 21 пара);
`counted(n, …)` the number with it. In a template: `{% load russian %}{{ n|counted:"пара,пары,пар" }}`.

`gender(last_name, first_name, patronymic)` is "m", "f" or "" (unknown): from the patronymic (-вич / -вна,
-оглы / -кызы), which settles it for almost everyone in a Russian registry, else from the first name by
pymorphy3's dictionary (Ирина, Пётр; not Саша or Женя, which are both), else from the surname's ending
(-ова / -ов). `gendered(person, "добавлен", "добавлена")` picks the form; unknown gives «добавлен(а)»,
as a careful clerk writes when the person is not known.
"""

from __future__ import annotations

from functools import lru_cache

import pymorphy3
from django import template


def plural(number: int, one: str, few: str, many: str) -> str:
    """The form of a word that goes with `number`: one (1, 21, 101), few (2–4, 22–24), many (0, 5–20, 25…)."""
    number = abs(int(number))
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


def counted(number: int, one: str, few: str, many: str) -> str:
    """«1 пара», «3 пары», «25 пар»."""
    return f"{number} {plural(number, one, few, many)}"


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


def warm_up() -> None:
    """Load the morphology dictionary now, not in the first request that declines a word."""
    _morph()


_MALE_PATRONYMIC = ("вич", "ич", "оглы", "улы", "уулу")
_FEMALE_PATRONYMIC = ("вна", "чна", "шна", "кызы", "гызы", "кизи")
_FEMALE_SURNAME = ("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая")
_MALE_SURNAME = ("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ой", "ый")


@lru_cache(maxsize=4096)
def gender(last_name: str = "", first_name: str = "", patronymic: str = "") -> str:
    """ "m", "f", or "" when the name does not tell."""
    patronymic = (patronymic or "").strip().lower()
    if patronymic.endswith(_FEMALE_PATRONYMIC):
        return "f"
    if patronymic.endswith(_MALE_PATRONYMIC):
        return "m"
    first = (first_name or "").strip()
    if first:
        genders = {
            str(parse.tag.gender) for parse in _morph().parse(first) if "Name" in parse.tag and parse.score >= 0.3
        }
        if genders == {"femn"}:
            return "f"
        if genders == {"masc"}:
            return "m"
    last = (last_name or "").strip().lower()
    if last.endswith(_FEMALE_SURNAME):
        return "f"
    if last.endswith(_MALE_SURNAME):
        return "m"
    return ""


def gender_of(person) -> str:
    """The gender of anyone with last_name, first_name and patronymic (a person, a user)."""
    return gender(
        getattr(person, "last_name", "") or "",
        getattr(person, "first_name", "") or "",
        getattr(person, "patronymic", "") or "",
    )


def gendered(person, masculine: str, feminine: str) -> str:
    """The form of a word that goes with the person; «добавлен(а)» when their gender is not known."""
    found = gender_of(person)
    if found == "m":
        return masculine
    if found == "f":
        return feminine
    return _both(masculine, feminine)


def _both(masculine: str, feminine: str) -> str:
    """«добавлен(а)», «установил(а)» where the feminine form adds an ending; «перемещён / перемещена» else."""
    if feminine.startswith(masculine):
        return f"{masculine}({feminine[len(masculine) :]})"
    return f"{masculine} / {feminine}"


# --- Names in the cases a document needs -------------------------------------------------------------

CASES = ("nomn", "gent", "datv", "ablt", "accs")  # именительный, родительный, дательный, творительный, винительный
_HUSHING = tuple("жшчщц")
_VELAR_OR_HUSHING = tuple("гкхжшчщ")
_VOWELS = "аеёиоуыэюя"
# Surnames that never change: Шевченко, Черных, Долгих, Живаго, Дурново, Гюго, Руссо, Ли, Ву.
_INDECLINABLE_SURNAME = ("о", "е", "э", "и", "ы", "у", "ю", "ых", "их")


def _keep_case(source: str, word: str) -> str:
    """`word` written as `source` is: «Анна» → «Анне», «АННА» → «АННЕ»."""
    if source.isupper() and len(source) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if source[:1].isupper() else word


def _ending(word: str, cut: int, endings: dict[str, str], case: str) -> str:
    return word[: len(word) - cut] + endings[case] if cut else word + endings[case]


def _surname_part(word: str, sex: str, case: str) -> str:
    """One part of a surname (a double one is declined part by part) in `case`, by the rules of Russian
    surnames: -ов/-ин and -ский like adjectives, -а/-я like nouns, a man's surname ending in a consonant like
    a noun; a woman's in a consonant, and -о, -их/-ых, -ко and other vowels never change."""
    low = word.lower()
    if case == "nomn" or len(low) < 2 or low.endswith(_INDECLINABLE_SURNAME):
        return word
    if sex == "f":
        if low.endswith(("ская", "цкая")) or (low.endswith("ая") and len(low) > 4):
            return _keep_case(word, _ending(low, 2, {"gent": "ой", "datv": "ой", "ablt": "ой", "accs": "ую"}, case))
        if low.endswith(("ова", "ева", "ёва", "ина", "ына")):
            return _keep_case(word, _ending(low, 1, {"gent": "ой", "datv": "ой", "ablt": "ой", "accs": "у"}, case))
        if low.endswith(("а", "я")):
            return _keep_case(word, _noun_in_a(low, case))
        return word  # Шмидт, Ким, Гринберг, Кравец — a woman's surname in a consonant stays
    if low.endswith(("ский", "цкий")):
        return _keep_case(word, _ending(low, 2, {"gent": "ого", "datv": "ому", "ablt": "им", "accs": "ого"}, case))
    if low.endswith(("ой", "ый")) and len(low) > 3:  # Толстой, Гладкий-like adjectival surnames
        ablt = "им" if low[-3] in _VELAR_OR_HUSHING else "ым"
        return _keep_case(word, _ending(low, 2, {"gent": "ого", "datv": "ому", "ablt": ablt, "accs": "ого"}, case))
    if low.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return _keep_case(word, _ending(low, 0, {"gent": "а", "datv": "у", "ablt": "ым", "accs": "а"}, case))
    if low.endswith(("а", "я")):
        return _keep_case(word, _noun_in_a(low, case))
    if low.endswith("ь"):
        return _keep_case(word, _ending(low, 1, {"gent": "я", "datv": "ю", "ablt": "ем", "accs": "я"}, case))
    if low.endswith("й"):
        return _keep_case(word, _ending(low, 1, {"gent": "я", "datv": "ю", "ablt": "ем", "accs": "я"}, case))
    if low[-1] in _VOWELS:
        return word
    ablt = "ем" if low.endswith(_HUSHING) else "ом"
    return _keep_case(word, _ending(low, 0, {"gent": "а", "datv": "у", "ablt": ablt, "accs": "а"}, case))


def _noun_in_a(low: str, case: str) -> str:
    """A word in -а/-я declined as a noun: Сковорода, Глинка, Зозуля, Гарсия."""
    if low.endswith("ия"):
        return _ending(low, 1, {"gent": "и", "datv": "и", "ablt": "ей", "accs": "ю"}, case)
    soft = low.endswith("я")
    gent = "и" if soft or low[-2] in _VELAR_OR_HUSHING else "ы"
    ablt = "ей" if soft or low[-2] in _HUSHING else "ой"
    return _ending(low, 1, {"gent": gent, "datv": "е", "ablt": ablt, "accs": "ю" if soft else "у"}, case)


def _first_name(word: str, sex: str, case: str) -> str:
    """A first name by pymorphy3's dictionary of names (Пётр → Петра, Любовь → Любови, Айгуль stays);
    a name it does not know by the rules of nouns (a woman's name in a consonant stays)."""
    if case == "nomn" or not word:
        return word
    gender = {"m": "masc", "f": "femn"}.get(sex)
    for parse in _morph().parse(word):
        if "Name" not in parse.tag or parse.tag.case != "nomn" or parse.tag.number != "sing":
            continue
        if gender and parse.tag.gender != gender:
            continue
        declined = parse.inflect({case, "sing"})
        if declined is not None:
            return _keep_case(word, declined.word)
    low = word.lower()
    if low.endswith(("а", "я")):
        return _keep_case(word, _noun_in_a(low, case))
    if sex == "f" or low[-1] in _VOWELS:
        return word
    if low.endswith(("ь", "й")):
        return _keep_case(word, _ending(low, 1, {"gent": "я", "datv": "ю", "ablt": "ем", "accs": "я"}, case))
    ablt = "ем" if low.endswith(_HUSHING) else "ом"
    return _keep_case(word, _ending(low, 0, {"gent": "а", "datv": "у", "ablt": ablt, "accs": "а"}, case))


def _patronymic(word: str, sex: str, case: str) -> str:
    """Иванович → Ивановича, Ивановичу, Ивановичем; Петровна → Петровны, Петровне, Петровной, Петровну;
    «оглы», «кызы» stay."""
    low = word.lower()
    if case == "nomn" or not low:
        return word
    if low.endswith("ич"):
        return _keep_case(word, _ending(low, 0, {"gent": "а", "datv": "у", "ablt": "ем", "accs": "а"}, case))
    if low.endswith("на"):
        return _keep_case(word, _ending(low, 1, {"gent": "ы", "datv": "е", "ablt": "ой", "accs": "у"}, case))
    return word


def decline_name(last_name: str, first_name: str = "", patronymic: str = "", case: str = "gent") -> str:
    """The full name in `case` («gent», «datv», «ablt», «accs»; «nomn» as it is), the gender told by the
    patronymic (else by the first name, else by the surname — see `gender`): «Иванова Анна Петровна» →
    «Ивановой Анны Петровны»; a double surname part by part (Петрова-Водкина → Петровой-Водкиной); Шевченко,
    Черных, a woman's Шмидт stay. Parts that are empty are left out."""
    if case not in CASES:
        raise ValueError(f"Unknown case {case!r}: one of {CASES}")
    sex = gender(last_name or "", first_name or "", patronymic or "")
    surname = " ".join(
        "-".join(_surname_part(part, sex, case) for part in word.split("-")) for word in (last_name or "").split()
    )
    parts = [
        surname,
        " ".join(_first_name(word, sex, case) for word in (first_name or "").split()),
        " ".join(_patronymic(word, sex, case) for word in (patronymic or "").split()),
    ]
    return " ".join(part for part in parts if part)


def decline_person(person, case: str) -> str:
    """`decline_name` for anyone with last_name, first_name and patronymic (a person, a user)."""
    return decline_name(
        getattr(person, "last_name", "") or "",
        getattr(person, "first_name", "") or "",
        getattr(person, "patronymic", "") or "",
        case,
    )


MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def date_in_words(day) -> str:
    """A date as orders write it: «01 сентября 2026 г.»; "" for none."""
    if day is None:
        return ""
    return f"{day.day:02d} {MONTHS_GENITIVE[day.month - 1]} {day.year} г."


# --- In templates: {% load russian %} (TEMPLATES' "libraries" in mentoring/settings.py) ---------------

register = template.Library()


@register.filter(name="plural")
def plural_filter(number, forms: str) -> str:
    """{{ n|plural:"пара,пары,пар" }} → the word alone."""
    one, few, many = forms.split(",")
    return plural(int(number or 0), one, few, many)


@register.filter(name="counted")
def counted_filter(number, forms: str) -> str:
    """{{ n|counted:"пара,пары,пар" }} → «3 пары»."""
    one, few, many = forms.split(",")
    return counted(int(number or 0), one, few, many)


@register.filter(name="gendered")
def gendered_filter(person, forms: str) -> str:
    """{{ person|gendered:"был,была" }} → the form that goes with the person."""
    masculine, feminine = forms.split(",")
    return gendered(person, masculine, feminine)
