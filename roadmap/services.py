"""Work on roadmaps that touches several rows in one transaction.

- `apply_deadline` parses an item's deadline text (unless a methodist set the schedule by hand);
- `sync_occurrences` keeps the `Occurrence` rows in step with the items' schedules and, for
  «каждая ОО» items, with the department's organisations: missing ones are added, untouched ones
  that left the schedule are removed, marked ones are kept and flagged `orphaned`;
- `save_draft` saves an imported table (`roadmap/reading/`) as a new roadmap;
- `copy_roadmap` copies a roadmap into organisations (as a template) or into another period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from registry.models import EducationDepartment, Organisation, User
from roadmap.deadlines import ParsedDeadline, Period, parse_deadline
from roadmap.models import ImportPreview, Occurrence, ResponsibleKind, Roadmap, RoadmapItem, Section, Status
from roadmap.reading import DraftTable

# «ОО», «ОУ» as a word (not «ООО» of a company), «каждая ОО», «все школы», «школы района», «образовательные
# организации»: every organisation of the department does the item (a municipal item's per-organisation part).
EACH_ORGANISATION_WORDS = re.compile(
    r"(?<![а-я])(?:оо|оу)(?![а-я])|каждая\s+(?:оо|оу|школа)|все\s+(?:оо|оу|школы)"
    r"|школы\s+(?:района|округа|города|муниципалитета)"
    r"|образовательн\w+\s+(?:организации|организаций|организациях|учреждения|учреждений)",
    re.IGNORECASE,
)
# «Шумилина Н.М.», «Стрюкова Е. В.»: a surname and initials.
PERSON_NAME = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.")
ROLE_WORDS = re.compile(r"^(?:кураторы?|наставник\w*|педагог\w*|руководител\w*|классн\w+|заместител\w*)", re.IGNORECASE)


NUMBER_LENGTH = RoadmapItem._meta.get_field("number").max_length  # «1.1.»; a longer text is cut


def guess_responsible_kind(text: str) -> str:
    """Who carries an item out, guessed from the «Ответственный» text; a methodist can change it."""
    text = " ".join(text.split())
    if not text:
        return ResponsibleKind.ORGANISATION
    if EACH_ORGANISATION_WORDS.search(text.replace("ё", "е")):
        return ResponsibleKind.EACH_ORGANISATION
    if PERSON_NAME.search(text):
        return ResponsibleKind.PEOPLE
    if ROLE_WORDS.match(text):
        return ResponsibleKind.ROLE
    return ResponsibleKind.ORGANISATION


def apply_deadline(item: RoadmapItem, period: Period) -> ParsedDeadline | None:
    """Parse the item's deadline text into its schedule; a schedule set by hand is left as it is."""
    if item.schedule_manual:
        return None
    parsed = parse_deadline(item.deadline_text, period)
    item.set_schedule(parsed.schedule, parsed.problem)
    return parsed


# --- occurrences -------------------------------------------------------------------------------


def _is_untouched(occurrence: Occurrence) -> bool:
    return occurrence.status == Status.NOT_STARTED and not occurrence.comment and not occurrence.has_evidence


@transaction.atomic
def sync_occurrences(roadmap: Roadmap, items: Iterable[RoadmapItem] | None = None) -> None:
    """Make the occurrences of `items` (default: all of the roadmap's) match their schedules."""
    items = list(items if items is not None else roadmap.items.all())
    if not items:
        return
    period = roadmap.period
    organisations: list[int] = []
    if roadmap.is_municipal and any(item.for_each_organisation for item in items):
        organisations = list(
            Organisation.objects.filter(department_id=roadmap.department_id).values_list("pk", flat=True)
        )
    existing: dict[tuple[int, int | None, str], Occurrence] = {
        (o.item_id, o.organisation_id, o.key): o for o in Occurrence.objects.filter(item__in=items)
    }
    wanted: set[tuple[int, int | None, str]] = set()
    to_create, to_update = [], []
    for item in items:
        owners: list[int | None] = (
            list(organisations) if (roadmap.is_municipal and item.for_each_organisation) else [None]
        )
        for planned in item.get_schedule().occurrences(period):
            for organisation_id in owners:
                key = (item.pk, organisation_id, planned.key)
                wanted.add(key)
                occurrence = existing.get(key)
                if occurrence is None:
                    to_create.append(
                        Occurrence(
                            item=item,
                            organisation_id=organisation_id,
                            key=planned.key,
                            label=planned.label,
                            start=planned.start,
                            planned_due=planned.due,
                            due=planned.due,
                        )
                    )
                    continue
                changed = (occurrence.label, occurrence.start, occurrence.planned_due, occurrence.orphaned) != (
                    planned.label,
                    planned.start,
                    planned.due,
                    False,
                )
                if changed:
                    occurrence.label, occurrence.start, occurrence.orphaned = planned.label, planned.start, False
                    if occurrence.status != Status.POSTPONED:
                        occurrence.due = planned.due
                    occurrence.planned_due = planned.due
                    to_update.append(occurrence)
    stale = [o for key, o in existing.items() if key not in wanted]
    Occurrence.objects.filter(pk__in=[o.pk for o in stale if _is_untouched(o)]).delete()
    for occurrence in stale:
        if not _is_untouched(occurrence) and not occurrence.orphaned:
            occurrence.orphaned = True
            to_update.append(occurrence)
    Occurrence.objects.bulk_create(to_create, batch_size=1000)
    # bulk_update does not bump the concurrency version: these are the schedule's own columns.
    Occurrence.objects.bulk_update(to_update, ["label", "start", "planned_due", "due", "orphaned"], batch_size=1000)


