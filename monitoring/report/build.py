"""The analytic report's content, read once (`build_report`), the texts both formats share, and its file
name. monitoring/report/__init__.py tells what it holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Min, Q
from django.utils import timezone

from common.text import name_part
from monitoring.charts import format_number
from monitoring.indicators import INDICATORS, Cell, Indicator, IndicatorTable, breakdown, indicator_table
from monitoring.indicators.definitions import ACTIVE_RULE, CONTINGENT_RULE
from monitoring.report.influence import InfluenceSection, build_influence
from monitoring.report.mentors_year import MentorsYearSection, build_mentors_year
from registry.models import EducationDepartment, Organisation, User
from registry.quality import CHECKS_BY_SLUG, minors_without_consent, pairs_without_order
from roadmap.models import OPEN_STATUSES, Occurrence, Roadmap, Status

TITLE = "Аналитическая справка о реализации целевой модели наставничества"
NO_DATA = "нет данных"
NO_ROADMAP = "Дорожная карта в системе не ведётся"
KEY_INDICATOR = "young_teachers_share"  # the bar chart by organisation: the national target
BARS_PER_CHART = 30  # a bar chart of more organisations would not fit a page: split into several
CHART_WIDTH = 660  # px (1/96 in): 175 mm, the text width of the page

# Short names of the indicators for a chart's legend and the columns of the breakdown, where the
# published titles (a line and a half each) do not fit; the title is used for any other code.
SHORT_LABELS = {
    "orgs_share": "ОО, реализующие систему наставничества",
    "programs_count": "программы наставничества",
    "students_mentees_share": "обучающиеся 10–18 лет — наставляемые",
    "students_mentors_share": "обучающиеся 10–18 лет — наставники",
    "young_specialists_mentees_share": "учителя – молодые специалисты — наставляемые",
    "teachers_mentors_share": "учителя — наставники",
    "young_specialists_iom_share": "молодые педагоги с поддержкой по ИОМ",
    "young_teachers_share": "педагоги до 35 лет, первые 3 года работы",
}

QUALITY_EXPLANATION = (
    "Перед передачей данных в регион эти замечания нужно устранить. Обработка и передача персональных "
    "данных несовершеннолетних допускается только с согласия их законных представителей: сведения об "
    "участниках без согласия передавать нельзя, а без них показатели муниципалитета окажутся занижены. "
    "Приказ о закреплении — документ, которым пара (группа) создана: пара без номера и даты приказа "
    "не подтверждается при проверке, и её участие в показателях можно оспорить."
)


# --- The report ----------------------------------------------------------------------------------


@dataclass
class OccurrenceCounts:
    """Occurrences by state, as of `today`; the states do not overlap and add up to `total`."""

    total: int = 0
    done: int = 0  # выполнено
    in_progress: int = 0  # в работе, срок не прошёл
    upcoming: int = 0  # не начато или перенесено, срок не прошёл
    overdue: int = 0  # открыто, срок прошёл
    undated: int = 0  # открыто, без срока («по необходимости»)
    not_done: int = 0  # отмечено «не выполнено»


@dataclass
class OverdueLine:
    """An overdue item: the roadmap's own date, or (`late` set) the parts of a «каждая ОО» item."""

    number: str
    content: str
    label: str  # the occurrence's label («до 15.03.2024», «2023»)
    due: date | None  # for parts: the earliest due date among the late ones
    late: int | None = None  # organisations late with their part
    parts: int | None = None  # organisations with a part

    @property
    def for_each_organisation(self) -> bool:
        return self.late is not None


@dataclass
class RoadmapSummary:
    roadmap: Roadmap
    items: int
    own: OccurrenceCounts  # the roadmap's own dates
    parts: OccurrenceCounts  # organisations' parts of «каждая ОО» items (total 0: there are none)
    overdue: list[OverdueLine] = field(default_factory=list)


@dataclass
class RoadmapState:
    today: date
    roadmaps: list[RoadmapSummary]


@dataclass
class Report:
    department: EducationDepartment
    years: list[int]
    table: IndicatorTable
    breakdown_year: int
    breakdown: list[tuple[Organisation, dict[str, Cell]]]
    roadmap: RoadmapState | None
    influence: InfluenceSection
    mentors_year: MentorsYearSection
    quality: list[tuple[str, int]]
    generated_on: date
    author: User | None

    @property
    def period(self) -> str:
        return period_text(self.years)

    @property
    def organisations(self) -> int:
        return len(self.breakdown)


