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
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from registry import freshness
from registry.models import MentoringPair, Organisation, PairMentee, Person, User


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
]
CHECKS_BY_SLUG = {check.slug: check for check in CHECKS}


# --- What the pages read: computed once per state of the data --------------------------------------
#
# The checks read a whole department: 0.5 s on PostgreSQL with 100 000 people, far too slow for
# every request, and the same answer until someone changes the data. So the pages read them through
# `registry/freshness.py`, in two ways:
#
# - the checks whose rows belong to one organisation each (all but duplicates) are kept *per
#   organisation*: its number of problems and the keys of its first rows in the check's order. A
#   department's count is the sum of its organisations'; its first rows are among the union of its
#   organisations' first rows (each organisation's first N hold all of its rows in the department's
#   first N), so one small query over those keys, in the check's own order, gives them. A curator's
#   save in one school computes that school's part again, not the department's;
# - duplicates span organisations: that answer is kept whole, and only a change of people renews it.

PREVIEW_ROWS = 20
PARTS_VERSION = 1  # the shape of a kept part: bump it when it changes, so no old part is read
PER_ORGANISATION = [check for check in CHECKS if not check.fetch_whole]
# What the per-organisation checks read: their rows (pairs), their order (people in active pairs)
# and the consents of minors.
PER_ORGANISATION_TOPICS = (freshness.PEOPLE, freshness.CONSENTS, freshness.PAIRS)
DUPLICATE_TOPICS = (freshness.PEOPLE,)
SECTION_TOPICS = {check.slug: DUPLICATE_TOPICS if check.fetch_whole else PER_ORGANISATION_TOPICS for check in CHECKS}


def _cache_name(user: User, organisation: Organisation | None, *parts: object) -> str:
    from registry.access import scope_for

    scope = scope_for(user)
    reach = (sorted(scope.department_wide), sorted(scope.curator_organisations))
    today = timezone.localdate()  # «minors» and «overdue» depend on the day
    return ":".join(map(str, ("quality", today, *reach, organisation.pk if organisation else "", *parts))).replace(
        " ", ""
    )


def _ordering(queryset: QuerySet) -> list[OrderBy]:
    """The queryset's order_by as expressions, for a window's ORDER BY."""
    ordering = []
    for item in queryset.query.order_by:
        if isinstance(item, str):
            ordering.append(F(item[1:]).desc() if item.startswith("-") else F(item).asc())
        elif isinstance(item, OrderBy):
            ordering.append(item)
        else:
            ordering.append(item.asc())
    return ordering


def _organisation_parts(user: User, organisation_ids: Iterable[int]) -> dict[int, dict[str, tuple[int, list[int]]]]:
    """organisation -> check slug -> (problems, keys of the first PREVIEW_ROWS rows in the check's order).

    Computed for the organisations whose data changed since: one query per check for all of them
    (a window numbers each organisation's rows and counts them).
    """

    def compute(stale: list[int]) -> dict[int, dict[str, tuple[int, list[int]]]]:
        parts: dict[int, dict[str, tuple[int, list[int]]]] = {pk: {} for pk in stale}
        for check in PER_ORGANISATION:
            rows = check.rows_of_organisations(user, stale)
            by_organisation = [F("organisation_id")]
            ranked = (
                rows.annotate(
                    problem_rank=Window(RowNumber(), partition_by=by_organisation, order_by=_ordering(rows)),
                    problem_total=Window(Count("pk"), partition_by=by_organisation),
                )
                .filter(problem_rank__lte=PREVIEW_ROWS)
                .values_list("organisation_id", "pk", "problem_total", "problem_rank")
            )
            found: dict[int, list[tuple[int, int]]] = {}
            totals: dict[int, int] = {}
            for organisation_id, pk, total, rank in ranked:
                found.setdefault(organisation_id, []).append((rank, pk))
                totals[organisation_id] = total
            for pk in stale:
                parts[pk][check.slug] = (totals.get(pk, 0), [key for _, key in sorted(found.get(pk, []))])
        return parts

    name = f"quality:v{PARTS_VERSION}:{timezone.localdate()}:{PREVIEW_ROWS}"
    return freshness.cached_by_organisation(name, organisation_ids, PER_ORGANISATION_TOPICS, compute, dict)


