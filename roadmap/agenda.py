"""What is due, what is overdue and what was done, for a user's scope (the agenda page, the home
page's counts and the roadmap part of the reminder letters, reminders/letters.py).

A municipal «каждая ОО» item has one occurrence per organisation. Department-wide users (a
methodist, a head) see those parts summed per item and date («не выполнили 12 из 40 ОО»), with
a link to the matrix; a curator sees the own organisation's part as an ordinary line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from common.text import normalise
from registry.access import scope_for
from registry.models import User
from roadmap.models import OPEN_STATUSES, Occurrence, RoadmapItem, Status

HORIZON_DAYS = 30


@dataclass
class PartsLine:
    """Parts of one «каждая ОО» item due on one date: how many organisations have not done theirs."""

    item_id: int
    roadmap_id: int
    roadmap_title: str
    number: str
    content: str
    label: str
    due: date | None
    open: int
    total: int
    is_parts: bool = True  # told apart from an occurrence in the agenda's one list


@dataclass
class Agenda:
    today: date
    overdue: list[Occurrence] = field(default_factory=list)
    due_soon: list[Occurrence] = field(default_factory=list)
    done: list[Occurrence] = field(default_factory=list)
    overdue_parts: list[PartsLine] = field(default_factory=list)
    due_soon_parts: list[PartsLine] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return len(self.overdue) + len(self.overdue_parts)

    @property
    def due_soon_count(self) -> int:
        return len(self.due_soon) + len(self.due_soon_parts)

    @property
    def overdue_rows(self) -> list:
        """Overdue occurrences and «каждая ОО» parts in one list, by date."""
        return _by_date(self.overdue, self.overdue_parts)

    @property
    def due_soon_rows(self) -> list:
        return _by_date(self.due_soon, self.due_soon_parts)

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.overdue_parts or self.due_soon_parts)


def _by_date(lines: list[Occurrence], parts: list[PartsLine]) -> list:
    return sorted([*lines, *parts], key=lambda row: row.due or date.max)  # stable: each list is in order


@dataclass(frozen=True)
class Filters:
    """What the agenda page narrows to (empty: everything in the user's reach)."""

    organisation: int | None = None  # whose: a school's roadmap or part of a municipal item
    roadmap: int | None = None
    responsible: str = ""  # words of the responsible party as written
    month: date | None = None  # the first day of the month the deadline falls in

    def apply(self, occurrences: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
        if self.organisation:
            occurrences = occurrences.filter(
                Q(organisation_id=self.organisation) | Q(item__roadmap__organisation_id=self.organisation)
            )
        if self.roadmap:
            occurrences = occurrences.filter(item__roadmap_id=self.roadmap)
        if self.responsible:
            # Matched as the registry's searches are (common/text.py): any case, ё as е — SQLite's LIKE
            # folds only ASCII. The items of the occurrences in reach are few (a department's roadmaps).
            needle = normalise(self.responsible)
            items = RoadmapItem.objects.filter(pk__in=occurrences.values("item_id")).values_list("pk", "responsible")
            occurrences = occurrences.filter(item_id__in=[pk for pk, text in items if needle in normalise(text)])
        if self.month:
            following = (self.month.replace(day=28) + timedelta(days=4)).replace(day=1)
            occurrences = occurrences.filter(due__gte=self.month, due__lt=following)
        return occurrences


def responsible_occurrences(user: User) -> QuerySet[Occurrence]:
    """What the user must do: a methodist the municipal items, a curator the organisation's own."""
    scope = scope_for(user)
    return Occurrence.objects.filter(
        Q(
            item__roadmap__organisation__isnull=True,
            item__roadmap__department_id__in=scope.methodist_departments,
            organisation__isnull=True,
        )
        | Q(item__roadmap__organisation_id__in=scope.curator_organisations)
        | Q(item__roadmap__organisation__isnull=True, organisation_id__in=scope.curator_organisations)
    )


def _reach(user: User, responsible_only: bool = False) -> QuerySet[Occurrence]:
    """Department-wide users follow the whole department; a curator what the organisation must do."""
    if responsible_only or not scope_for(user).department_wide:
        return responsible_occurrences(user)
    return Occurrence.objects.for_user(user)


def build(user: User, today: date, *, responsible_only: bool = False, filters: Filters | None = None) -> Agenda:
    """The agenda of the user's scope (or, for reminders, of what the user is responsible for)."""
    scope = scope_for(user)
    occurrences = _reach(user, responsible_only).select_related("item__roadmap__organisation", "organisation")
    if filters is not None:
        occurrences = filters.apply(occurrences)
    soon = today + timedelta(days=HORIZON_DAYS)
    grouped = Q(organisation__isnull=False) & ~Q(organisation_id__in=scope.curator_organisations)
    single = occurrences.exclude(grouped)
    agenda = Agenda(
        today=today,
        overdue=list(single.overdue(today).order_by("due", "item__position", "pk")),
        due_soon=list(single.due_between(today, soon).order_by("due", "item__position", "pk")),
        done=list(
            single.filter(status=Status.DONE, done_on__gte=today - timedelta(days=HORIZON_DAYS)).order_by(
                "-done_on", "pk"
            )[:50]
        ),
    )
    if not responsible_only and scope.department_wide:
        parts = occurrences.filter(grouped)
        agenda.overdue_parts = _parts(parts.filter(due__lt=today))
        agenda.due_soon_parts = _parts(parts.filter(due__gte=today, due__lte=soon))
    return agenda


def _parts(occurrences: QuerySet[Occurrence]) -> list[PartsLine]:
    rows = (
        occurrences.values(
            "item_id", "item__roadmap_id", "item__roadmap__title", "item__number", "item__content", "label", "due"
        )
        .annotate(total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATUSES)))
        .filter(open__gt=0)
        .order_by("due", "item__roadmap_id", "item_id")
    )
    return [
        PartsLine(
            item_id=row["item_id"],
            roadmap_id=row["item__roadmap_id"],
            roadmap_title=row["item__roadmap__title"],
            number=row["item__number"],
            content=row["item__content"],
            label=row["label"],
            due=row["due"],
            open=row["open"],
            total=row["total"],
        )
        for row in rows
    ]


def counts(user: User, today: date) -> dict[str, int]:
    """The home page's two figures; a «каждая ОО» item counts once per date for department-wide users."""
    scope = scope_for(user)
    occurrences = _reach(user).open()
    soon = today + timedelta(days=HORIZON_DAYS)
    windows = {"overdue": Q(due__lt=today), "due_soon": Q(due__gte=today, due__lte=soon)}
    if not scope.department_wide:
        return {name: occurrences.filter(window).count() for name, window in windows.items()}
    grouped = Q(organisation__isnull=False) & ~Q(organisation_id__in=scope.curator_organisations)
    return {
        name: occurrences.filter(window).exclude(grouped).count()
        + occurrences.filter(window, grouped).values("item_id", "key").distinct().count()
        for name, window in windows.items()
    }