def period_text(years: list[int]) -> str:
    """«2021–2024» for a run of years, «2021, 2023» otherwise, «2024» for one."""
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(year) for year in years)


def build_report(department: EducationDepartment, years: list[int], *, user, today: date | None = None) -> Report:
    """Everything the report shows, read once (a fixed number of queries)."""
    years = sorted(set(years))
    if not years:
        raise ValueError("Укажите хотя бы один год.")
    today = today or timezone.localdate()
    table = indicator_table(department, years)
    last = years[-1]
    by_organisation: dict[int, tuple[Organisation, dict[str, Cell]]] = {}
    for indicator in INDICATORS:
        for org_cell in breakdown(department, indicator.code, last):
            organisation = org_cell.organisation
            by_organisation.setdefault(organisation.pk, (organisation, {}))[1][indicator.code] = org_cell.cell
    return Report(
        department=department,
        years=years,
        table=table,
        breakdown_year=last,
        breakdown=list(by_organisation.values()),
        roadmap=_roadmap_state(department, years, user, today),
        influence=build_influence(by_organisation, years),
        mentors_year=build_mentors_year([department.pk], years),
        quality=_quality(department, user, today),
        generated_on=today,
        author=user if getattr(user, "is_authenticated", False) else None,
    )


def _roadmap_state(department: EducationDepartment, years: list[int], user, today: date) -> RoadmapState | None:
    """The municipal roadmaps whose period overlaps the years (not the document registers): four queries, or one
    when there are none."""
    roadmaps = list(
        Roadmap.objects.for_user(user)
        .plans()
        .filter(
            department=department,
            organisation__isnull=True,
            period_start__lte=date(years[-1], 12, 31),
            period_end__gte=date(years[0], 1, 1),
        )
        .annotate(items_count=Count("items", distinct=True))
        .order_by("period_start", "title", "pk")
    )
    if not roadmaps:
        return None
    ids = [roadmap.pk for roadmap in roadmaps]
    occurrences = Occurrence.objects.for_user(user).filter(item__roadmap_id__in=ids, orphaned=False)
    is_open = Q(status__in=OPEN_STATUSES)
    states = {
        "total": Q(),
        "done": Q(status=Status.DONE),
        "not_done": Q(status=Status.NOT_DONE),
        "overdue": is_open & Q(due__lt=today),
        "undated": is_open & Q(due__isnull=True),
        "in_progress": Q(status=Status.IN_PROGRESS, due__gte=today),
        "upcoming": Q(status__in=[Status.NOT_STARTED, Status.POSTPONED], due__gte=today),
    }
    aggregates = {}
    for whose, condition in (("own", Q(organisation__isnull=True)), ("parts", Q(organisation__isnull=False))):
        for state, state_condition in states.items():
            aggregates[f"{whose}_{state}"] = Count("pk", filter=condition & state_condition)
    counted = {
        row["item__roadmap_id"]: row for row in occurrences.order_by().values("item__roadmap_id").annotate(**aggregates)
    }
    overdue: dict[int, list[tuple[tuple, OverdueLine]]] = {pk: [] for pk in ids}
    own_overdue = (
        occurrences.filter(organisation__isnull=True)
        .overdue(today)
        .select_related("item")
        .order_by("due", "item__position", "pk")
    )
    for occurrence in own_overdue:
        item = occurrence.item
        overdue[item.roadmap_id].append(
            (
                (occurrence.due, item.position, item.pk),
                OverdueLine(item.number, item.content, occurrence.label, occurrence.due),
            )
        )
    late = is_open & Q(due__lt=today)
    parts = (
        occurrences.filter(organisation__isnull=False)
        .order_by()
        .values("item__roadmap_id", "item_id", "item__position", "item__number", "item__content", "key", "label")
        .annotate(parts=Count("pk"), late=Count("pk", filter=late), due=Min("due", filter=late))
        .filter(late__gt=0)
    )
    for row in parts:
        overdue[row["item__roadmap_id"]].append(
            (
                (row["due"], row["item__position"], row["item_id"]),
                OverdueLine(
                    row["item__number"], row["item__content"], row["label"], row["due"], row["late"], row["parts"]
                ),
            )
        )
    summaries = []
    for roadmap in roadmaps:
        row = counted.get(roadmap.pk, {})
        own, each = (
            OccurrenceCounts(**{state: row.get(f"{whose}_{state}", 0) for state in states})
            for whose in ("own", "parts")
        )
        lines = [
            line for _key, line in sorted(overdue[roadmap.pk], key=lambda pair: (pair[0][0] or date.max, *pair[0][1:]))
        ]
        summaries.append(RoadmapSummary(roadmap, roadmap.items_count, own, each, lines))
    return RoadmapState(today, summaries)