def sync_organisation(organisation: Organisation) -> None:
    """A new organisation gets its part of every «каждая ОО» item of its department's roadmaps."""
    for roadmap in Roadmap.objects.filter(department_id=organisation.department_id, organisation__isnull=True):
        items = [item for item in roadmap.items.all() if item.for_each_organisation]
        if items:
            sync_occurrences(roadmap, items)


# --- saving a roadmap from an imported table ------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    department: EducationDepartment
    organisation: Organisation | None = None


@transaction.atomic
def save_draft(
    draft: DraftTable,
    *,
    owner: Owner,
    title: str,
    period: Period,
    user: User | None,
    order_number: str = "",
    order_date=None,
) -> Roadmap:
    """Save the previewed table as a new roadmap: every section and item, or nothing."""
    roadmap = Roadmap.objects.create(
        department=owner.department,
        organisation=owner.organisation,
        title=title,
        order_number=order_number,
        order_date=order_date,
        period_text=period.label,
        period_start=period.start,
        period_end=period.end,
        period_academic=period.academic,
        created_by=user,
    )
    position = 0
    for section_position, drafted in enumerate(draft.sections):
        section = Section.objects.create(
            roadmap=roadmap, position=section_position, number=drafted.number[:NUMBER_LENGTH], title=drafted.title
        )
        items = []
        for drafted_item in drafted.items:
            item = RoadmapItem(
                roadmap=roadmap,
                section=section,
                position=position,
                number=drafted_item.number[:NUMBER_LENGTH],
                content=drafted_item.content or "(без текста)",
                deadline_text=drafted_item.deadline[:500],
                result=drafted_item.result,
                indicator=drafted_item.indicator,
                responsible=drafted_item.responsible,
                responsible_kind=_responsible_kind(drafted_item.responsible, owner),
            )
            apply_deadline(item, period)
            items.append(item)
            position += 1
        RoadmapItem.objects.bulk_create(items)
    sync_occurrences(roadmap)
    return roadmap


def _responsible_kind(text: str, owner: Owner) -> str:
    kind = guess_responsible_kind(text)
    if kind == ResponsibleKind.EACH_ORGANISATION and owner.organisation is not None:
        return ResponsibleKind.ORGANISATION  # in a school's own roadmap the school is the one
    return kind


# --- editing ---------------------------------------------------------------------------------------


def create_roadmap(roadmap: Roadmap, *, user: User) -> Roadmap:
    """Save a new roadmap with its first, empty section (where its first items go)."""
    roadmap.created_by = user
    roadmap.save()
    Section.objects.create(roadmap=roadmap, position=0, number="1.", title="")
    return roadmap


def period_changed(roadmap: Roadmap) -> None:
    """The roadmap's period changed: deadlines without a year move with it, and so do their occurrences."""
    items = list(roadmap.items.all())
    for item in items:
        apply_deadline(item, roadmap.period)
    RoadmapItem.objects.bulk_update(items, ["schedule", "schedule_kind", "schedule_problem"])
    sync_occurrences(roadmap, items)


def keep_preview(user: User, token: str, data: dict, *, kept: int) -> ImportPreview:
    """Keep an import's preview on the server; a user's older previews beyond `kept` are dropped."""
    older = ImportPreview.objects.filter(user=user).order_by("-created_at", "-pk").values_list("pk", flat=True)
    ImportPreview.objects.filter(pk__in=list(older[kept - 1 :])).delete()
    return ImportPreview.objects.create(user=user, token=token, data=data)


