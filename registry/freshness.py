"""Versions of each organisation's registry data, so department-wide results can be cached safely.

Some answers read a whole department (the data-quality checks group 100 000 people by name and
year): too slow to compute on every request, cheap to keep. They are cached under a key that
holds the *versions* of the organisations they read. Every change to a person, a consent, a
pair or a participation gives its organisation a new version (a fresh random token, written to
the database cache in the same transaction as the change, so it commits or rolls back with it), so a cached answer is never served after the data under it changed —
the next request computes it again. No time-to-live is needed for correctness.

Writes that bypass model signals (bulk_create, QuerySet.update) call `touch()` themselves, or
`touch_all()` when they change many organisations (generate_data, an import).

The cache is Django's default cache: the database cache in every environment (settings.CACHES),
shared by the web workers and the background worker.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_ALL = "registry:version:all"
_TIMEOUT = 24 * 60 * 60  # an unused answer leaves the cache after a day


def _key(organisation_id: int) -> str:
    return f"registry:version:org:{organisation_id}"


def _set_versions(keys: dict[str, str]) -> None:
    cache.set_many(keys, timeout=None)
    if not isinstance(cache, DatabaseCache):
        # The database cache writes in the same transaction as the data, and commits or rolls
        # back with it. Any other cache is told again once the data is committed.
        transaction.on_commit(lambda: cache.set_many({k: uuid.uuid4().hex for k in keys}, timeout=None))


def touch(*organisation_ids: int | None) -> None:
    """Give these organisations a new data version (with the current transaction)."""
    keys = {_key(pk): uuid.uuid4().hex for pk in set(organisation_ids) if pk is not None}
    if keys:
        _set_versions(keys)


def touch_all() -> None:
    """A new version for every organisation (after bulk writes)."""
    _set_versions({_ALL: uuid.uuid4().hex})


def version(organisation_ids: Iterable[int]) -> str:
    """One short string that changes whenever the data of any of these organisations changes."""
    keys = [_ALL, *(_key(pk) for pk in sorted(set(organisation_ids)))]
    tokens = cache.get_many(keys)
    return hashlib.blake2b("|".join(f"{k}={tokens.get(k, '')}" for k in keys).encode(), digest_size=12).hexdigest()


def cached(name: str, data_version: str, compute: Callable[[], T]) -> T:
    """`compute()`, or its answer kept from an earlier call over the same data.

    `data_version` is `version(...)` of the organisations the answer reads; `name` must tell apart
    everything else it depends on (the user's scope, filters, the page number).
    """
    key = f"registry:cached:{name}:{data_version}"
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = compute()
    cache.set(key, value, timeout=_TIMEOUT)
    return value


# --- What changes a version ------------------------------------------------------------------------


def _organisation_of(sender, instance) -> list[int | None]:
    """The organisations whose checks a changed row can alter."""
    from registry.models import Consent, MentoringPair, PairMentee

    if sender is Consent:
        return [instance.person.organisation_id]
    if sender is PairMentee:
        return [instance.organisation_id, instance.mentee_organisation_id]
    if sender is MentoringPair:  # a mentor from elsewhere: their organisation's load check too
        return [instance.organisation_id, instance.mentor.organisation_id]
    return [instance.organisation_id]


def _changed(sender, instance, **kwargs) -> None:
    touch(*_organisation_of(sender, instance))


def follow(model) -> None:
    """Renew the organisation's version whenever a row of `model` is saved or deleted; rows of other
    apps that belong to an organisation (a contingent) are followed the same way."""
    post_save.connect(_changed, sender=model, dispatch_uid=f"freshness-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"freshness-delete-{model.__name__}")


def connect() -> None:
    from registry.models import Consent, MentoringPair, MentoringProgram, PairMentee, Person

    # A program's dates count in the indicators (the number of programs running in a year).
    for model in (Person, Consent, MentoringPair, PairMentee, MentoringProgram):
        follow(model)