def _quality(department: EducationDepartment, user, today: date) -> list[tuple[str, int]]:
    """The two counts the region asks about first, for the user's scope within the department."""
    in_department = Q(organisation__department_id=department.pk)
    return [
        (
            CHECKS_BY_SLUG["consents"].title,
            minors_without_consent(user, year=today.year).filter(in_department).order_by().count(),
        ),
        (CHECKS_BY_SLUG["orders"].title, pairs_without_order(user).filter(in_department).order_by().count()),
    ]


# --- Texts shared by both formats ------------------------------------------------------------------


def _date(day: date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else "без срока"


def short_label(indicator: Indicator) -> str:
    return SHORT_LABELS.get(indicator.code, indicator.title)


def _value(indicator: Indicator, cell: Cell) -> str:
    return format_number(cell.value, indicator.unit if indicator.is_share else "")


def _detail(indicator: Indicator, cell: Cell) -> str:
    """The second line under a value: where it comes from."""
    if indicator.code == "orgs_share":
        return f"{cell.numerator} из {cell.denominator} ОО"
    if not indicator.is_share:
        return ""
    if cell.value is None:
        return "контингент не сдан" if cell.reported == 0 else "знаменатель 0"
    if cell.impossible:
        return (
            f"{format_number(cell.numerator)} / {format_number(cell.denominator)} — больше 100 %: проверьте контингент"
        )
    return f"{format_number(cell.numerator)} / {format_number(cell.denominator)}"


def _coverage(table: IndicatorTable) -> dict[int, str] | None:
    """«контингент сдали N из M ОО» per year, when some year is incomplete (None when all are complete)."""
    contingent = [cells for indicator, cells in table.rows if indicator.needs_contingent]
    if not contingent:
        return None
    result, incomplete = {}, False
    for year in table.years:
        reported = sorted({cells[year].reported for cells in contingent})
        total = contingent[0][year].organisations
        incomplete |= reported[0] < total
        if reported[0] == total:
            result[year] = f"все {total} ОО"
        elif len(reported) == 1:
            result[year] = f"{reported[0]} из {total} ОО"
        else:
            result[year] = f"{reported[0]}–{reported[-1]} из {total} ОО"
    return result if incomplete else None


def _short_definition(text: str) -> tuple[str, bool]:
    """The definition without the rules common to indicators 3–8 (printed once); whether any were cut."""
    short = text
    for rule in (ACTIVE_RULE, CONTINGENT_RULE):
        short = short.replace(rule, "")
    return " ".join(short.split()), short != text


def _author_line(report: Report) -> str:
    user = report.author
    name = (user.full_name or user.username) if user is not None else "____________________"
    centre = report.department.methodical_centre
    return f"{name}, {centre}" if centre else name


# --- File name ---------------------------------------------------------------------------------------

FILENAME_MAX_BYTES = 240  # file systems take 255 bytes of UTF-8 (a Cyrillic letter is 2)


def report_filename(report: Report, fmt: str) -> str:
    """«Аналитическая справка — <ОУО> — 2021–2024 — 23.11.2026.pdf»: no / \\ : * ? " < > | in it."""
    if fmt not in ("pdf", "xlsx"):
        raise ValueError(f"Unknown format {fmt!r}")
    name = name_part(report.department.name, limit=FILENAME_MAX_BYTES)
    period = name_part(report.period)

    def whole(name: str) -> str:
        return f"Аналитическая справка — {name} — {period} — {_date(report.generated_on)}.{fmt}"

    full, cut = name, len(name)
    while cut > 1 and len(whole(name).encode()) > FILENAME_MAX_BYTES:
        cut -= 1
        name = full[:cut].rstrip() + "…"
    return whole(name)
