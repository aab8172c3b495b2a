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
