"""Timing the region's consolidated indicator table, for the project's `bench --region`.

    measure(departments, repeat) -> dict

Three figures on the same departments (the ten largest of the bench database: a region of 1 000 000 people):
computed from the registry without the cache (`region.consolidation.computed(cached=False)`: the region's
table and each municipality's from one set of facts), the same through the cache, and read from the
municipalities' snapshots (`from_snapshots`: one query for the snapshots and a sum) — plus the coordinator's
page of a regional collection answered by every municipality, rendered through the test client. The snapshots,
the collection and the coordinator are made for the run and deleted after it.
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.indicators import _timings
from monitoring.indicators import default_years, indicator_table
from region.consolidation import computed, from_snapshots
from region.models import RegionalAnswer, RegionalCollection
from registry.models import EducationDepartment, MentoringPair, Person, Region, RegionalCoordinator, User
from reporting.models import Collection, CollectionState, Snapshot
from reporting.snapshots import table_data

CODE = "bench-region"


def measure(departments: list[EducationDepartment], repeat: int = 10) -> dict:
    from bench.pages import client_host

    departments = list(departments)
    years = default_years(departments)
    department_ids = [department.pk for department in departments]
    scratch, scratch_queries = _timings(lambda: computed(departments, years, cached=False), max(3, repeat // 4))
    computed(departments, years)
    cached, cached_queries = _timings(lambda: computed(departments, years), repeat)
    with _region(departments, years) as (collection, user):
        ids = list(collection.answers.values_list("snapshot_id", flat=True))

        def consolidate():
            snapshots = {s.department_id: s for s in Snapshot.objects.filter(pk__in=ids)}
            return from_snapshots(departments, snapshots, years)

        stored, stored_queries = _timings(consolidate, repeat)
        assert not consolidate().missing
        client = Client(HTTP_HOST=client_host())
        client.force_login(user)
        url = reverse("region_collection_detail", args=[collection.pk])

        def page():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        page_timing, page_queries = _timings(page, repeat)
    return {
        "database": connection.vendor,
        "departments": [department.code for department in departments],
        "years": years,
        "people": Person.objects.filter(organisation__department_id__in=department_ids).count(),
        "pairs": MentoringPair.objects.filter(organisation__department_id__in=department_ids).count(),
        "repeat": repeat,
        "computed": {**scratch, "queries": scratch_queries},
        "cached": {**cached, "queries": cached_queries},
        "from_snapshots": {**stored, "queries": stored_queries},
        "snapshot_page": {**page_timing, "queries": page_queries},
    }


class _region:
    """A scratch region over the departments, a snapshot of each (its indicator table as the job stores it),
    a regional collection they all answered, and its coordinator; all deleted on the way out."""

    def __init__(self, departments, years) -> None:
        self.departments, self.years = departments, years

    def __enter__(self):
        with transaction.atomic():
            self.cleanup()
            region = Region.objects.create(code=CODE, name="Бенчмарк региона (удаляется после замера)")
            self.previous = {d.pk: d.in_region_id for d in self.departments}
            EducationDepartment.objects.filter(pk__in=self.previous).update(in_region=region)
            user = User.objects.create(username=CODE)
            RegionalCoordinator.objects.create(user=user, region=region)
            collection = RegionalCollection.objects.create(
                region=region,
                title="Бенчмарк",
                deadline=date(2030, 1, 1),
                first_year=min(self.years),
                last_year=max(self.years),
            )
            now = timezone.now()
            for department in self.departments:
                table = indicator_table([department], self.years)
                own = Collection.objects.create(
                    department=department,
                    title=CODE,
                    deadline=date(2030, 1, 1),
                    first_year=min(self.years),
                    last_year=max(self.years),
                    state=CollectionState.CLOSED,
                    closed_at=now,
                )
                snapshot = Snapshot.objects.create(
                    collection=own,
                    department=department,
                    taken_at=now,
                    data={"years": self.years, "indicators": table_data(table)},
                )
                RegionalAnswer.objects.create(
                    collection=collection, department=department, snapshot=snapshot, answered_at=now
                )
        return collection, user

    def __exit__(self, *exc) -> None:
        with transaction.atomic():
            for pk, region_id in self.previous.items():
                EducationDepartment.objects.filter(pk=pk).update(in_region_id=region_id)
            self.cleanup()

    @staticmethod
    def cleanup() -> None:
        RegionalAnswer.objects.filter(collection__region__code=CODE).delete()
        Snapshot.objects.filter(collection__title=CODE).delete()
        Collection.objects.filter(title=CODE).delete()
        EducationDepartment.objects.filter(in_region__code=CODE).update(in_region=None)
        Region.objects.filter(code=CODE).delete()
        User.objects.filter(username=CODE).delete()
