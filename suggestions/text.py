"""Russian text as the matching reads it: the set of dictionary forms (lemmas) of its meaningful words.

«подготовка к ОГЭ по математике» and «учитель математики, эксперт ОГЭ» share «огэ» and «математика».
The analyzer is pymorphy3's, the one instance `common/russian.py` keeps; a word's lemma is remembered, so
a department's texts (a few hundred distinct words) are analysed once per process.
"""

from __future__ import annotations

import re
from functools import lru_cache

from common import russian

_WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+(?:-[0-9A-Za-zА-Яа-яЁё]+)*")
# Parts of speech that carry no subject: prepositions, conjunctions, particles, interjections, pronouns.
_EMPTY = {"PREP", "CONJ", "PRCL", "INTJ", "NPRO", "PRED"}
# Words every request or competency has, that tell nothing of the subject (their lemmas).
STOP = frozenset(
    {
        "год",
        "лет",
        "класс",
        "работа",
        "навык",
        "умение",
        "свой",
        "весь",
        "который",
        "учитель",
        "педагог",
        "преподаватель",
        "воспитатель",
        "заместитель",
        "директор",
    }
)


@lru_cache(maxsize=100_000)
def lemma(word: str) -> str:
    """The word's dictionary form (lower case, ё read as е), or "" for a word that carries no subject."""
    parses = russian._morph().parse(word)
    if parses[0].tag.POS in _EMPTY:
        return ""
    # A word read two ways («математика»: the subject, or a mathematician's genitive) gets the same lemma
    # whichever form it stands in: the longest of its readings' normal forms (then the first in order).
    forms = {parse.normal_form.replace("ё", "е") for parse in parses if parse.tag.POS not in _EMPTY}
    normal = min(forms, key=lambda form: (-len(form), form))
    return "" if normal in STOP else normal


def lemmas(text: str) -> frozenset[str]:
    """The lemmas of the meaningful words of `text` (two letters and more: «ИТ», «ОГЭ»)."""
    found = set()
    for word in _WORD.findall(text or ""):
        if len(word) < 2 or word.isdigit():
            continue
        found.add(lemma(word.lower()))
    found.discard("")
    return frozenset(found)


def joined(words: frozenset[str] | set[str]) -> str:
    """Lemmas as stored (`PersonLemmas`): sorted, space-separated."""
    return " ".join(sorted(words))


def split(stored: str | None) -> frozenset[str]:
    return frozenset(stored.split()) if stored else frozenset()
