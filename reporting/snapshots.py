"""Snapshots of closed collections: taking one (a background job with progress), and comparing two.

A snapshot is data, not a query: the indicator table of the department for the collection's years, its
breakdown by organisation, the base counts and the confirmations, written as plain numbers and strings
into `Snapshot.data`, and the indicator XLSX and the analytic report PDF as they were, written by the
monitoring's own exporters (monitoring/exports.py). Later edits of the registry never change it.

The job (`JobKind.SNAPSHOT`, jobs/runner.py) is started when the collection closes (reporting/services.py);
the snapshot row exists from that moment (one per collection, a unique constraint), so a second request
finds it and makes none.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from jobs import runner
from jobs.models import Job, JobKind, JobStatus
from monitoring.exports import AnalyticReportExporter, IndicatorTableExporter
from monitoring.indicators import INDICATORS, IndicatorTable, OrgCell, table_and_breakdowns
from registry.models import MentoringPair, Organisation, Person, PersonCategory
from reporting.models import Collection, Snapshot

STEPS = 5  # the table, the breakdown, the bases and confirmations, the XLSX, the PDF
MISSING = "нет данных"


def _number(value: Decimal | None) -> str | None:
    """A figure as text, as the page shows it («12.5», «3»); None when it cannot be computed."""
    if value is None:
        return None
    return str(int(value)) if value == value.to_integral_value() else str(value)


def table_data(table: IndicatorTable) -> list[dict[str, Any]]:
    """The indicator table as plain JSON: one entry per indicator, each year's figure and its parts."""
    rows = []
    for indicator, cells in table.rows:
        rows.append(
            {
                "code": indicator.code,
                "number": indicator.number,
                "title": indicator.title,
                "unit": indicator.unit,
                "cells": {
                    str(year): {
                        "value": _number(cell.value),
                        "numerator": cell.numerator,
                        "denominator": cell.denominator,
                        "reported": cell.reported,
                        "organisations": cell.organisations,
                    }
                    for year, cell in cells.items()
                },
            }
        )
    return rows