def next_position(roadmap: Roadmap) -> int:
    return (roadmap.items.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def renumber(roadmap: Roadmap) -> None:
    """Positions follow the sections' order, then the items' order within each section."""
    sections = list(roadmap.sections.order_by("position", "pk"))
    for index, section in enumerate(sections):
        if section.position != index:
            Section.objects.filter(pk=section.pk).update(position=index)
    position = 0
    for section in sections:
        for item in section.items.order_by("position", "pk").only("pk", "position"):
            if item.position != position:
                RoadmapItem.objects.filter(pk=item.pk).update(position=position)
            position += 1


def _lock(roadmap: Roadmap) -> None:
    """Moves in one roadmap take turns: two at once renumbered rows in opposite orders and deadlocked."""
    Roadmap.objects.select_for_update().filter(pk=roadmap.pk).values_list("pk", flat=True).first()


def _swap_with_neighbour(rows: list, moved, direction: str) -> None:
    """Swap `moved` and its neighbour in `rows` (ordered, positions already renumbered)."""
    index = next(i for i, row in enumerate(rows) if row.pk == moved.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        a, b = rows[index], rows[other]
        type(a).objects.filter(pk=a.pk).update(position=b.position)
        type(b).objects.filter(pk=b.pk).update(position=a.position)


@transaction.atomic
def move_item(item: RoadmapItem, direction: str) -> None:
    """Swap the item with its neighbour within its section (`up` or `down`)."""
    _lock(item.roadmap)
    renumber(item.roadmap)
    _swap_with_neighbour(list(item.section.items.order_by("position", "pk")), item, direction)


@transaction.atomic
def move_section(section: Section, direction: str) -> None:
    """Swap the section with its neighbour; the items follow their sections' order."""
    _lock(section.roadmap)
    renumber(section.roadmap)
    _swap_with_neighbour(list(section.roadmap.sections.order_by("position", "pk")), section, direction)
    renumber(section.roadmap)


# --- copying -----------------------------------------------------------------------------------------


@transaction.atomic
def copy_roadmap(
    source: Roadmap, *, owner: Owner, period: Period, user: User | None, title: str | None = None
) -> Roadmap:
    """A copy of the roadmap's sections and items (not their execution) for another owner or period.

    Deadline texts are kept as written and parsed again against the new period, so «Ежегодно
    сентябрь» lands in the new years; a date written in full stays what it was (a methodist edits it).
    """
    copy = Roadmap.objects.create(
        department=owner.department,
        organisation=owner.organisation,
        title=title or source.title,
        period_text=period.label,
        period_start=period.start,
        period_end=period.end,
        period_academic=period.academic,
        source=source,
        created_by=user,
    )
    for section in source.sections.order_by("position", "pk"):
        new_section = Section.objects.create(
            roadmap=copy, position=section.position, number=section.number, title=section.title
        )
        items = []
        for item in section.items.order_by("position", "pk"):
            new_item = RoadmapItem(
                roadmap=copy,
                section=new_section,
                position=item.position,
                number=item.number,
                content=item.content,
                deadline_text=item.deadline_text,
                result=item.result,
                indicator=item.indicator,
                responsible=item.responsible,
                responsible_kind=(
                    ResponsibleKind.ORGANISATION
                    if owner.organisation is not None and item.for_each_organisation
                    else item.responsible_kind
                ),
                schedule_manual=item.schedule_manual,
                schedule=item.schedule,
                schedule_kind=item.schedule_kind,
            )
            if item.schedule_manual and period != source.period:
                new_item.schedule_manual = False  # a hand-set date belongs to the old period
            apply_deadline(new_item, period)
            items.append(new_item)
        RoadmapItem.objects.bulk_create(items)
    sync_occurrences(copy)
    return copy


# --- the preview of an import (the page and import_roadmap) ---------------------------------------------


def preview_rows(draft: DraftTable, period: Period, owner: Owner) -> list[dict]:
    """Each item of a read roadmap with its schedule, its problems (the reading's and the deadline's) and who
    carries it out: what the import page shows and the command prints, word for word."""
    sections: list[dict] = []
    index = 0  # the item's place in the whole table: the preview's corrections name it
    for section in draft.sections:
        items: list[dict] = []
        for item in section.items:
            parsed = parse_deadline(item.deadline, period)
            kind = guess_responsible_kind(item.responsible)
            if kind == ResponsibleKind.EACH_ORGANISATION and owner.organisation is not None:
                kind = ResponsibleKind.ORGANISATION
            problems = [*item.problems, *([parsed.problem] if parsed.problem else [])]
            items.append(
                {
                    "index": index,
                    "item": item,
                    "schedule": parsed.schedule,
                    "problems": problems,
                    "responsible_kind": ResponsibleKind(kind).label,
                }
            )
            index += 1
        sections.append({"section": section, "items": items})
    return sections
