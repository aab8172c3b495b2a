"""A person leaves the base: deleted when nothing refers to them, archived (with the reason) when they
have pairs, so that the pairs and their history stay; and comes back from the archive."""

from __future__ import annotations

from django.utils import timezone

from registry.models import Person


def has_pairs(person: Person) -> bool:
    return person.mentor_pairs.exists() or person.participations.exists()


def archive(person: Person, reason: str) -> None:
    person.archived_at = timezone.now()
    person.archive_reason = reason
    person.save(update_fields=["archived_at", "archive_reason"])


def restore(person: Person) -> None:
    person.archived_at = None
    person.archive_reason = ""
    person.save(update_fields=["archived_at", "archive_reason"])
