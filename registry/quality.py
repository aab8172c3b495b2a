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
from datetime import date

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from registry import freshness
from registry.models import MentoringPair, Organisation, PairMentee, Person, User


def _within(queryset: QuerySet, organisation: Organisation | None) -> QuerySet:
    """Narrow to one organisation (already in the user's scope: the view chose it from there)."""
    return queryset.filter(organisation=organisation) if organisation is not None else queryset


def _pairs(user: User, organisation: Organisation | None) -> QuerySet[MentoringPair]:
    return (
        _within(MentoringPair.objects.for_user(user), organisation)
        .select_related("organisation", "mentor", "format")
        .annotate(mentee_count=Count("participations"))
    )


# --- 1. Pairs without an order --------------------------------------------------------------------


def pairs_without_order(user: User, organisation: Organisation | None = None) -> QuerySet[MentoringPair]:
    """Active pairs whose order (приказ о закреплении) lacks a number or a date."""
    return (
        _pairs(user, organisation)
        .active()
        .filter(Q(order_number="") | Q(order_date__isnull=True))
        .order_by("organisation__short_name", "entry_date", "pk")
    )


# --- 2. Minors without a consent ------------------------------------------------------------------


def minors_without_consent(
    user: User, organisation: Organisation | None = None, *, year: int | None = None
) -> QuerySet[Person]:
    """Current minors with no valid consent; those in an active pair (`in_active_pair`) first."""
    in_active_pair = PairMentee.objects.filter(
        Q(mentee=OuterRef("pk")) | Q(mentor=OuterRef("pk")), active=True
    )
    return (
        _within(Person.objects.for_user(user), organisation)
        .current()
        .minors(year or timezone.localdate().year)
        .without_consent()
        .select_related("organisation")
        .annotate(in_active_pair=Exists(in_active_pair))
        .order_by("-in_active_pair", "organisation__short_name", "last_name", "first_name", "patronymic", "pk")
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
    return (
        _pairs(user, organisation)
        .filter(overdue | without_results)
        .order_by(F("end_date").asc(nulls_first=True), "planned_end_date", "organisation__short_name", "pk")
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
        .annotate(size=Count("pk"))
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
    result = [
        DuplicateGroup(g["name_key"], g["birth_year"], g["size"]) for g in groups
    ]
    if not result:
        return []
    keyed = {(g["department"], g["name_key"], g["birth_year"]): group for g, group in zip(groups, result)}
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
    load = (
        PairMentee.objects.filter(mentor=OuterRef("pk"), active=True)
        .order_by()
        .values("mentor")
        .annotate(n=Count("mentee", distinct=True))
        .values("n")
    )
    overloaded = (
        PairMentee.objects.filter(active=True, mentor__max_mentees__isnull=False)
        .order_by()
        .values("mentor")
        .annotate(n=Count("mentee", distinct=True), cap=Max("mentor__max_mentees"))
        .filter(n__gt=F("cap"))
        .values("mentor")
    )
    return (
        _within(Person.objects.for_user(user), organisation)
        .filter(pk__in=overloaded)
        .annotate(active_mentees=Subquery(load))
        .select_related("organisation")
        .order_by(F("max_mentees") - F("active_mentees"), "organisation__short_name", "last_name", "pk")
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

    def show(self, user: User, rows: Iterable) -> list:
        rows = list(rows)
        return self.expand(user, rows) if self.expand else rows


CHECKS: list[Check] = [
    Check(
        "orders",
        "Пары без приказа о закреплении",
        "Действующие пары и группы, у которых не указан номер или дата приказа о закреплении.",
        pairs_without_order,
    ),
    Check(
        "consents",
        "Несовершеннолетние без согласия на обработку ПДн",
        "Участники младше 18 лет (по году рождения) без действующего согласия на обработку персональных "
        "данных; сначала — те, кто состоит в действующих парах.",
        minors_without_consent,
    ),
    Check(
        "overdue",
        "Пары с истёкшим сроком без результатов",
        "Действующие пары, у которых прошла плановая дата завершения, и завершённые пары "
        "без внесённых результатов.",
        pairs_past_due,
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
    ),
]
CHECKS_BY_SLUG = {check.slug: check for check in CHECKS}


# --- What the pages read: computed once per state of the data --------------------------------------
#
# The checks read a whole department: 0.5 s on PostgreSQL with 100 000 people, far too slow for
# every request, and the same answer until someone changes the data. So the pages read them
# through `freshness.cached`, keyed by the user's reach and the versions of the organisations in
# it: the first request after a change computes, the others read one cache row.


def _cache_name(user: User, organisation: Organisation | None, *parts: object) -> str:
    from registry.access import scope_for

    scope = scope_for(user)
    reach = (sorted(scope.department_wide), sorted(scope.curator_organisations))
    return ":".join(map(str, ("quality", *reach, organisation.pk if organisation else "", *parts))).replace(" ", "")


def counts(user: User, organisation_ids: Iterable[int]) -> list[tuple[Check, int]]:
    """Each check with its number of problems (for a summary, e.g. the home page)."""
    numbers = freshness.cached(
        _cache_name(user, None, "counts"),
        freshness.version(organisation_ids),
        lambda: [check.rows(user, None).count() for check in CHECKS],
    )
    return list(zip(CHECKS, numbers))


def overview(
    user: User, organisation_ids: Iterable[int], organisation: Organisation | None, preview: int
) -> list[tuple[Check, int, list]]:
    """Each check with its count and its first `preview` rows, ready to show."""

    def compute() -> list[tuple[int, list]]:
        result = []
        for check in CHECKS:
            rows = check.rows(user, organisation)
            if check.fetch_whole:
                rows = list(rows)
                result.append((len(rows), check.show(user, rows[:preview])))
            else:
                result.append((rows.count(), check.show(user, rows[:preview])))
        return result

    found = freshness.cached(
        _cache_name(user, organisation, "overview", preview), freshness.version(organisation_ids), compute
    )
    return [(check, count, rows) for check, (count, rows) in zip(CHECKS, found)]


class _Counted:
    """A stand-in list of known length for Paginator: the rows themselves are fetched per page."""

    def __init__(self, count: int) -> None:
        self._count = count

    def count(self) -> int:
        return self._count


def section_page(
    user: User, organisation_ids: Iterable[int], organisation: Organisation | None, check: Check,
    page_number: str | int | None, per_page: int,
) -> Page:
    """One page of one check's rows (an invalid page number gives the nearest page, as get_page does)."""
    data_version = freshness.version(organisation_ids)
    count = freshness.cached(
        _cache_name(user, organisation, check.slug, "count"),
        data_version,
        lambda: check.rows(user, organisation).count(),
    )
    paginator = Paginator(_Counted(count), per_page)
    try:
        number = paginator.validate_number(page_number)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    start = (number - 1) * per_page
    rows = freshness.cached(
        _cache_name(user, organisation, check.slug, per_page, number),
        data_version,
        lambda: check.show(user, check.rows(user, organisation)[start : start + per_page]),
    )
    return Page(rows, number, paginator)
