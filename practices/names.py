"""Names kept off the public page: which words of a practice's public texts are the surname of someone in the
department's registry (its people and its users), in any grammatical case.

A surname's stem is the surname without a last vowel («Иванова» → «иванов», «Петров» → «петров»); a word
is that surname when it starts with a stem and has at most three more letters: «Ивановой», «Иванову»,
«Петрова», «Петровым» (ё read as е, any letter case). The same rule as the erasure's redaction
(registry/privacy.py `name_pattern`), applied word by word so that a department of 100 000 people costs a
set look-up per word. It errs towards finding: a common word that is someone's surname («Мороз») is
found too, and the methodist rephrases it.

- `findings(practice)`: what the methodist is shown before publishing (publishing is refused while any);
- `mask(text, stems)`: the public page's second line of defence — a surname added to the registry after
  the practice was published is replaced by «***» on the public page, in the feed and in file names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from registry import freshness
from registry.models import Membership, Organisation, Person, User

_ENDINGS = "аяоеуюыиьй"
_MORE = 3  # letters a case ending adds to a stem
_WORD = re.compile(r"[^\W\d_]+")
MASK = "***"


def _low(word: str) -> str:
    return word.lower().replace("ё", "е")


def stem(surname_part: str) -> str | None:
    low = _low(surname_part)
    if len(low) < 3 or not low.isalpha():
        return None
    return low[:-1] if len(low) > 3 and low[-1] in _ENDINGS else low


def _stem_of_word(word: str, stems: Collection[str]) -> str | None:
    """The registry stem this word is a form of, or None."""
    low = _low(word)
    for cut in range(0, _MORE + 1):
        if len(low) - cut < 3:
            break
        candidate = low[: len(low) - cut] if cut else low
        if candidate in stems:
            return candidate
    return None


def _surnames(department_id: int) -> Iterable[tuple[str, str, str, str]]:
    """(surname, first name, patronymic, where) of every person and user of the department."""
    people = Person.objects.filter(organisation__department_id=department_id).values_list(
        "last_name", "first_name", "patronymic", "organisation__short_name"
    )
    yield from people.iterator(chunk_size=5000)
    users = User.objects.filter(
        pk__in=Membership.objects.filter(department_id=department_id).values("user_id")
    ).values_list("last_name", "first_name", "patronymic")
    for last, first, patronymic in users:
        yield last, first, patronymic, "пользователь"


def who_by_stem(department_id: int) -> dict[str, list[str]]:
    """Each surname stem of the department → who bears it («Иванова М. А. (МБОУ СОШ № 1)»)."""
    found: dict[str, list[str]] = defaultdict(list)
    for last, first, patronymic, where in _surnames(department_id):
        initials = " ".join(f"{p[0]}." for p in (first, patronymic) if p)
        label = f"{last} {initials} ({where})".replace("  ", " ")
        for part in re.split(r"[\s-]+", last):
            if (key := stem(part)) is not None and len(found[key]) < 5:
                found[key].append(label)
    return dict(found)


def stems(department_id: int) -> frozenset[str]:
    """The department's surname stems, kept while its people do not change (registry/freshness.py); the
    users' part is keyed by the department's memberships (a new user renews it)."""
    organisation_ids = list(Organisation.objects.filter(department_id=department_id).values_list("pk", flat=True))
    members = Membership.objects.filter(department_id=department_id).order_by("-pk").values_list("pk", flat=True)
    version = f"{freshness.version(organisation_ids, [freshness.PEOPLE])}-{list(members[:1])}-{members.count()}"
    return freshness.cached(
        f"practices:surname-stems:{department_id}",
        version,
        lambda: (
            frozenset(stem(p) or "" for last, *_ in _surnames(department_id) for p in re.split(r"[\s-]+", last)) - {""}
        ),
    )


@dataclass(frozen=True)
class Finding:
    where: str  # «название», «описание», «имя файла «…»»
    word: str  # the word as written
    who: tuple[str, ...]  # whose surname it is


def find(texts: list[tuple[str, str]], by_stem: dict[str, list[str]]) -> list[Finding]:
    """Each word of each (where, text) that is a surname of the registry."""
    result = []
    for where, text in texts:
        seen = set()
        for match in _WORD.finditer(text or ""):
            word = match.group()
            key = _stem_of_word(word, by_stem)
            if key is not None and _low(word) not in seen:
                seen.add(_low(word))
                result.append(Finding(where=where, word=word, who=tuple(by_stem[key])))
    return result


def public_texts(practice) -> list[tuple[str, str]]:
    """What the public page shows of the practice, as (where, text)."""
    texts = [("название", practice.title), ("описание", practice.description)]
    texts += [(f"имя файла «{f.original_name}»", f.original_name) for f in practice.files.all()]
    return texts


def findings(practice) -> list[Finding]:
    return find(public_texts(practice), who_by_stem(practice.department_id))


def mask(text: str, known: frozenset[str] | set[str]) -> str:
    """`text` with every word that is a registry surname replaced by MASK."""
    return _WORD.sub(lambda m: MASK if _stem_of_word(m.group(), known) else m.group(), text or "")
