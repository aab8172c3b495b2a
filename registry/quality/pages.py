"""What the data-quality pages read: the checks' counts and first rows, computed once per state of the
data through registry/freshness.py (the notes below tell how), and a check's rows page by page."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, F, QuerySet, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import RowNumber
from django.utils import timezone

from registry import freshness
from registry.models import Organisation, User
from registry.quality.checks import (
    CHECKS,
    CHECKS_BY_SLUG,
    Check,
)

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
PARTS_VERSION = 3  # the shape of a kept part: bump it when it changes, so no old part is read
# What the per-organisation checks read: their rows (pairs), their order (people in active pairs),
# the consents of minors, the contingent (the check monitoring registers) and the mentors' training (events).
PER_ORGANISATION_TOPICS = (
    freshness.PEOPLE,
    freshness.CONSENTS,
    freshness.PAIRS,
    freshness.CONTINGENT,
    freshness.TRAINING,
)
DUPLICATE_TOPICS = (freshness.PEOPLE,)


def per_organisation() -> list[Check]:
    """The checks kept per organisation: all but duplicates (read when asked: apps register more)."""
    return [check for check in CHECKS if not check.fetch_whole]


def section_topics(check: Check) -> tuple[str, ...]:
    return DUPLICATE_TOPICS if check.fetch_whole else PER_ORGANISATION_TOPICS


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
        for check in checks:
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

    checks = per_organisation()
    slugs = ",".join(check.slug for check in checks)  # a part holds these checks: another set, another part
    name = f"quality:v{PARTS_VERSION}:{timezone.localdate()}:{PREVIEW_ROWS}:{slugs}"
    return freshness.cached_by_organisation(name, organisation_ids, PER_ORGANISATION_TOPICS, compute, dict)


def problems_by_organisation(user: User, organisation_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """organisation -> check slug -> its number of problems, for the checks kept per organisation (the
    kept parts: only organisations whose data changed are computed again)."""
    parts = _organisation_parts(user, sorted(set(organisation_ids)))
    return {pk: {slug: count for slug, (count, _) in checks.items()} for pk, checks in parts.items()}


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
    for check in per_organisation():
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
    data_version = freshness.version(organisation_ids, section_topics(check))
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
