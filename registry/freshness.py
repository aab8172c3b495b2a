"""Versions of each organisation's registry data, so department-wide results can be cached safely.

Some answers read a whole department (the data-quality checks group 100 000 people by name and
year): too slow to compute on every request, cheap to keep. They are cached under a key that
holds the *versions* of the organisations they read. Every change gives its organisation a new
version (a fresh random token, written to the database cache in the same transaction as the change,
so it commits or rolls back with it), so a cached answer is never served after the data under it
changed — the next request computes it again. No time-to-live is needed for correctness.

Versions are kept per organisation and per *topic* — what changed: its people, their consents, its
pairs (and participations), its programs, its contingent, its people's training (events). An answer
names the topics it reads, so forming a pair does not throw away the duplicate check (people only), and
a curator's saves in one school do not throw away the other schools' parts of a department-wide answer:
answers that are sums over organisations are kept per organisation (`cached_by_organisation`) and only
the organisations that changed are computed again.

Writes that bypass model signals (bulk_create, QuerySet.update) call `touch()` themselves, or
`touch_all()` when they change many organisations (generate_data, an import).

The cache is Django's default cache: the database cache in every environment (settings.CACHES),
shared by the web workers and the background worker.
"""

from __future__ import annotations

import base64
import hashlib
import pickle
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

# Topics: what a change is about. An answer reads some of them; a change renews one or more.
PEOPLE = "people"
CONSENTS = "consents"
PAIRS = "pairs"  # pairs and their participations
PROGRAMS = "programs"
CONTINGENT = "contingent"
TRAINING = "training"  # the events its people and pairs took part in (events/): the training check reads it
TOPICS: tuple[str, ...] = (PEOPLE, CONSENTS, PAIRS, PROGRAMS, CONTINGENT, TRAINING)

_ALL = "registry:version:all"
_TIMEOUT = 24 * 60 * 60  # an unused answer leaves the cache after a day


def _key(organisation_id: int, topic: str) -> str:
    return f"registry:version:org:{organisation_id}:{topic}"


def _check(topics: Sequence[str]) -> Sequence[str]:
    unknown = set(topics) - set(TOPICS)
    if unknown or not topics:
        raise ValueError(f"Unknown data topics: {sorted(unknown) or 'none given'}")
    return topics


def _set_many(values: dict[str, object], timeout: int | None) -> None:
    """`cache.set_many`, in one statement a few hundred keys when the cache is the database's.

    Django's database cache writes key by key, five queries each; a department's parts are tens of
    keys. The rows are the ones it writes itself (key, base64 of the pickle, expiry), so `get_many`
    reads them as its own. No culling either: Django's culls a third of all keys when the table passes
    MAX_ENTRIES — under a write load that threw away every organisation's parts at once — so answers
    leave by their time-to-live instead, removed every night by `manage.py housekeeping`.
    """
    if not values:
        return
    backend = caches[DEFAULT_CACHE_ALIAS]  # `cache` is a proxy of it
    if not isinstance(backend, DatabaseCache):
        backend.set_many(values, timeout=timeout)
        return
    connection = connections[router.db_for_write(backend.cache_model_class)]
    seconds = backend.get_backend_timeout(timeout)
    expires = datetime.max if seconds is None else datetime.fromtimestamp(seconds, tz=UTC if settings.USE_TZ else None)
    expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
    # In the keys' order, so two transactions writing the same keys lock them in the same order.
    rows = sorted(
        (backend.make_and_validate_key(key), base64.b64encode(pickle.dumps(value, backend.pickle_protocol)).decode())
        for key, value in values.items()
    )
    name = connection.ops.quote_name
    key, value, expiry = name("cache_key"), name("value"), name("expires")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 300):
            batch = rows[start : start + 300]
            cursor.execute(
                f"INSERT INTO {name(backend._table)} ({key}, {value}, {expiry}) VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(batch))
                + f" ON CONFLICT ({key}) DO UPDATE SET {value} = excluded.{value}, {expiry} = excluded.{expiry}",
                [part for row in batch for part in (*row, expires)],
            )


def _set_versions(keys: dict[str, str]) -> None:
    _set_many(keys, timeout=None)
    if not isinstance(caches[DEFAULT_CACHE_ALIAS], DatabaseCache):
        # The database cache writes in the same transaction as the data, and commits or rolls
        # back with it. Any other cache is told again once the data is committed.
        transaction.on_commit(lambda: cache.set_many({k: uuid.uuid4().hex for k in keys}, timeout=None))


def touch(*organisation_ids: int | None, topics: Sequence[str] = TOPICS) -> None:
    """Give these organisations a new data version of `topics` (with the current transaction)."""
    keys = {
        _key(pk, topic): uuid.uuid4().hex for pk in set(organisation_ids) if pk is not None for topic in _check(topics)
    }
    if keys:
        _set_versions(keys)


def touch_all() -> None:
    """A new version for every organisation and topic (after bulk writes)."""
    _set_versions({_ALL: uuid.uuid4().hex})


