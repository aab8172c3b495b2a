"""Audit-trail entries (django-auditlog) for the import's bulk writes."""

from __future__ import annotations

from collections.abc import Iterable

from auditlog.cid import get_cid
from auditlog.diff import get_field_value, is_primitive, model_instance_diff, track_field
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils.encoding import smart_str

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
    depend on the row worked out once: the tracked fields (auditlog's registration), each one's value
    «before» (its default), and which can never differ (relations pointing at a row just created).
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
        self.fields = []
        self.constant: dict[str, object] = {}  # reverse relations: auditlog reads the same text on every row
        for field in fields:
            if field.auto_created and not field.concrete and field.one_to_one:
                continue  # a reverse one to one: nothing points at a new row (_no_reverse_one_to_one)
            default = getattr(field, "default", None)
            before = None if callable(default) else get_field_value(None, field, use_json)
            self.fields.append((field, callable(default), before))

    def __call__(self, obj) -> dict | None:
        if self.exact:
            return model_instance_diff(None, obj, use_json_for_changes=self.use_json)
        diff = {}
        for field, recompute, before in self.fields:
            old = get_field_value(None, field, self.use_json) if recompute else before
            if field.one_to_many and field.auto_created:
                # A reverse relation reads as its manager's text («registry.Consent.None»), the same for all.
                if field.name not in self.constant:
                    self.constant[field.name] = get_field_value(obj, field, self.use_json)
                new = self.constant[field.name]
            else:
                new = get_field_value(obj, field, self.use_json)
            if old != new:
                if not self.use_json:
                    diff[field.name] = (smart_str(old), smart_str(new))
                else:
                    diff[field.name] = (
                        old if is_primitive(old) else smart_str(old),
                        new if is_primitive(new) else smart_str(new),
                    )
        return diff or None


class _Audit:
    """Audit-trail entries for bulk writes, as django-auditlog's signals would write them."""

    def __init__(self, user: User | None, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.actor = user if isinstance(user, User) and user.pk else None
        self.cid = get_cid()
        self.use_json = settings.AUDITLOG_STORE_JSON_CHANGES
        self.entries: list[LogEntry] = []

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
            LogEntry(
                content_type=ContentType.objects.get_for_model(obj),
                object_pk=str(obj.pk),
                object_id=obj.pk,
                object_repr=str(obj),
                action=action,
                changes=changes,
                actor=self.actor,
                actor_email=getattr(self.actor, "email", None),
                cid=self.cid,
            )
        )

    def flush(self) -> None:
        LogEntry.objects.bulk_create(self.entries, batch_size=BATCH)
        self.entries = []
