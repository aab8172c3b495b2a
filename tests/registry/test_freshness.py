"""Data versions (registry/freshness.py): a cached answer is served exactly while the data under it is
unchanged — per organisation, per topic, through rollbacks, moves and a cache that drops keys."""

import pytest
from django.core.cache import cache
from django.db import transaction

from registry import freshness
from registry.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_one_statement_write_is_read_back_as_the_caches_own():
    freshness._set_many({"fresh:a": {"n": 1}, "fresh:b": [1, 2]}, timeout=60)
    assert cache.get_many(["fresh:a", "fresh:b"]) == {"fresh:a": {"n": 1}, "fresh:b": [1, 2]}
    freshness._set_many({"fresh:a": "again"}, timeout=None)  # an existing key is replaced
    assert cache.get("fresh:a") == "again"
    cache.set("fresh:c", 3)  # the cache's own writes go on beside them
    assert cache.get_many(["fresh:a", "fresh:c"]) == {"fresh:a": "again", "fresh:c": 3}
    freshness._set_many({"fresh:old": 1}, timeout=-1)  # already expired: never read
    assert cache.get("fresh:old") is None


def test_a_topic_changes_only_the_answers_that_read_it(world):
    school = world.school_a1.pk
    people = freshness.version([school], (freshness.PEOPLE,))
    everything = freshness.version([school])
    freshness.touch(school, topics=(freshness.PAIRS,))
    assert freshness.version([school], (freshness.PEOPLE,)) == people
    assert freshness.version([school]) != everything
    freshness.touch(school)  # no topic named: all of them
    assert freshness.version([school], (freshness.PEOPLE,)) != people
    with pytest.raises(ValueError):
        freshness.touch(school, topics=("weather",))


def test_a_save_renews_its_organisation_and_topic_a_rolled_back_one_nothing(world):
    school, other = world.school_a1, world.school_a2
    before = freshness.versions([school.pk, other.pk], (freshness.PEOPLE,))
    consents = freshness.version([school.pk], (freshness.CONSENTS,))
    try:
        with transaction.atomic():
            factories.student(school)
            assert freshness.versions([school.pk, other.pk], (freshness.PEOPLE,))[school.pk] != before[school.pk]
            raise RuntimeError
    except RuntimeError:
        pass
    assert freshness.versions([school.pk, other.pk], (freshness.PEOPLE,)) == before
    factories.student(school)
    after = freshness.versions([school.pk, other.pk], (freshness.PEOPLE,))
    assert after[school.pk] != before[school.pk] and after[other.pk] == before[other.pk]
    assert freshness.version([school.pk], (freshness.CONSENTS,)) == consents


def test_a_person_moved_to_another_school_renews_both(world):
    school, other = world.school_a1, world.school_a2
    person = Person.objects.get(pk=factories.student(school).pk)  # as a view loads it
    before = freshness.versions([school.pk, other.pk], (freshness.PEOPLE,))
    person.organisation = other
    person.save()
    after = freshness.versions([school.pk, other.pk], (freshness.PEOPLE,))
    assert after[school.pk] != before[school.pk] and after[other.pk] != before[other.pk]


def test_a_version_dropped_by_the_cache_never_brings_back_an_old_answer(world):
    school = world.school_a1.pk
    first = freshness.version([school])
    assert freshness.cached("answer", first, lambda: "before the change") == "before the change"
    freshness.touch(school)
    # The cache culls the version keys (MAX_ENTRIES): the data is not «as it was before any change».
    cache.delete_many([freshness._key(school, topic) for topic in freshness.TOPICS] + [freshness._ALL])
    dropped = freshness.version([school])
    assert dropped != first
    assert freshness.cached("answer", dropped, lambda: "computed again") == "computed again"


def test_parts_are_computed_for_the_changed_organisations_only(world):
    school, other = world.school_a1.pk, world.school_a2.pk
    asked = []

    def compute(ids):
        asked.append(sorted(ids))
        return {pk: f"part of {pk}" for pk in ids if pk == school}  # the other one: nothing to say

    def parts():
        return freshness.cached_by_organisation("test", [school, other], (freshness.PAIRS,), compute, lambda: "none")

    assert parts() == {school: f"part of {school}", other: "none"}
    assert parts() == {school: f"part of {school}", other: "none"}
    freshness.touch(other, topics=(freshness.PAIRS,))
    freshness.touch(school, topics=(freshness.PEOPLE,))  # a topic this answer does not read
    parts()
    assert asked == [sorted([school, other]), [other]]
