"""What a user will be reminded of: the sections of their letter, each with its count and first lines.

- a curator, for the organisations they curate: the roadmap items overdue and due in the next 30 days
  (the agenda's `responsible_only`: the school's own roadmap and its part of municipal «каждая ОО»
  items), pairs past their planned end without results, minors without consent, and the organisations
  whose contingent for this year is not entered;
- a methodist, for the department: the municipal roadmap items the methodical centre itself must do,
  and the department's totals of the same three checks (organisations without this year's contingent).

A user with both kinds of roles gets both; a head gets nothing (a head reads, and is not reminded).
The lines name no person: a letter leaves the registry, so pairs are told by their form and dates and
minors are only counted — the links open the pages, where the access log records who looked (152-ФЗ).

The counts of a page of users (`counts_for`) come from the same per-organisation figures as one user's
letter (`build`), kept through registry/freshness.py until an organisation's data changes: a fixed
number of queries however many users the page lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.template.defaultfilters import truncatechars
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from common.russian import counted
from monitoring.models import Contingent
from registry import freshness
from registry.access import scope_for
from registry.models import EducationDepartment, Membership, MentoringPair, Organisation, Role, User
from registry.quality import CHECKS_BY_SLUG
from registry.scope import Scope, within_departments
from roadmap import agenda
from roadmap.models import Occurrence

LINES = 10  # lines of a section the letter lists; the rest is behind the section's link
FIGURES_VERSION = 1  # the shape of a kept `Figures`: bump it when it changes
FIGURE_TOPICS = (freshness.PEOPLE, freshness.CONSENTS, freshness.PAIRS, freshness.CONTINGENT)
REMINDED_ROLES = (Role.CURATOR, Role.METHODIST)


@dataclass(frozen=True)
class Kind:
    """A section of the letter: its heading and how its count is said («3 пары с истёкшим сроком …»)."""

    slug: str
    title: str
    forms: tuple[str, str, str]
    tail: str

    def headline(self, count: int, year: int) -> str:
        return counted(count, *self.forms) + self.tail.format(year=year)


ROADMAP_OVERDUE = Kind(
    "roadmap_overdue",
    "Просроченные пункты дорожных карт",
    ("просроченный пункт", "просроченных пункта", "просроченных пунктов"),
    " дорожных карт",
)
ROADMAP_DUE_SOON = Kind(
    "roadmap_due_soon",
    f"Сроки дорожных карт в ближайшие {agenda.HORIZON_DAYS} дней",
    ("срок", "срока", "сроков"),
    f" дорожных карт в ближайшие {agenda.HORIZON_DAYS} дней",
)
PAIRS_PAST_DUE = Kind(
    "pairs_past_due",
    "Пары с истёкшим сроком без результатов",
    ("пара", "пары", "пар"),
    " с истёкшим сроком без результатов",
)
MINORS_WITHOUT_CONSENT = Kind(
    "minors_without_consent",
    "Несовершеннолетние без согласия на обработку ПДн",
    ("несовершеннолетний", "несовершеннолетних", "несовершеннолетних"),
    " без согласия на обработку ПДн",
)
CONTINGENT_MISSING = Kind(
    "contingent_missing",
    "Контингент за год не внесён",
    ("организация", "организации", "организаций"),
    " без контингента за {year} год",
)
KINDS = (ROADMAP_OVERDUE, ROADMAP_DUE_SOON, PAIRS_PAST_DUE, MINORS_WITHOUT_CONSENT, CONTINGENT_MISSING)


def contingent_year(today: date) -> int:
    """The year whose contingent is due: the calendar year, as the contingent page opens on (`year_of`)."""
    return today.year


# --- The figures of an organisation ----------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """One organisation's part of the reminders: the same for whoever asks."""

    pairs_past_due: int = 0
    minors_without_consent: int = 0
    contingent_missing: bool = True


def _per_organisation(rows: QuerySet) -> dict[int, int]:
    return dict(rows.order_by().values("organisation_id").annotate(n=Count("pk")).values_list("organisation_id", "n"))


def figures(user: User, organisation_ids: Iterable[int], today: date) -> dict[int, Figures]:
    """Each organisation's figures (organisations in the user's reach), computed again only for the
    organisations whose people, consents, pairs or contingent changed: three queries for all of them."""
    year = contingent_year(today)

    def compute(stale: list[int]) -> dict[int, Figures]:
        pairs = _per_organisation(CHECKS_BY_SLUG["overdue"].rows_of_organisations(user, stale))
        minors = _per_organisation(CHECKS_BY_SLUG["consents"].rows_of_organisations(user, stale))
        reported = set(
            Contingent.objects.for_user(user)
            .filter(organisation_id__in=stale, year=year)
            .values_list("organisation_id", flat=True)
        )
        return {pk: Figures(pairs.get(pk, 0), minors.get(pk, 0), pk not in reported) for pk in stale}

    name = f"reminders:v{FIGURES_VERSION}:{today}:{year}"
    return freshness.cached_by_organisation(name, sorted(set(organisation_ids)), FIGURE_TOPICS, compute, Figures)


