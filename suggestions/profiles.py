"""People as the matching reads them: lemmas of their texts (kept in `PersonLemmas`), capacity, load, age.

Reading a set of people costs one query, and one more (with one upsert) for those whose lemmas are missing
or older than the person's `version` — a person saved since, or people bulk-loaded by `generate_data` or
an import. So the first suggestion in a fresh department reads its people's texts once; later ones read
only the stored lemmas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from registry.models import Consent, PairMentee, Person
from registry.models.people import ADULT_AGE, STUDENT_CATEGORIES
from suggestions import text
from suggestions.models import PersonLemmas

# Lemma field → the person's text it is read from.
SOURCES = {
    "request": "main_request",
    "competencies": "competencies",
    "achievements": "achievements",
    "interests": "interests",
    "position": "position",
}
DEFAULT_CAPACITY = 1  # no desired load and no time given: one mentee at a time
MAX_CAPACITY_FROM_TIME = 5
BATCH = 2000


@dataclass
class Reading:
    """A person as the score reads them: the lemmas of each text as stored (`stored`: space-separated), and
    as sets when asked (the reasons of a few, the mentees' side of a proposal)."""

    pk: int
    organisation_id: int
    category: str
    birth_year: int | None
    stored: dict[str, str]
    age_range: tuple[int, int] | None
    capacity: int
    load: int
    consent: bool

    def words(self, field: str) -> frozenset[str]:
        return text.split(self.stored[field])

    @property
    def request(self) -> frozenset[str]:
        return self.words("request")

    @property
    def competencies(self) -> frozenset[str]:
        return self.words("competencies")

    @property
    def achievements(self) -> frozenset[str]:
        return self.words("achievements")

    @property
    def interests(self) -> frozenset[str]:
        return self.words("interests")

    @property
    def position(self) -> frozenset[str]:
        return self.words("position")

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.load)

    def age(self, year: int) -> int | None:
        return year - self.birth_year if self.birth_year else None

    def is_minor(self, year: int) -> bool:
        """The registry's rule (`Person.is_minor`): under 18, or a student in doubt."""
        if self.birth_year is None:
            return self.category in STUDENT_CATEGORIES
        age = year - self.birth_year
        return age < ADULT_AGE or (age == ADULT_AGE and self.category in STUDENT_CATEGORIES)

    def lacks_consent(self, year: int) -> bool:
        return self.is_minor(year) and not self.consent


_NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=4096)
def capacity(max_mentees: int | None, time_resource: str) -> int:
    """How many mentees a mentor may lead at once: the desired load, else one per weekly hour of the time
    given («2 часа в неделю» → 2; a monthly figure or a count of meetings → 1), else one."""
    if max_mentees:
        return max_mentees
    numbers = [int(n) for n in _NUMBER.findall(time_resource or "")]
    lowered = (time_resource or "").lower()
    if numbers and "час" in lowered and "недел" in lowered:
        return max(1, min(numbers[0], MAX_CAPACITY_FROM_TIME))
    return DEFAULT_CAPACITY


@lru_cache(maxsize=4096)
def age_range(desired: str) -> tuple[int, int] | None:
    """The mentee ages a mentor wishes for: «12–15 лет» → (12, 15), «5–7 классы» → (11, 14), «до 35 лет» →
    (0, 35); None when the text names no age (a length of service, «молодые педагоги»)."""
    lowered = (desired or "").lower()
    numbers = [int(n) for n in _NUMBER.findall(lowered)]
    if not numbers or "стаж" in lowered:
        return None
    if "класс" in lowered:
        return numbers[0] + 6, numbers[-1] + 7
    if not ("лет" in lowered or "год" in lowered):
        return None
    if len(numbers) == 1:
        if "до" in lowered.split():
            return 0, numbers[0]
        if "от" in lowered.split() or "старше" in lowered:
            return numbers[0], 120
        return numbers[0], numbers[0]
    return min(numbers[0], numbers[-1]), max(numbers[0], numbers[-1])


def active_load() -> Coalesce:
    """The number of active participations a person leads as a mentor."""
    led = (
        PairMentee.objects.filter(mentor=OuterRef("pk"), active=True)
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(led, output_field=IntegerField()), Value(0))


_STORED = [f"suggestion_lemmas__{field}" for field in SOURCES]


def read(people: QuerySet[Person], *, with_places: bool = False) -> list[Reading]:
    """Each person of `people` (a queryset of the caller's choice) as the score reads them; `with_places`:
    only those whose desired load, where they gave one, is not reached (the rest is `rules.mentor_refusals`)."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # A department's pool is estimated above `jit_above_cost`, and compiling it took longer than a quarter
        # of the query itself (28 of 130 ms for 7 000 candidates among 100 000 people): no JIT for the rest of
        # this transaction (a request's, or the proposal's job).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    consented = Exists(Consent.objects.in_force().filter(person=OuterRef("pk")))
    rows = list(
        people.annotate(
            load=active_load(),
            # Only whoever may be a minor needs their consent read (`Reading.lacks_consent`).
            consent=Case(
                When(
                    Q(category__in=STUDENT_CATEGORIES) | Q(birth_year__gt=this_year() - ADULT_AGE - 1), then=consented
                ),
                default=Value(True),
                output_field=BooleanField(),
            ),
        )
        .filter(Q(max_mentees__isnull=True) | Q(max_mentees__gt=F("load")) if with_places else Q())
        .values_list(
            "pk",
            "organisation_id",
            "category",
            "birth_year",
            "max_mentees",
            "time_resource",
            "desired_mentee_age",
            "load",
            "consent",
            "version",
            "suggestion_lemmas__person_version",
            *_STORED,
        )
    )
    stale = [row[0] for row in rows if row[10] != row[9]]
    fresh = renew(stale) if stale else {}
    readings = []
    for pk, organisation_id, category, birth_year, max_mentees, time_resource, desired, load, consent, *rest in rows:
        stored = fresh.get(pk) or dict(zip(SOURCES, rest[2:], strict=True))
        readings.append(
            Reading(
                pk=pk,
                organisation_id=organisation_id,
                category=category,
                birth_year=birth_year,
                age_range=age_range(desired),
                capacity=capacity(max_mentees, time_resource),
                load=load,
                consent=consent,
                stored=stored,
            )
        )
    return readings


def renew(pks: list[int]) -> dict[int, dict[str, str]]:
    """Read these people's texts into lemmas and store them (one upsert per batch)."""
    found: dict[int, dict[str, str]] = {}
    for start in range(0, len(pks), BATCH):
        rows = Person.objects.filter(pk__in=pks[start : start + BATCH]).values_list("pk", "version", *SOURCES.values())
        kept = []
        for pk, version, *texts in rows:
            words = {field: text.joined(text.lemmas(value)) for field, value in zip(SOURCES, texts, strict=True)}
            found[pk] = words
            kept.append(PersonLemmas(person_id=pk, person_version=version, **words))
        PersonLemmas.objects.bulk_create(
            kept, update_conflicts=True, unique_fields=["person"], update_fields=["person_version", *SOURCES]
        )
    return found


def this_year() -> int:
    return date.today().year
