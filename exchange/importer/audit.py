"""Audit-trail entries (django-auditlog) for the import's bulk writes."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from auditlog.cid import get_cid
from auditlog.diff import get_field_value, is_primitive, model_instance_diff, track_field
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import DateTimeField, JSONField
from django.utils import timezone
from django.utils.encoding import smart_str

from common import bulk
from registry.models import User

from .rows import BATCH


def _no_reverse_one_to_one(obj) -> None:
    """A row just created has no row pointing at it one to one (a person's erasure record): said to the
    reverse relations' caches, so that auditlog's diff, which reads every field, asks nothing per row."""
    for relation in obj._meta.related_objects:
        if relation.one_to_one and not relation.is_cached(obj):
            relation.set_cached_value(obj, None)


class CreatedDiff:
    """auditlog's `model_instance_diff(None, obj)` for the many new rows of one model, with what does not
    depend on the row worked out once: the tracked fields (auditlog's registration), the value «before»
    (auditlog reads no default for a row that did not exist: «None» for every field), which can never differ
    (relations pointing at a row just created), and for each field how its value is read — a plain field
    or a foreign key's id directly, as auditlog would; a date-time or JSON field through auditlog itself.
    tests/exchange/test_importer.py holds it to auditlog's own answer, field by field."""

    def __init__(self, model, use_json: bool) -> None:
        self.use_json = use_json
        registration = auditlog.get_model_fields(model)
        self.exact = bool(registration["mask_fields"])  # masked fields: left to auditlog itself
        fields = {field for field in model._meta.get_fields() if track_field(field)}
        if registration["include_fields"]:
            fields = {field for field in fields if field.name in registration["include_fields"]}
        if registration["exclude_fields"]:
            fields = {field for field in fields if field.name not in registration["exclude_fields"]}
        # auditlog's «before» of a row that did not exist: no default is read, «None» for every field.
        self.before = get_field_value(None, model._meta.pk, use_json)
        self.before_text = smart_str(self.before)
        self.readers = []  # (name, how it is read) for the fields read one by one
        self.plain: list[str] = []  # the plain fields, read together (their values as auditlog's texts)
        self.constant: dict[str, object] = {}  # reverse relations: auditlog reads the same text on every row
        for field in sorted(fields, key=lambda field: field.name):
            if field.auto_created and not field.concrete and field.one_to_one:
                continue  # a reverse one to one: nothing points at a new row (_no_reverse_one_to_one)
            reader = self._reader(field)
            if reader is None:
                self.plain.append(field.name)
            else:
                self.readers.append((field.name, reader))
        self.read_plain = attrgetter(*self.plain) if len(self.plain) > 1 else None

    def _reader(self, field):
        """How the field's value is read, as `auditlog.diff.get_field_value` reads it; None for a plain
        field (its attribute, in text unless changes are kept as JSON)."""
        if field.one_to_many and field.auto_created:
            # A reverse relation reads as its manager's text («registry.Consent.None»), the same for all.
            def constant(obj, field=field):
                if field.name not in self.constant:
                    self.constant[field.name] = get_field_value(obj, field, self.use_json)
                return self.constant[field.name]

            return constant
        if isinstance(field, DateTimeField | JSONField) or not field.concrete:
            return lambda obj: get_field_value(obj, field, self.use_json)
        if (
            not settings.AUDITLOG_USE_FK_STRING_REPRESENTATION
            and (field.one_to_one or field.many_to_one)
            and hasattr(field, "rel_class")
        ):
            attname = field.get_attname()
            return lambda obj: smart_str(getattr(obj, attname), strings_only=True)
        if field.is_relation:
            return lambda obj: get_field_value(obj, field, self.use_json)
        return None  # a plain field: read with the others (`__call__`)

    def __call__(self, obj) -> dict | None:
        if self.exact:
            return model_instance_diff(None, obj, use_json_for_changes=self.use_json)
        old = self.before
        values = []
        if self.read_plain is not None:
            values = zip(self.plain, self.read_plain(obj), strict=True)
        elif self.plain:
            values = [(self.plain[0], getattr(obj, self.plain[0]))]
        diff = {}
        for name, new in values:
            if not self.use_json and type(new) is not str:
                new = smart_str(new)
                if type(new).__name__ == "__proxy__":
                    new = str(new)
            if old != new:
                diff[name] = self._change(new)
        for name, read in self.readers:
            new = read(obj)
            if old != new:
                diff[name] = self._change(new)
        return diff or None

    def _change(self, new) -> tuple:
        old = self.before
        if not self.use_json:
            return (self.before_text, new if type(new) is str else smart_str(new))
        return (old if is_primitive(old) else smart_str(old), new if is_primitive(new) else smart_str(new))


# What an entry written by auditlog's signals holds (the others are left empty, as auditlog leaves them).
ENTRY_FIELDS = (
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "changes",
    "changes_text",
    "actor_id",
    "actor_email",
    "cid",
    "timestamp",
)


class _Audit:
    """Audit-trail entries for bulk writes, as django-auditlog's signals would write them."""

    def __init__(self, user: User | None, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.actor = user if isinstance(user, User) and user.pk else None
        self.cid = get_cid()
        self.use_json = settings.AUDITLOG_STORE_JSON_CHANGES
        self.entries: list[tuple] = []  # rows of LogEntry's fields ENTRY_FIELDS

    def created(self, objects: Iterable) -> None:
        if not self.enabled:
            return
        diffs: dict[type, CreatedDiff] = {}
        for obj in objects:
            _no_reverse_one_to_one(obj)
            model = type(obj)
            if model not in diffs:
                diffs[model] = CreatedDiff(model, self.use_json)
            self._add(obj, LogEntry.Action.CREATE, diffs[model](obj))
            if len(self.entries) >= BATCH:
                self.flush()  # entries are large (every field's value): keep memory bounded

    def updated(self, before, after, fields: Iterable[str]) -> None:
        if not self.enabled:
            return
        changes = model_instance_diff(before, after, fields_to_check=list(fields), use_json_for_changes=self.use_json)
        self._add(after, LogEntry.Action.UPDATE, changes)

    def _add(self, obj, action, changes) -> None:
        if not changes:
            return
        self.entries.append(
            (
                ContentType.objects.get_for_model(obj).pk,
                str(obj.pk),
                obj.pk,
                str(obj),
                int(action),
                changes,
                "",
                self.actor.pk if self.actor else None,
                getattr(self.actor, "email", None),
                self.cid,
                timezone.now(),
            )
        )

    def flush(self) -> None:
        bulk.insert_rows(LogEntry, ENTRY_FIELDS, self.entries)
        self.entries = []