def _reminded_organisations(scope: Scope) -> Q:
    """The organisations a user is reminded about: those they curate, and every one of the departments
    where they are a methodist (not where they are a head)."""
    return Q(pk__in=scope.curator_organisations) | Q(department_id__in=scope.methodist_departments)


# --- One user's letter -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str
    path: str  # a path of the site; the letter puts SITE_URL before it
    note: str = ""  # a second line before the link (the roadmap's title)


@dataclass
class Section:
    kind: Kind
    count: int
    year: int
    lines: list[Line] = field(default_factory=list)
    more: Line | None = None  # the page with all of it

    @property
    def headline(self) -> str:
        return self.kind.headline(self.count, self.year)

    @property
    def slug(self) -> str:
        return self.kind.slug


@dataclass
class Reminder:
    user: User
    today: date
    year: int
    where: list[str]  # the department (methodist) and organisations (curator) the letter is about
    sections: list[Section]

    @property
    def shown(self) -> list[Section]:
        """The sections with something to remind of, in the letter's order."""
        return [section for section in self.sections if section.count]

    @property
    def is_empty(self) -> bool:
        return not self.shown

    def counts(self) -> dict[str, int]:
        return {section.slug: section.count for section in self.sections}


def build(user: User, today: date, *, departments: Iterable[int] | None = None) -> Reminder:
    """The user's reminder; with `departments`, only of the user's roles there (what a methodist of
    those departments sees of another user and sends them)."""
    recipient = within_departments(user, departments) if departments is not None else user
    scope = scope_for(recipient)
    year = contingent_year(today)
    organisations = list(Organisation.objects.filter(_reminded_organisations(scope)).order_by("short_name"))
    organisation_ids = [organisation.pk for organisation in organisations]
    found = figures(recipient, organisation_ids, today) if organisations else {}
    due = agenda.build(recipient, today, responsible_only=True)
    single = organisations[0].pk if len(scope.curator_organisations) == 1 and not scope.is_methodist else None
    quality = _quality_path(single)

    pairs = sum(found[pk].pairs_past_due for pk in organisation_ids)
    missing = [organisation for organisation in organisations if found[organisation.pk].contingent_missing]
    sections = [
        Section(
            ROADMAP_OVERDUE,
            due.overdue_count,
            year,
            [_occurrence_line(o, today) for o in due.overdue[:LINES]],
            Line("Все сроки", reverse("roadmap_agenda")),
        ),
        Section(
            ROADMAP_DUE_SOON,
            due.due_soon_count,
            year,
            [_occurrence_line(o, today) for o in due.due_soon[:LINES]],
            Line("Все сроки", reverse("roadmap_agenda")),
        ),
        Section(
            PAIRS_PAST_DUE,
            pairs,
            year,
            _pair_lines(recipient, scope) if pairs else [],
            Line("Все такие пары", quality("overdue")),
        ),
        Section(
            MINORS_WITHOUT_CONSENT,
            sum(found[pk].minors_without_consent for pk in organisation_ids),
            year,
            [],
            Line("Список", quality("consents")),
        ),
        Section(
            CONTINGENT_MISSING,
            len(missing),
            year,
            [_contingent_line(organisation, year) for organisation in missing[:LINES]],
            Line(f"Контингент за {year} год", f"{reverse('contingent_list')}?year={year}"),
        ),
    ]
    where = []
    if scope.is_methodist:
        departments_of = EducationDepartment.objects.filter(pk__in=scope.methodist_departments).order_by("name")
        where = [department.name for department in departments_of]
    where += [o.short_name for o in organisations if o.pk in scope.curator_organisations]
    return Reminder(user=user, today=today, year=year, where=where, sections=sections)


def _quality_path(organisation_id: int | None):
    def path(section: str) -> str:
        query: dict[str, str | int] = {"section": section}
        if organisation_id:
            query["organisation"] = organisation_id
        return f"{reverse('quality')}?{urlencode(query)}"

    return path


def _occurrence_line(occurrence: Occurrence, today: date) -> Line:
    item = occurrence.item
    text = f"{occurrence.due:%d.%m.%Y} — {item.number} {truncatechars(item.content, 150)}"
    if occurrence.label:
        text += f" ({occurrence.label})"
    if occurrence.organisation is not None:
        text += f" — {occurrence.organisation.short_name}"
    return Line(text, reverse("roadmap_occurrence_edit", args=[occurrence.pk]), note=item.roadmap.title)


def _contingent_line(organisation: Organisation, year: int) -> Line:
    text = f"{organisation.short_name}: контингент за {year} год не внесён"
    return Line(text, reverse("contingent_edit", args=[organisation.pk, year]))


def _pair_lines(recipient: User, scope: Scope) -> list[Line]:
    """A curator's pairs past due, by form and dates (no names: the letter leaves the registry)."""
    if scope.is_methodist:
        return []  # the department's pairs are the schools' to finish: the count and the link say it
    pairs: QuerySet[MentoringPair] = CHECKS_BY_SLUG["overdue"].rows(recipient, None)
    lines = []
    for pair in pairs[:LINES]:
        if pair.end_date is None:
            state = f"плановое завершение {pair.planned_end_date:%d.%m.%Y}"
        else:
            state = f"завершена {pair.end_date:%d.%m.%Y}, результаты не внесены"
        where = f" — {pair.organisation.short_name}" if len(scope.curator_organisations) > 1 else ""
        lines.append(Line(f"{pair.format}, с {pair.entry_date:%d.%m.%Y}: {state}{where}", pair_path(pair.pk)))
    return lines


