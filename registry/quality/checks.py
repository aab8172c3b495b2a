"""Data quality («Качество данных»): what is missing or wrong before the data goes to the region.

One function per check. Each starts from the user's scope (`Model.objects.for_user`), so a
curator's checks never reach past their organisation and a methodist's never past their
department, and each returns a queryset aggregated in the database: a page costs the same
number of queries with 3 problems or 3,000. `CHECKS` lists them in the order the page shows
them, with their Russian titles.

Duplicates are the one check whose rows are groups: `duplicate_groups` gives the keys
(name, birth year, department) with their sizes, `expand_duplicates` fetches the people of a
handful of keys in one query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from registry.models import Meeting, MentoringPair, Organisation, PairMentee, Person, PersonCategory, User


def _within(queryset: QuerySet, organisation: Organisation | None) -> QuerySet:
    """Narrow to one organisation (already in the user's scope: the view chose it from there)."""
    return queryset.filter(organisation=organisation) if organisation is not None else queryset


# Each check is two parts: which rows are problems (a filter over the user's scope), and how they are
# shown (`present`: the related rows, annotations and order). The department's first rows are looked up
# by their keys (see below), shown the same way without filtering the department again.


def _with_mentee_count(pairs: QuerySet[MentoringPair]) -> QuerySet[MentoringPair]:
    """`mentee_count`, as a subquery: PostgreSQL counts it for the rows shown only, after the LIMIT."""
    mentees = (
        PairMentee.objects.filter(pair=OuterRef("pk")).order_by().values("pair").annotate(n=Count("pk")).values("n")
    )
    return pairs.select_related("organisation", "mentor", "format").annotate(
        mentee_count=Coalesce(Subquery(mentees), 0)
    )


def present_pairs_by_organisation(pairs: QuerySet[MentoringPair]) -> QuerySet[MentoringPair]:
    return _with_mentee_count(pairs).order_by("organisation__short_name", "entry_date", "pk")


def present_pairs_by_lateness(pairs: QuerySet[MentoringPair]) -> QuerySet[MentoringPair]:
    """Active ones first, the longest overdue at the top (`pair.is_active` tells them apart)."""
    return _with_mentee_count(pairs).order_by(
        F("end_date").asc(nulls_first=True), "planned_end_date", "organisation__short_name", "pk"
    )


def present_minors(people: QuerySet[Person]) -> QuerySet[Person]:
    """Those in an active pair (`in_active_pair`) first."""
    in_active_pair = PairMentee.objects.filter(Q(mentee=OuterRef("pk")) | Q(mentor=OuterRef("pk")), active=True)
    return (
        people.select_related("organisation")
        .annotate(in_active_pair=Exists(in_active_pair))
        .order_by("-in_active_pair", "organisation__short_name", "last_name", "first_name", "patronymic", "pk")
    )


def present_mentors_by_load(people: QuerySet[Person]) -> QuerySet[Person]:
    """With `active_mentees`, the most overloaded first."""
    load = (
        PairMentee.objects.filter(mentor=OuterRef("pk"), active=True)
        .order_by()
        .values("mentor")
        .annotate(n=Count("mentee", distinct=True))
        .values("n")
    )
    return (
        people.annotate(active_mentees=Subquery(load))
        .select_related("organisation")
        .order_by(F("max_mentees") - F("active_mentees"), "organisation__short_name", "last_name", "pk")
    )


# --- 1. Pairs without an order --------------------------------------------------------------------


def pairs_without_order(user: User, organisation: Organisation | None = None) -> QuerySet[MentoringPair]:
    """Active pairs whose order (приказ о закреплении) lacks a number or a date."""
    return present_pairs_by_organisation(
        _within(MentoringPair.objects.for_user(user), organisation)
        .active()
        .filter(Q(order_number="") | Q(order_date__isnull=True))
    )


# --- 2. Minors without a consent ------------------------------------------------------------------


def minors_without_consent(
    user: User, organisation: Organisation | None = None, *, year: int | None = None
) -> QuerySet[Person]:
    """Current minors with no valid consent; those in an active pair (`in_active_pair`) first."""
    return present_minors(
        _within(Person.objects.for_user(user), organisation)
        .current()
        .minors(year or timezone.localdate().year)
        .without_consent()
    )


# --- 3. Pairs past their planned end without results ----------------------------------------------


def pairs_past_due(
    user: User, organisation: Organisation | None = None, *, today: date | None = None
) -> QuerySet[MentoringPair]:
    """Active pairs past their planned end, and completed pairs whose results are not recorded.

    Active ones come first, the longest overdue at the top (`pair.is_active` tells them apart).
    """
    today = today or timezone.localdate()
    overdue = Q(end_date__isnull=True, planned_end_date__lt=today)
    without_results = Q(end_date__isnull=False, results="")
    return present_pairs_by_lateness(
        _within(MentoringPair.objects.for_user(user), organisation).filter(overdue | without_results)
    )


# --- 4. Possible duplicates -----------------------------------------------------------------------


def _duplicate_candidates(user: User) -> QuerySet[Person]:
    """People who can be duplicates: current, with a birth year (an unknown year matches nothing)."""
    return Person.objects.for_user(user).current().filter(birth_year__isnull=False)


def duplicate_groups(user: User, organisation: Organisation | None = None) -> QuerySet[dict]:
    """Keys seen more than once among the people the user reads: one row per group.

    Rows are dicts: department, name_key, birth_year, size (records). (How many organisations a
    group spans is read from its people when it is shown: a COUNT(DISTINCT) here sorted the
    whole department.)
    A curator reads only their organisation, so their groups are duplicates inside it and
    never reveal another school's people. With `organisation`, the groups it takes part in
    (with their members elsewhere in the department).
    """
    groups = (
        _duplicate_candidates(user)
        .values("name_key", "birth_year", department=F("organisation__department_id"))
        .annotate(size=Count("*"))  # not COUNT(id): the keys and organisation come from one index alone
        .filter(size__gt=1)
    )
    if organisation is not None:
        groups = groups.annotate(here=Count("pk", filter=Q(organisation=organisation))).filter(here__gt=0)
    return groups.order_by("name_key", "birth_year", "department")


@dataclass
class DuplicateGroup:
    name_key: str
    birth_year: int
    size: int
    people: list[Person] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return self.people[0].full_name if self.people else self.name_key

    @property
    def organisations(self) -> list[Organisation]:
        seen: dict[int, Organisation] = {}
        for person in self.people:
            seen.setdefault(person.organisation_id, person.organisation)
        return list(seen.values())


def expand_duplicates(user: User, groups: Iterable[dict]) -> list[DuplicateGroup]:
    """The people of the given groups, fetched in one query (still within the user's scope)."""
    groups = list(groups)
    result = [DuplicateGroup(g["name_key"], g["birth_year"], g["size"]) for g in groups]
    if not result:
        return []
    keyed = {(g["department"], g["name_key"], g["birth_year"]): group for g, group in zip(groups, result, strict=False)}
    people = (
        _duplicate_candidates(user)
        .filter(name_key__in={key[1] for key in keyed})
        .select_related("organisation")
        .order_by("organisation__short_name", "created_at", "pk")
    )
    for person in people:
        group = keyed.get((person.organisation.department_id, person.name_key, person.birth_year))
        if group is not None:
            group.people.append(person)
    return result


# --- 5. Mentors with more mentees than they can lead ----------------------------------------------


def overloaded_mentors(user: User, organisation: Organisation | None = None) -> QuerySet[Person]:
    """Mentors whose distinct mentees in active pairs exceed their stated `max_mentees`.

    Scoped by the mentor's own organisation; the load counts their active pairs everywhere.
    The load is counted from the active participations alone (which carry their mentor),
    not by joining every person to every pair.
    """
    overloaded = (
        PairMentee.objects.filter(active=True, mentor__max_mentees__isnull=False)
        .order_by()
        .values("mentor")
        .annotate(n=Count("mentee", distinct=True), cap=Max("mentor__max_mentees"))
        .filter(n__gt=F("cap"))
        .values("mentor")
    )
    return present_mentors_by_load(_within(Person.objects.for_user(user), organisation).filter(pk__in=overloaded))


def overloaded_mentors_of(user: User, organisation_ids: list[int]) -> QuerySet[Person]:
    """The same mentors, of a few organisations: each one's load counted through the index on their
    participations (4 ms for a school of 1 700 people) instead of every mentor's load aggregated first
    (35 ms, the whole table whatever the school; cheaper only for a whole department)."""
    people = Person.objects.for_user(user).filter(organisation_id__in=organisation_ids, max_mentees__isnull=False)
    return present_mentors_by_load(people).filter(active_mentees__gt=F("max_mentees"))


# --- 6. Pairs without meetings --------------------------------------------------------------------

QUIET_DAYS = 30


def pairs_without_meetings(
    user: User, organisation: Organisation | None = None, *, today: date | None = None
) -> QuerySet[MentoringPair]:
    """Active pairs that entered the program at least QUIET_DAYS ago and have no meeting in the log."""
    today = today or timezone.localdate()
    return present_pairs_by_organisation(
        _within(MentoringPair.objects.for_user(user), organisation)
        .active()
        .filter(entry_date__lte=today - timedelta(days=QUIET_DAYS))
        .exclude(Exists(Meeting.objects.filter(pair=OuterRef("pk"))))
    )


# --- 7. Pupil mentors without a birth year --------------------------------------------------------


def present_people_by_organisation(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.select_related("organisation").order_by(
        "organisation__short_name", "last_name", "first_name", "patronymic", "pk"
    )


def mentors_without_birth_year(user: User, organisation: Organisation | None = None) -> QuerySet[Person]:
    """Pupils mentoring in an active pair whose birth year is unknown: indicator 4 counts pupils of
    10–18 years as mentors, and without the year such a mentor is left out of it."""
    mentoring = PairMentee.objects.filter(mentor=OuterRef("pk"), active=True)
    return present_people_by_organisation(
        _within(Person.objects.for_user(user), organisation)
        .current()
        .filter(category=PersonCategory.STUDENT, birth_year__isnull=True)
        .filter(Exists(mentoring))
    )


# --- The checks, in the page's order --------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    slug: str
    title: str
    explanation: str
    rows: Callable[[User, Organisation | None], QuerySet]
    # Turns a slice of `rows` into what the page shows (duplicates: keys → groups of people).
    expand: Callable[[User, list], list] | None = None
    # The rows are small (a few fields each): fetch them all once and count them in Python, rather
    # than aggregate the department twice (count, then the first rows).
    fetch_whole: bool = False
    # For the checks kept per organisation: the model of the rows and how they are shown, and, where it
    # is cheaper than `rows` narrowed afterwards, the rows of a few organisations.
    model: type | None = None
    present: Callable[[QuerySet], QuerySet] | None = None
    rows_of: Callable[[User, list[int]], QuerySet] | None = None
    # The rows' table on the page (its <thead> and <tbody>), for a check another app registers; the
    # registry's own checks are laid out in registry/quality.html itself.
    template: str = ""

    def by_keys(self, keys: Iterable[int], organisation_ids: Iterable[int]) -> QuerySet:
        """These rows (kept keys of problems), shown in the check's order, within these organisations."""
        return self.present(self.model.objects.filter(pk__in=list(keys), organisation_id__in=list(organisation_ids)))

    def rows_of_organisations(self, user: User, organisation_ids: list[int]) -> QuerySet:
        if self.rows_of is not None:
            return self.rows_of(user, organisation_ids)
        return self.rows(user, None).filter(organisation_id__in=organisation_ids)

    def show(self, user: User, rows: Iterable) -> list:
        rows = list(rows)
        return self.expand(user, rows) if self.expand else rows


CHECKS: list[Check] = [
    Check(
        "orders",
        "Пары без приказа о закреплении",
        "Действующие пары и группы, у которых не указан номер или дата приказа о закреплении.",
        pairs_without_order,
        model=MentoringPair,
        present=present_pairs_by_organisation,
    ),
    Check(
        "consents",
        "Несовершеннолетние без согласия на обработку ПДн",
        "Участники младше 18 лет (по году рождения) без действующего согласия на обработку персональных "
        "данных; сначала — те, кто состоит в действующих парах.",
        minors_without_consent,
        model=Person,
        present=present_minors,
    ),
    Check(
        "overdue",
        "Пары с истёкшим сроком без результатов",
        "Действующие пары, у которых прошла плановая дата завершения, и завершённые пары без внесённых результатов.",
        pairs_past_due,
        model=MentoringPair,
        present=present_pairs_by_lateness,
    ),
    Check(
        "duplicates",
        "Возможные дубликаты",
        "Участники с одинаковыми ФИО и годом рождения: возможно, один человек внесён дважды.",
        duplicate_groups,
        expand_duplicates,
        fetch_whole=True,
    ),
    Check(
        "load",
        "Наставники с нагрузкой выше заявленной",
        "Наставники, у которых в действующих парах больше наставляемых, чем они могут вести одновременно.",
        overloaded_mentors,
        model=Person,
        present=present_mentors_by_load,
        rows_of=overloaded_mentors_of,
    ),
    Check(
        "no_meetings",
        "Пары без встреч",
        f"Действующие пары и группы, вошедшие в программу больше {QUIET_DAYS} дней назад, у которых в журнале "
        "нет ни одной встречи: внесите проведённые встречи или проверьте, работает ли пара.",
        pairs_without_meetings,
        model=MentoringPair,
        present=present_pairs_by_organisation,
    ),
    Check(
        "mentor_birth_year",
        "Наставники-обучающиеся без года рождения",
        "Обучающиеся — наставники в действующих парах без года рождения: показатель 4 считает "
        "обучающихся 10–18 лет, и без года рождения наставник в расчёт не попадает.",
        mentors_without_birth_year,
        model=Person,
        present=present_people_by_organisation,
    ),
]
CHECKS_BY_SLUG = {check.slug: check for check in CHECKS}


def register(check: Check) -> None:
    """Add a check that an app above the registry owns (its rows need what the registry cannot
    import: the contingent, say), shown after the registry's own. Called from the app's `ready()`;
    registering the same slug again replaces the check (a reloaded app)."""
    if check.fetch_whole or check.model is None or check.present is None or not check.template:
        raise ValueError(f"Check {check.slug!r}: a registered check is kept per organisation and has its template")
    if check.slug in CHECKS_BY_SLUG:
        CHECKS[CHECKS.index(CHECKS_BY_SLUG[check.slug])] = check
    else:
        CHECKS.append(check)
    CHECKS_BY_SLUG[check.slug] = check
