"""The document register (реестр документов): what each school must have this school year, and who has it.

A register is a department's municipal roadmap of the kind `DOCUMENT_REGISTER` (one per school year). Each
required document is a «каждая ОО» item whose schedule is one date set by the methodist, so
`services.sync_occurrences` gives every organisation its `Occurrence` — the roadmap's own per-organisation
execution, not a second mechanism. A curator gives the document through the execution mark's form (the
file or the link, the same upload checks); the matrix reads the occurrences.

A school's part is in one of three states on a given day: done (the document is given), overdue (not
given and the date has passed), missing (not given, the date still ahead).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import models, transaction
from django.db.models import QuerySet

from registry.models import EducationDepartment, Organisation, User
from roadmap import services
from roadmap.deadlines import Period, Schedule, ScheduleKind, parse_period
from roadmap.models import Occurrence, ResponsibleKind, Roadmap, RoadmapItem, RoadmapKind, Section, Status

RESPONSIBLE = "каждая ОО"


class State(models.TextChoices):
    DONE = "done", "выполнено"
    OVERDUE = "overdue", "просрочено"
    MISSING = "missing", "не сдан"


def academic_period(first_year: int) -> Period:
    return parse_period(f"{first_year}–{first_year + 1} учебный год")


def current_school_year(today: date) -> int:
    """The first calendar year of the school year `today` falls in (September starts one)."""
    return today.year if today.month >= 9 else today.year - 1


def register_title(period: Period) -> str:
    return f"Реестр документов на {period.label}"


@transaction.atomic
def open_register(department: EducationDepartment, period: Period, *, user: User | None) -> Roadmap:
    """A department's register of a school year, empty: its one section holds the required documents."""
    register = Roadmap.objects.create(
        department=department,
        kind=RoadmapKind.DOCUMENT_REGISTER,
        title=register_title(period),
        period_text=period.label,
        period_start=period.start,
        period_end=period.end,
        period_academic=period.academic,
        created_by=user,
    )
    Section.objects.create(roadmap=register, position=0, number="", title="Документы организаций")
    return register


def new_requirement(register: Roadmap) -> RoadmapItem:
    """An unsaved required document of the register (what the form fills)."""
    section = register.sections.order_by("position", "pk").first()
    return RoadmapItem(roadmap=register, section=section, responsible_kind=ResponsibleKind.EACH_ORGANISATION)


@transaction.atomic
def save_requirement(item: RoadmapItem, due: date) -> RoadmapItem:
    """Save a required document with its date; every organisation's part follows (added, or moved to the
    new date unless it was postponed; a part already given keeps its document)."""
    register = item.roadmap
    if item.section_id is None:
        item.section = register.sections.order_by("position", "pk").first() or Section.objects.create(
            roadmap=register, position=0, title="Документы организаций"
        )
    if not item.pk:
        item.position = services.next_position(register)
    item.responsible_kind = ResponsibleKind.EACH_ORGANISATION
    item.responsible = RESPONSIBLE
    item.deadline_text = f"до {due:%d.%m.%Y}"
    item.schedule_manual = True
    item.set_schedule(Schedule(ScheduleKind.DUE, due=due))
    item.save()
    services.sync_occurrences(register, [item])
    return item


def requirement_due(item: RoadmapItem) -> date | None:
    return item.get_schedule().due if item.pk else None


def state_of(occurrence: Occurrence, today: date) -> State:
    if occurrence.status == Status.DONE:
        return State.DONE
    if occurrence.due is not None and occurrence.due < today:
        return State.OVERDUE
    return State.MISSING


# --- the matrix ------------------------------------------------------------------------------------------------


@dataclass
class Counts:
    done: int = 0
    overdue: int = 0
    missing: int = 0

    def add(self, state: State) -> None:
        setattr(self, state.value, getattr(self, state.value) + 1)

    def of(self, state: State | str) -> int:
        return getattr(self, State(state).value)


@dataclass
class Cell:
    occurrence: Occurrence
    item: RoadmapItem
    state: State
    editable: bool = False


@dataclass
class Column:
    item: RoadmapItem
    due: date | None
    counts: Counts = field(default_factory=Counts)


@dataclass
class Row:
    organisation: Organisation
    cells: list[Cell | None]
    counts: Counts = field(default_factory=Counts)


@dataclass
class Matrix:
    columns: list[Column]
    rows: list[Row]
    counts: Counts
    shown: int  # rows the filter keeps


def requirements(register: Roadmap) -> list[RoadmapItem]:
    return list(register.items.order_by("position", "pk"))


def build_matrix(
    register: Roadmap,
    organisations: QuerySet[Organisation],
    today: date,
    *,
    only: State | None = None,
    editable: set[int] | None = None,
) -> Matrix:
    """Organisations × required documents; with `only`, the organisations having a document in that state."""
    columns = {item.pk: Column(item, requirement_due(item)) for item in requirements(register)}
    schools = list(organisations.order_by("short_name", "pk"))
    cells: dict[tuple[int, int | None], Occurrence] = {
        (o.item_id, o.organisation_id): o
        for o in Occurrence.objects.filter(item__roadmap=register, organisation__in=schools)
    }
    total = Counts()
    rows = []
    for organisation in schools:
        row = Row(organisation, [])
        for item_id, column in columns.items():
            occurrence = cells.get((item_id, organisation.pk))
            if occurrence is None:  # an organisation added after the last sync: none of its parts yet
                row.cells.append(None)
                continue
            state = state_of(occurrence, today)
            row.cells.append(Cell(occurrence, column.item, state, editable is not None and occurrence.pk in editable))
            row.counts.add(state)
            column.counts.add(state)
            total.add(state)
        rows.append(row)
    shown = [row for row in rows if only is None or row.counts.of(only)]
    return Matrix(list(columns.values()), shown, total, len(shown))
