"""The audit trail: every change to a person, consent, program, pair, participation, meeting or list item.

django-auditlog records who (the request's user, via AuditlogMiddleware), when and which
fields changed from what to what; the records stay when the object is deleted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from registry.models import (
    Consent,
    Meeting,
    MeetingKind,
    MentoringFormat,
    MentoringKind,
    MentoringPair,
    MentoringProgram,
    PairMentee,
    Person,
    RoleModel,
)

# Search copies and the optimistic-lock counter are not facts anyone changed.
_TECHNICAL = ["search_text", "name_key", "version", "updated_at"]


ACTIONS = {
    LogEntry.Action.CREATE: "создание",
    LogEntry.Action.UPDATE: "изменение",
    LogEntry.Action.DELETE: "удаление",
    LogEntry.Action.ACCESS: "просмотр",
}


def _reverse(model) -> list[str]:
    """The relations pointing at the model (a person's consents, a pair's meetings): facts of their own rows,
    which auditlog would otherwise record on every creation as their manager's text
    («registry.Consent.None»)."""
    return [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]


def register() -> None:
    auditlog.register(Person, exclude_fields=[*_TECHNICAL, *_reverse(Person)])
    auditlog.register(Consent, exclude_fields=[*_TECHNICAL, "person", *_reverse(Consent)])
    auditlog.register(
        MentoringProgram, exclude_fields=[*_TECHNICAL, *_reverse(MentoringProgram)], m2m_fields={"formats"}
    )
    auditlog.register(MentoringPair, exclude_fields=[*_TECHNICAL, *_reverse(MentoringPair)])
    # A participation's copies of its pair are bookkeeping; what a person changes is below.
    auditlog.register(PairMentee, include_fields=["mentee", "results", "feedback_url", "completion_mark", "iom_built"])
    auditlog.register(Meeting, exclude_fields=["pair", "version", *_reverse(Meeting)])
    for reference in (MentoringFormat, RoleModel, MentoringKind, MeetingKind):
        auditlog.register(reference, exclude_fields=_reverse(reference))


def entries_for(*objects_by_model: tuple[type, list[int]]) -> QuerySet[LogEntry]:
    """Audit entries of the given (model, [pk, …]) groups, newest first, with their actors."""
    condition = Q(pk__in=[])
    for model, pks in objects_by_model:
        if pks:
            content_type = ContentType.objects.get_for_model(model)
            condition |= Q(content_type=content_type, object_pk__in=[str(pk) for pk in pks])
    return LogEntry.objects.filter(condition).select_related("actor", "content_type").order_by("-timestamp")


def deleted_meetings(pair: MentoringPair) -> list[int]:
    """The pks of the pair's meetings deleted since they were written down (their entries name the pair:
    Meeting.get_additional_data)."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Meeting),
        action=LogEntry.Action.DELETE,
        additional_data__pair=pair.pk,
    )
    return [int(pk) for pk in entries.values_list("object_pk", flat=True)]


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    entry: LogEntry
    action: str
    what: str
    changes: list[Change]  # an edit: each field that changed, from what to what
    summary: str = ""  # a creation or a deletion: one line of the values it had

    @property
    def text(self) -> str:
        """The row's changes in one line (for a file)."""
        return self.summary or "; ".join(f"{c.field}: {c.old} → {c.new}" for c in self.changes)


def history(entries) -> list[HistoryRow]:
    """Entries made readable in Russian, as the user sees the values: field labels, names instead of ids,
    «да»/«нет», dates дд.мм.гггг and moments in local time; only fields that changed, never relations
    or bookkeeping (ids, creation moments, search copies); a creation or a deletion in one line.
    Referenced objects are named in one query per model (auditlog's own changes_display_dict looks up
    every foreign key of every entry separately)."""
    entries = list(entries)
    wanted: dict[type, set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in entry.changes_dict.items():
            field = _field(model, name)
            if field is not None and field.many_to_one and isinstance(values, list):
                wanted[field.related_model].update(v for v in values if v not in (None, "None"))
    names = {
        model: {str(obj.pk): str(obj) for obj in model._base_manager.filter(pk__in=pks)}
        for model, pks in wanted.items()
    }
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = []
        fields = ((_field(model, name), values) for name, values in entry.changes_dict.items())
        shown = sorted(
            ((f, v) for f, v in fields if f is not None and _shown(f)), key=lambda fv: fv[0].creation_counter
        )
        for field, values in shown:
            label = capfirst(str(field.verbose_name))
            if isinstance(values, dict):  # a many-to-many change
                objects = ", ".join(values.get("objects", []))
                added = values.get("operation") == "add"
                changes.append(Change(label, "" if added else objects, objects if added else "—"))
                continue
            old, new = (_display(field, value, names) for value in values)
            if old != new:
                changes.append(Change(label, old, new))
        summary = ""
        if entry.action in (LogEntry.Action.CREATE, LogEntry.Action.DELETE):
            side = 1 if entry.action == LogEntry.Action.CREATE else 0
            # What the row held: a «нет» nobody chose (a box left unticked) is not news.
            summary = "; ".join(
                f"{change.field}: {value}"
                for change in changes
                if (value := change.new if side else change.old) not in ("—", "нет")
            )
            changes = []
        elif entry.action == LogEntry.Action.UPDATE and not changes:
            continue  # only bookkeeping changed (a counter, a search copy)
        rows.append(HistoryRow(entry, ACTIONS.get(entry.action, ""), str(model._meta.verbose_name), changes, summary))
    return rows


# Bookkeeping a user never set: when a row was made or last touched, its concurrency counter, search copies.
_NOT_SHOWN = {*_TECHNICAL, "created_at"}


def _shown(field) -> bool:
    return not field.primary_key and field.name not in _NOT_SHOWN


def _field(model, name: str):
    """The model's own field of that name (not a relation pointing at it), or None."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.auto_created and not field.concrete:
        return None
    return field if hasattr(field, "verbose_name") else None


def _display(field, value, names: dict) -> str:
    if value in (None, "None", ""):
        return "—"
    if field.many_to_one:
        return names.get(field.related_model, {}).get(str(value), f"№ {value} (удалён)")
    if field.choices:
        return str(dict(field.choices).get(value, value))
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return "да" if value in ("True", True) else "нет"
    if kind == "DateField":
        try:
            return date.fromisoformat(str(value)).strftime("%d.%m.%Y")
        except ValueError:
            return str(value)
    if kind == "DateTimeField":
        # auditlog keeps a moment in UTC without its zone: shown in the municipality's time.
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)
        return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")
    return str(value)
