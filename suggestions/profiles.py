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

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
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
        return free(self.capacity, self.load)

    def age(self, year: int) -> int | None:
        return year - self.birth_year if self.birth_year else None

    def lacks_consent(self, year: int) -> bool:
        return lacks_consent(self.category, self.birth_year, self.consent, year)


def free(capacity: int, load: int) -> int:
    """Places left."""
    return max(0, capacity - load)


def is_minor(category: str, birth_year: int | None, year: int) -> bool:
    """The registry's rule (`Person.is_minor`): under 18, or a student in doubt."""
    if birth_year is None:
        return category in STUDENT_CATEGORIES
    age = year - birth_year
    return age < ADULT_AGE or (age == ADULT_AGE and category in STUDENT_CATEGORIES)


def lacks_consent(category: str, birth_year: int | None, consent: bool, year: int) -> bool:
    return not consent and is_minor(category, birth_year, year)


@dataclass
class Mentors:
    """A pool of mentors column by column: what the score reads of thousands of people without an object
    for each (a department's pool is kept in the cache as one of these per organisation: suggestions/pools.py).
    `reading(i)` gives one of them as a `Reading`, for the reasons of the few shown."""

    pk: list[int]
    organisation_id: list[int]
    category: list[str]
    birth_year: list[int | None]
    age_range: list[tuple[int, int] | None]
    capacity: list[int]
    load: list[int]
    consent: list[bool]
    stored: dict[str, list[str]]

    def __len__(self) -> int:
        return len(self.pk)

    @classmethod
    def of(cls, readings: list[Reading]) -> Mentors:
        return cls(
            pk=[r.pk for r in readings],
            organisation_id=[r.organisation_id for r in readings],
            category=[r.category for r in readings],
            birth_year=[r.birth_year for r in readings],
            age_range=[r.age_range for r in readings],
            capacity=[r.capacity for r in readings],
            load=[r.load for r in readings],
            consent=[r.consent for r in readings],
            stored={field: [r.stored[field] for r in readings] for field in SOURCES},
        )

    @classmethod
    def joined(cls, parts: list[Mentors]) -> Mentors:
        """The parts one after another (the organisations of a department)."""
        columns = {name: [] for name in _COLUMNS}
        stored: dict[str, list[str]] = {field: [] for field in SOURCES}
        for part in parts:
            for name, values in columns.items():
                values.extend(getattr(part, name))
            for field, values in stored.items():
                values.extend(part.stored[field])
        return cls(**columns, stored=stored)

    def only(self, indices: list[int]) -> Mentors:
        """These rows, in this order."""
        columns = {name: [getattr(self, name)[i] for i in indices] for name in _COLUMNS}
        return Mentors(**columns, stored={field: [self.stored[field][i] for i in indices] for field in SOURCES})

    def reading(self, i: int) -> Reading:
        return Reading(
            pk=self.pk[i],
            organisation_id=self.organisation_id[i],
            category=self.category[i],
            birth_year=self.birth_year[i],
            stored={field: self.stored[field][i] for field in SOURCES},
            age_range=self.age_range[i],
            capacity=self.capacity[i],
            load=self.load[i],
            consent=self.consent[i],
        )


_COLUMNS = ("pk", "organisation_id", "category", "birth_year", "age_range", "capacity", "load", "consent")


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
        .annotate(n=Count("*"))  # from the index of active participations alone (registry_pairmentee_led)
        .values("n")
    )
    return Coalesce(Subquery(led, output_field=IntegerField()), Value(0))


_STORED = [f"suggestion_lemmas__{field}" for field in SOURCES]


def read(people: QuerySet[Person], *, with_places: bool = False) -> list[Reading]:
    """Each person of `people` (a queryset of the caller's choice) as the score reads them; `with_places`:
    only those whose desired load, where they gave one, is not reached (the rest is `rules.mentor_refusals`)."""
    return [
        Reading(
            pk=pk,
            organisation_id=organisation,
            category=category,
            birth_year=birth_year,
            age_range=age_range(desired),
            capacity=capacity(max_mentees, time_resource),
            load=load,
            consent=consent_pk is not None,
            stored=dict(zip(SOURCES, stored, strict=True)),
        )
        for pk, organisation, category, birth_year, max_mentees, time_resource, desired, load, consent_pk, *stored in (
            _rows(people, with_places)
        )
    ]


def read_mentors(people: QuerySet[Person]) -> Mentors:
    """`people` column by column, as `read` reads them (a department's pool: no object per person)."""
    rows = _rows(people, with_places=False)
    columns = list(zip(*rows, strict=True)) if rows else [()] * (9 + len(SOURCES))
    pk, organisation_id, category, birth_year, max_mentees, time_resource, desired, load, consent_pk = columns[:9]
    return Mentors(
        pk=list(pk),
        organisation_id=list(organisation_id),
        category=list(category),
        birth_year=list(birth_year),
        age_range=[age_range(value) for value in desired],
        capacity=[capacity(m, t) for m, t in zip(max_mentees, time_resource, strict=True)],
        load=list(load),
        consent=[value is not None for value in consent_pk],
        stored={field: list(values) for field, values in zip(SOURCES, columns[9:], strict=True)},
    )


def _rows(people: QuerySet[Person], with_places: bool) -> list[tuple]:
    """(pk, organisation, category, birth year, desired load, time given, desired ages, load, a consent's pk or
    None, *the stored lemmas of SOURCES) of each person: one query, and the lemmas renewed where stale."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # A department's pool is estimated above `jit_above_cost`, and compiling it took longer than a quarter
        # of the query itself (28 of 130 ms for 7 000 candidates among 100 000 people): no JIT for the rest of
        # this transaction (a request's, or the proposal's job).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    # A consent in force, read only for whoever may be a minor (`lacks_consent`), row by row from the
    # consents' index: as EXISTS, PostgreSQL hashed every consent of the database for a school's pool (50 ms).
    consent = Consent.objects.in_force().filter(person=OuterRef("pk")).order_by().values("pk")[:1]
    chosen = (
        people.annotate(
            load=active_load(),
            consent=Case(
                When(
                    Q(category__in=STUDENT_CATEGORIES) | Q(birth_year__gt=this_year() - ADULT_AGE - 1),
                    then=Subquery(consent),
                ),
                default=Value(0),
                output_field=BigIntegerField(),
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
    # The compiled query run as it is: Django's per-row converters cost as much as the rest of the reading for
    # a department's pool, and none of these columns needs one.
    try:
        sql, params = chosen.query.get_compiler(using=chosen.db).as_sql()
    except EmptyResultSet:  # nobody asked for (`pk__in=[]`)
        return []
    with connections[chosen.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    stale = [row[0] for row in rows if row[10] != row[9]]
    fresh = renew(stale) if stale else {}
    return [(*row[:9], *(fresh[row[0]].values() if row[0] in fresh else row[11:])) for row in rows]


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