def _duplicates(user: User, organisation_ids: list[int], organisation: Organisation | None, preview: int):
    """(groups, the first `preview` of them shown) — the one check kept whole."""
    check = CHECKS_BY_SLUG["duplicates"]

    def compute() -> tuple[int, list]:
        rows = list(check.rows(user, organisation))
        return len(rows), check.show(user, rows[:preview])

    return freshness.cached(
        _cache_name(user, organisation, "duplicates", preview),
        freshness.version(organisation_ids, DUPLICATE_TOPICS),
        compute,
    )


def counts(user: User, organisation_ids: Iterable[int]) -> list[tuple[Check, int]]:
    """Each check with its number of problems (for a summary, e.g. the home page)."""
    return [(check, count) for check, count, _ in overview(user, organisation_ids, None, PREVIEW_ROWS, rows=False)]


def overview(
    user: User,
    organisation_ids: Iterable[int],
    organisation: Organisation | None,
    preview: int = PREVIEW_ROWS,
    *,
    rows: bool = True,
) -> list[tuple[Check, int, list]]:
    """Each check with its count and its first `preview` rows, ready to show (no rows with `rows=False`).

    `organisation_ids` is the user's reach; `organisation`, one of them to narrow to. The counts and the
    keys of the first rows are kept while nothing in the reach changed (two cache reads), and put together
    again from the kept parts after a change; the rows themselves are read by their keys (a few rows).
    """
    if preview > PREVIEW_ROWS:
        raise ValueError(f"At most {PREVIEW_ROWS} rows are kept per organisation")
    organisation_ids = sorted(set(organisation_ids))
    shown_ids = [organisation.pk] if organisation is not None else organisation_ids
    found = dict(
        freshness.cached(
            _cache_name(user, organisation, "first-keys", preview, rows),
            freshness.version(organisation_ids, PER_ORGANISATION_TOPICS),
            lambda: _first_keys(user, organisation_ids, shown_ids, preview, rows),
        )
    )
    result = []
    for check in CHECKS:
        if check.fetch_whole:
            count, first = _duplicates(user, organisation_ids, organisation, preview)
            result.append((check, count, first if rows else []))
            continue
        count, keys = found[check.slug]
        first = []
        if keys:
            first = check.show(user, check.by_keys(keys, shown_ids))
        result.append((check, count, first))
    return result


def _first_keys(
    user: User, organisation_ids: list[int], shown_ids: list[int], preview: int, rows: bool
) -> list[tuple[str, tuple[int, list[int]]]]:
    """Each per-organisation check's count and the keys of its first rows, from the organisations' parts.

    The department's first rows are among its organisations' first rows: looked up by those keys in the
    check's own order (the kept keys are problems under the data's current versions: not filtered again).
    """
    parts = _organisation_parts(user, organisation_ids)
    result = []
    for check in PER_ORGANISATION:
        count = sum(parts[pk][check.slug][0] for pk in shown_ids)
        keys: list[int] = []
        if rows and count:
            candidates = [key for pk in shown_ids for key in parts[pk][check.slug][1]]
            keys = list(check.by_keys(candidates, shown_ids).values_list("pk", flat=True)[:preview])
        result.append((check.slug, (count, keys)))
    return result


class _Counted:
    """A stand-in list of known length for Paginator: the rows themselves are fetched per page."""

    def __init__(self, count: int) -> None:
        self._count = count

    def count(self) -> int:
        return self._count


def section_page(
    user: User,
    organisation_ids: Iterable[int],
    organisation: Organisation | None,
    check: Check,
    page_number: str | int | None,
    per_page: int,
) -> Page:
    """One page of one check's rows (an invalid page number gives the nearest page, as get_page does)."""
    organisation_ids = sorted(set(organisation_ids))
    data_version = freshness.version(organisation_ids, SECTION_TOPICS[check.slug])
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
    if check.fetch_whole:  # duplicates: groups of one department, renewed by any change of its people
        rows = freshness.cached(
            _cache_name(user, organisation, check.slug, per_page, number),
            data_version,
            lambda: check.show(user, check.rows(user, organisation)[start : start + per_page]),
        )
        return Page(rows, number, paginator)
    # The keys are kept, the rows read by them: a mentor from another school shows as that school has
    # them now — renamed, or erased (152-ФЗ) — though this reach's data did not change.
    keys = freshness.cached(
        _cache_name(user, organisation, check.slug, "keys", per_page, number),
        data_version,
        lambda: list(check.rows(user, organisation).values_list("pk", flat=True)[start : start + per_page]),
    )
    shown = [organisation.pk] if organisation is not None else organisation_ids
    rows = check.show(user, check.by_keys(keys, shown))
    return Page(rows, number, paginator)