def _digest(parts: Iterable[str]) -> str:
    return hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()


def versions(organisation_ids: Iterable[int], topics: Sequence[str] = TOPICS) -> dict[int, str]:
    """Each organisation's version of `topics`: a short string that changes whenever that part of
    its data changes (one cache read for all of them)."""
    ids = sorted(set(organisation_ids))
    topics = sorted(_check(topics))
    keys = [_ALL, *(_key(pk, topic) for pk in ids for topic in topics)]
    tokens = cache.get_many(keys)
    if len(tokens) < len(keys):
        # Never seen, or dropped by the cache's culling: a fresh token rather than «none», or an
        # answer kept from before the data had a token could be served again after it lost it.
        fresh = {key: uuid.uuid4().hex for key in keys if key not in tokens}
        _set_many(fresh, timeout=None)
        tokens.update(fresh)
    common = tokens[_ALL]
    return {pk: _digest([common, *(f"{topic}={tokens[_key(pk, topic)]}" for topic in topics)]) for pk in ids}


def version(organisation_ids: Iterable[int], topics: Sequence[str] = TOPICS) -> str:
    """One short string that changes whenever `topics` of any of these organisations change."""
    found = versions(organisation_ids, topics)
    return _digest(f"{pk}={token}" for pk, token in found.items())


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
    _set_many({key: value}, timeout=_TIMEOUT)
    return value


def cached_by_organisation(
    name: str,
    organisation_ids: Iterable[int],
    topics: Sequence[str],
    compute: Callable[[list[int]], dict[int, T]],
    missing: Callable[[], T],
) -> dict[int, T]:
    """Each organisation's part of an answer, computed only for the organisations whose data changed.

    `compute(ids)` returns the parts of those organisations (one call for all of them, so a query
    per answer, not per organisation; an organisation it leaves out gets `missing()`). `name` must
    tell apart everything else the part depends on (dates, sizes, the other organisations it reads);
    a part must not depend on who asks. Two cache reads when nothing changed, one write otherwise.
    """
    found = versions(organisation_ids, topics)
    keys = {pk: f"registry:part:{name}:{pk}:{token}" for pk, token in found.items()}
    hits = cache.get_many(list(keys.values()))
    parts = {pk: hits[key] for pk, key in keys.items() if key in hits}
    stale = [pk for pk in keys if pk not in parts]
    if stale:
        computed = compute(stale)
        fresh = {pk: computed[pk] if pk in computed else missing() for pk in stale}
        _set_many({keys[pk]: part for pk, part in fresh.items()}, timeout=_TIMEOUT)
        parts.update(fresh)
    return parts


def forget_answers() -> None:
    """Drop every kept answer (not the versions), in the current transaction: after a person's data is erased,
    no answer read before — a duplicate list naming them, a pool holding their words — waits out its
    time-to-live in the cache table. Erasures are rare; each answer is computed once again."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, DatabaseCache):
        backend.clear()  # the versions too: every answer is then stale (`versions` makes fresh tokens)
        return
    connection = connections[router.db_for_write(backend.cache_model_class)]
    table = connection.ops.quote_name(backend._table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE cache_key LIKE %s OR cache_key LIKE %s",
            [backend.make_key("registry:cached:") + "%", backend.make_key("registry:part:") + "%"],
        )


# --- What changes a version ------------------------------------------------------------------------


class RemembersLoaded:
    """A model mixin that keeps some fields as they were loaded from the database (`loaded`), so that a
    change can renew the versions of what they were too: a person moved to another school leaves the
    old one's answers as well."""

    remembered_fields: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember()
        return instance

    def remember(self) -> None:
        """Now as in the database (on loading, and after each save)."""
        self.loaded = {name: self.__dict__.get(name) for name in self.remembered_fields}


def loaded(instance, name: str):
    """The value of field `name` as the row was loaded (None for a new row or one not remembered)."""
    return getattr(instance, "loaded", {}).get(name)


def _organisation_of(instance) -> list[int | None]:
    """The organisations whose answers a changed row can alter (before and after the change): the row's
    own `touched_organisations()` where it says more than its organisation (models know, this module
    knows no model)."""
    touched = getattr(instance, "touched_organisations", None)
    if touched is not None:
        return touched()
    return [instance.organisation_id, loaded(instance, "organisation_id")]


_TOPIC_OF: dict[type, str] = {}


def _changed(sender, instance, **kwargs) -> None:
    touch(*_organisation_of(instance), topics=(_TOPIC_OF[sender],))
    if isinstance(instance, RemembersLoaded):
        instance.remember()


def follow(model, topic: str) -> None:
    """Renew the organisation's version of `topic` whenever a row of `model` is saved or deleted;
    rows of other apps that belong to an organisation (a contingent) are followed the same way."""
    _TOPIC_OF[model] = _check([topic])[0]
    post_save.connect(_changed, sender=model, dispatch_uid=f"freshness-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"freshness-delete-{model.__name__}")