def breakdown_data(
    collection: Collection, breakdowns: dict[tuple[str, int], list[OrgCell]]
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """indicator code -> year -> each organisation's figure (`breakdowns`: of `figures_of`)."""
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for indicator in INDICATORS:
        for year in collection.years:
            found.setdefault(indicator.code, {})[str(year)] = [
                {
                    "organisation_id": part.organisation.pk,
                    "organisation": part.organisation.short_name,
                    "value": _number(part.cell.value),
                    "numerator": part.cell.numerator,
                    "denominator": part.cell.denominator,
                }
                for part in breakdowns[indicator.code, year]
            ]
    return found


def figures_of(collection: Collection) -> tuple[IndicatorTable, dict[tuple[str, int], list[OrgCell]]]:
    """The department's indicator table for the collection's years and every indicator's breakdown by
    organisation for each of them, from one reading of the facts, never from the cache: the same cells as
    `indicator_table(..., cached=False)` and `breakdown(..., cached=False)`, where a breakdown per indicator and
    year read the whole department's facts again each time (32 readings for 4 years: 5–10 s of the 11–22 s a
    department of 100 000 people took on a shared 2-core machine; docs/performance.md)."""
    return table_and_breakdowns([collection.department], collection.years, cached=False)


def bases_data(collection: Collection) -> list[dict[str, Any]]:
    """Each organisation's people by category (not archived) and its pairs active and completed."""
    organisations = list(Organisation.objects.filter(department=collection.department).order_by("short_name"))
    people: dict[int, dict[str, int]] = {}
    rows = (
        Person.objects.filter(organisation__department=collection.department)
        .current()
        .values_list("organisation_id", "category")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for organisation_id, category, total in rows:
        people.setdefault(organisation_id, {})[category] = total
    pairs = MentoringPair.objects.filter(organisation__department=collection.department)
    active = dict(pairs.active().values_list("organisation_id").annotate(total=Count("pk")).order_by())
    completed = dict(pairs.completed().values_list("organisation_id").annotate(total=Count("pk")).order_by())
    return [
        {
            "organisation_id": organisation.pk,
            "organisation": organisation.short_name,
            "people": {
                category: people.get(organisation.pk, {}).get(category, 0) for category in PersonCategory.values
            },
            "people_total": sum(people.get(organisation.pk, {}).values()),
            "pairs_active": active.get(organisation.pk, 0),
            "pairs_completed": completed.get(organisation.pk, 0),
        }
        for organisation in organisations
    ]


def confirmations_data(collection: Collection) -> list[dict[str, Any]]:
    return [
        {
            "organisation_id": c.organisation_id,
            "organisation": c.organisation.short_name,
            "confirmed_by": (c.confirmed_by.full_name or c.confirmed_by.username) if c.confirmed_by else "",
            "confirmed_at": timezone.localtime(c.confirmed_at).strftime("%d.%m.%Y %H:%M"),
            "comments": c.comments,
        }
        for c in collection.confirmations.select_related("organisation", "confirmed_by").order_by(
            "organisation__short_name"
        )
    ]


def take(snapshot: Snapshot, owner, progress=None) -> None:
    """Fill the snapshot: the figures first, then the files through the monitoring's exporters."""

    def step(done: int) -> None:
        if progress:
            progress(done, STEPS, force=True)

    collection = snapshot.collection
    department = collection.department
    table, breakdowns = figures_of(collection)
    data: dict[str, Any] = {
        "department": department.name,
        "title": collection.title,
        "years": collection.years,
        "indicators": table_data(table),
    }
    step(1)
    data["breakdown"] = breakdown_data(collection, breakdowns)
    step(2)
    data["bases"] = bases_data(collection)
    data["confirmations"] = confirmations_data(collection)
    step(3)
    params = {
        "department": str(department.pk),
        "first": str(collection.first_year),
        "last": str(collection.last_year),
    }
    files = {}
    for field, exporter_class, file_format in (
        ("indicators_file", IndicatorTableExporter, "xlsx"),
        ("report_file", AnalyticReportExporter, "pdf"),
    ):
        exporter = exporter_class(owner, {**params, "format": file_format})
        with tempfile.TemporaryFile() as out:
            exporter.render(file_format, out)
            out.seek(0)
            getattr(snapshot, field).save(f"snapshot-{snapshot.pk}.{file_format}", File(out), save=False)
        files[field] = exporter.filename(file_format)
        step(4 if field == "indicators_file" else 5)
    data["filenames"] = files
    snapshot.data = data
    snapshot.taken_at = timezone.now()
    snapshot.save(update_fields=["data", "taken_at", "indicators_file", "report_file"])


def _allowed(job: Job) -> bool:
    """The job's page stays its owner's while they still read the department as a whole."""
    snapshot = Snapshot.objects.filter(pk=job.params.get("snapshot")).first()
    return snapshot is not None and Snapshot.objects.for_user(job.owner).filter(pk=snapshot.pk).exists()


@runner.handles(
    JobKind.SNAPSHOT,
    result_template="reporting/includes/snapshot_job.html",
    result_context=lambda job: {"snapshot_id": job.params.get("snapshot")},
    allowed=_allowed,
)
def run_snapshot(job: Job, progress: runner.ProgressWriter) -> None:
    with transaction.atomic():
        snapshot = (
            Snapshot.objects.select_for_update().select_related("collection__department").get(pk=job.params["snapshot"])
        )
        if snapshot.is_taken:  # a retry after the first run finished: nothing to do twice
            runner.finish(job.pk, JobStatus.DONE, done=STEPS, total=STEPS)
            return
        take(snapshot, job.owner, progress)
    runner.finish(job.pk, JobStatus.DONE, done=STEPS, total=STEPS)


def start(snapshot: Snapshot, owner) -> Job:
    """Enqueue the snapshot's job once the current transaction commits."""
    title = f"Снимок сбора «{snapshot.collection.title}»"[: Job._meta.get_field("title").max_length]
    job = runner.start(
        Job(owner=owner, kind=JobKind.SNAPSHOT, title=title, params={"snapshot": snapshot.pk}, total=STEPS)
    )
    Snapshot.objects.filter(pk=snapshot.pk).update(job=job)
    snapshot.job = job
    return job


# --- Comparing two snapshots -----------------------------------------------------------------------


@dataclass
class Change:
    year: str
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class ComparedRow:
    number: int
    title: str
    unit: str
    changes: list[Change]

    @property
    def changed(self) -> bool:
        return any(change.changed for change in self.changes)


def compare(before: Snapshot, after: Snapshot) -> tuple[list[str], list[ComparedRow]]:
    """Each indicator of either snapshot, each year of either, before → after."""
    years = sorted({*map(str, before.data.get("years", [])), *map(str, after.data.get("years", []))})
    old = {row["code"]: row for row in before.data.get("indicators", [])}
    new = {row["code"]: row for row in after.data.get("indicators", [])}
    rows = []
    for code in dict.fromkeys([*old, *new]):
        shown = new.get(code) or old[code]
        changes = [
            Change(
                year,
                old.get(code, {}).get("cells", {}).get(year, {}).get("value"),
                new.get(code, {}).get("cells", {}).get(year, {}).get("value"),
            )
            for year in years
        ]
        rows.append(ComparedRow(shown["number"], shown["title"], shown["unit"], changes))
    return years, rows
