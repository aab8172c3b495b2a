"""The audit trail: every change to a person, consent, program, pair, participation or meeting.

django-auditlog records who (the request's user, via AuditlogMiddleware), when and which
fields changed from what to what; the records stay when the object is deleted.
"""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from registry.models import Consent, Meeting, MentoringPair, MentoringProgram, PairMentee, Person

# Search copies and the optimistic-lock counter are not facts anyone changed.
_TECHNICAL = ["search_text", "name_key", "version", "updated_at"]


def register() -> None:
    auditlog.register(Person, exclude_fields=_TECHNICAL)
    auditlog.register(Consent, exclude_fields=_TECHNICAL)
    auditlog.register(MentoringProgram, exclude_fields=_TECHNICAL, m2m_fields={"formats"})
    auditlog.register(MentoringPair, exclude_fields=_TECHNICAL)
    auditlog.register(PairMentee)
    auditlog.register(Meeting)


def entries_for(*objects_by_model: tuple[type, list[int]]) -> QuerySet[LogEntry]:
    """Audit entries of the given (model, [pk, …]) groups, newest first, with their actors."""
    condition = Q(pk__in=[])
    for model, pks in objects_by_model:
        if pks:
            content_type = ContentType.objects.get_for_model(model)
            condition |= Q(content_type=content_type, object_pk__in=[str(pk) for pk in pks])
    return LogEntry.objects.filter(condition).select_related("actor", "content_type").order_by("-timestamp")