def pair_path(pk: int) -> str:
    return reverse("pair_detail", args=[pk])


# --- A page of users at once -----------------------------------------------------------------------


def counts_for(viewer: User, users: Iterable[User], departments: Iterable[int], today: date) -> dict[int, dict]:
    """Each user's counts by section (their roles in `departments` only), as `build` would give them.

    `users` come with `memberships` prefetched; a fixed number of queries for any number of users.
    """
    users = list(users)
    departments = sorted(set(departments))
    organisations = dict(Organisation.objects.filter(department_id__in=departments).values_list("pk", "department_id"))
    found = figures(viewer, organisations, today)
    by_organisation, by_department = _roadmap_counts(list(organisations), departments, today)
    result = {}
    for user in users:
        roles = [m for m in user.memberships.all() if m.role in REMINDED_ROLES and m.department_id in departments]
        curated = {m.organisation_id for m in roles if m.role == Role.CURATOR and m.organisation_id is not None}
        methodist = {m.department_id for m in roles if m.role == Role.METHODIST}
        reminded = curated | {pk for pk, department in organisations.items() if department in methodist}
        roadmap = [by_organisation.get(pk, (0, 0)) for pk in curated] + [
            by_department.get(pk, (0, 0)) for pk in methodist
        ]
        result[user.pk] = {
            ROADMAP_OVERDUE.slug: sum(overdue for overdue, _ in roadmap),
            ROADMAP_DUE_SOON.slug: sum(due_soon for _, due_soon in roadmap),
            PAIRS_PAST_DUE.slug: sum(found[pk].pairs_past_due for pk in reminded),
            MINORS_WITHOUT_CONSENT.slug: sum(found[pk].minors_without_consent for pk in reminded),
            CONTINGENT_MISSING.slug: sum(1 for pk in reminded if found[pk].contingent_missing),
        }
    return result


def _roadmap_counts(
    organisation_ids: list[int], department_ids: list[int], today: date
) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]]:
    """(overdue, due soon) of what each organisation must do (its own roadmap, its part of municipal
    items) and of what each department's methodists must do (the municipal items' own dates): one query,
    the rule of `agenda.responsible_occurrences`."""
    soon = today + timedelta(days=agenda.HORIZON_DAYS)
    municipal = Q(item__roadmap__organisation__isnull=True)
    rows = (
        Occurrence.objects.open()
        .filter(due__lte=soon)
        .filter(
            Q(item__roadmap__organisation_id__in=organisation_ids)
            | (municipal & Q(organisation_id__in=organisation_ids))
            | (municipal & Q(organisation__isnull=True, item__roadmap__department_id__in=department_ids))
        )
        .values("organisation_id", "item__roadmap__organisation_id", "item__roadmap__department_id")
        .annotate(overdue=Count("pk", filter=Q(due__lt=today)), due_soon=Count("pk", filter=Q(due__gte=today)))
        .order_by()
    )
    by_organisation: dict[int, tuple[int, int]] = {}
    by_department: dict[int, tuple[int, int]] = {}
    for row in rows:
        owner = row["item__roadmap__organisation_id"] or row["organisation_id"]
        target, key = (by_organisation, owner) if owner else (by_department, row["item__roadmap__department_id"])
        before = target.get(key, (0, 0))
        target[key] = (before[0] + row["overdue"], before[1] + row["due_soon"])
    return by_organisation, by_department


def reminded_users(department_ids: Iterable[int]) -> QuerySet[User]:
    """Active curators and methodists of these departments, with their roles there and their settings."""
    department_ids = list(department_ids)
    roles = Membership.objects.filter(department_id__in=department_ids, role__in=REMINDED_ROLES).select_related(
        "organisation"
    )
    return (
        User.objects.filter(
            is_active=True, memberships__department_id__in=department_ids, memberships__role__in=REMINDED_ROLES
        )
        .distinct()
        .select_related("reminder_settings")
        .prefetch_related(Prefetch("memberships", queryset=roles.order_by("role", "organisation__short_name")))
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


# --- The letter ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    to: str
    subject: str
    body: str


def compose(reminder: Reminder) -> Letter:
    """The e-mail exactly as it is sent (and shown on the preview)."""
    subject = "Напоминания реестра наставничества: " + ", ".join(section.headline for section in reminder.shown)
    rendered = render_to_string(
        "reminders/email/reminder.txt",
        {"reminder": reminder, "user": reminder.user, "site_url": settings.SITE_URL.rstrip("/")},
    )
    # The text is rendered unescaped (it is mail, not HTML) and comes back marked safe: made an ordinary
    # string again, so a page that shows the letter escapes what users typed into it.
    return Letter(to=reminder.user.email, subject=subject, body=str.__str__(rendered))
