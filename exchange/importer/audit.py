"""Audit-trail entries (django-auditlog) for the import's bulk writes."""

from __future__ import annotations

from collections.abc import Iterable

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from registry.models import User

from .rows import BATCH


class _Audit:
    """Audit-trail entries for bulk writes, as django-auditlog's signals would write them."""

    def __init__(self, user: User | None) -> None:
        self.actor = user if isinstance(user, User) and user.pk else None
        self.cid = get_cid()
        self.use_json = settings.AUDITLOG_STORE_JSON_CHANGES
        self.entries: list[LogEntry] = []

    def created(self, objects: Iterable) -> None:
        for obj in objects:
            self._add(obj, LogEntry.Action.CREATE, model_instance_diff(None, obj, use_json_for_changes=self.use_json))
            if len(self.entries) >= BATCH:
                self.flush()  # entries are large (every field's value): keep memory bounded

    def updated(self, before, after, fields: Iterable[str]) -> None:
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
