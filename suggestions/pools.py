"""The mentors a suggestion ranks, kept per organisation between requests.

A staff form's pool is the whole department's: some 7 000 people of 100 000 with a mentor's facts, places
left and their stored lemmas — 190 ms of SQL and 50 ms of Python to read on every «Подобрать
наставника». The pool is a sum over organisations, so it is kept as one part per organisation
(`registry.freshness.cached_by_organisation`, column-wise `profiles.Mentors`): a part is read again only
when that organisation's people, consents or pairs changed — a pair formed in one school reads that
school again, not the department. The load of a mentor from another school is their own organisation's
(a pair's save renews its mentor's organisation: `MentoringPair.touched_organisations`).

A part holds only the mentors who may take someone now (`rules.taking`: a place left, a consent for a
minor), and nothing of the mentee: not being one's own mentor and not leading the mentee already
are the caller's (`services.suggest`).
"""

from __future__ import annotations

import pickle
import zlib
from collections import defaultdict

from registry import freshness
from registry.models import MentoringFormat
from suggestions import profiles, rules
from suggestions.profiles import Mentors

TOPICS = (freshness.PEOPLE, freshness.CONSENTS, freshness.PAIRS)
_LAYOUT = 2  # bump when `Mentors` changes its fields: parts kept in the cache are read no more


def mentors(mentoring_format: MentoringFormat, organisation_ids: list[int]) -> Mentors:
    """The mentors of these organisations who may take a mentee in the form now, in organisations' order."""
    year = profiles.this_year()
    participants = mentoring_format.participants

    def compute(stale: list[int]) -> dict[int, bytes]:
        pool = profiles.read_mentors(rules.mentor_pool(mentoring_format, stale).order_by())
        rows_of: dict[int, list[int]] = defaultdict(list)
        for i in rules.taking(pool, year):
            rows_of[pool.organisation_id[i]].append(i)
        return {pk: _packed(pool.only(rows)) for pk, rows in rows_of.items()}

    parts = freshness.cached_by_organisation(
        f"suggestions:mentors:{_LAYOUT}:{participants}:{year}",
        organisation_ids,
        TOPICS,
        compute,
        missing=lambda: _packed(Mentors.of([])),
    )
    return Mentors.joined([_unpacked(parts[pk]) for pk in sorted(parts)])


# A department's parts are 1.5 MB pickled (lemma strings, mostly), a tenth of it compressed: written in 5 ms
# instead of 55, read back in less than it takes to move the uncompressed rows out of the cache table.
def _packed(mentors: Mentors) -> bytes:
    return zlib.compress(pickle.dumps(mentors, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpacked(packed: bytes) -> Mentors:
    return pickle.loads(zlib.decompress(packed))  # the project's own cache, read as Django reads it
