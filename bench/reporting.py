"""Timing a reporting snapshot (reporting/snapshots.py `take`) of a whole department, for `bench --snapshot`.

    measure(department_code=None, runs=1) -> dict   seconds of the whole snapshot and of each of its steps

The snapshot is taken as the closing of a collection takes it (the job's `take`), for the department with the
most people (or `department_code`) over the years its data covers (at most ten, as a collection allows), as a
throwaway methodist of it. The collection, the snapshot and the methodist are made inside a transaction that is
rolled back at the end, and the snapshot's two files are deleted from the storage, so the bench database is left
as it was. The steps are timed by the progress `take` reports after each: the indicator table, the breakdown
by organisation, the bases and confirmations, the indicator XLSX, the analytic report PDF. Each run starts
without the indicator cache (the facts are kept per state of the data, and the rollback drops what a run kept).

    python manage.py shell -c "from bench.reporting import measure; print(measure())"
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from monitoring.indicators import default_years
from registry.models import EducationDepartment, Membership, Person, Role, User
from reporting import snapshots
from reporting.models import MAX_YEARS, Collection, CollectionState, Snapshot

TARGET_SECONDS = 30.0
STEP_NAMES = (
    "таблица показателей",
    "разбивка по организациям",
    "базы и подтверждения",
    "показатели XLSX",
    "аналитическая справка PDF",
)


class _RolledBack(Exception):
    pass


def _take_once(department: EducationDepartment, years: list[int]) -> dict:
    """One snapshot, rolled back: the whole time, each step's, the queries."""
    result: dict = {}
    try:
        with transaction.atomic():
            user = User.objects.create(username="bench.snapshot", last_name="Замер", first_name="Снимок")
            Membership.objects.create(user=user, role=Role.METHODIST, department=department)
            collection = Collection.objects.create(
                department=department,
                title="Замер снимка",
                deadline=date.today() + timedelta(days=1),
                first_year=years[0],
                last_year=years[-1],
                state=CollectionState.CLOSED,
                closed_at=timezone.now(),
                created_by=user,
                closed_by=user,
            )
            snapshot = Snapshot.objects.create(collection=collection, department=department)
            marks: list[float] = []

            def progress(done: int, total: int, force: bool = False) -> None:
                marks.append(time.perf_counter())

            started = time.perf_counter()
            try:
                with CaptureQueriesContext(connection) as captured:
                    snapshots.take(snapshot, user, progress)
                finished = time.perf_counter()
            finally:
                for field in ("indicators_file", "report_file"):
                    stored = getattr(snapshot, field)
                    if stored:
                        stored.delete(save=False)
            points = [started, *marks[: len(STEP_NAMES)]]
            result = {
                "seconds": round(finished - started, 2),
                "steps": {
                    name: round(points[index + 1] - points[index], 2)
                    for index, name in enumerate(STEP_NAMES)
                    if index + 1 < len(points)
                },
                "saving": round(finished - points[-1], 2),
                "queries": len(captured),
                "indicators": len(snapshot.data["indicators"]),
                "breakdown_rows": sum(
                    len(rows) for by_year in snapshot.data["breakdown"].values() for rows in by_year.values()
                ),
                "organisations": len(snapshot.data["bases"]),
            }
            raise _RolledBack
    except _RolledBack:
        pass
    return result


def measure(department_code: str | None = None, runs: int = 1) -> dict:
    """The snapshot of the largest department (or `department_code`) taken `runs` times: each run's seconds
    and steps; the target is 30 s."""
    departments = EducationDepartment.objects.annotate(n=Count("organisations__people")).order_by("-n", "pk")
    department = EducationDepartment.objects.get(code=department_code) if department_code else departments.first()
    if department is None:
        raise ValueError("No department: run generate_data first")
    years = default_years([department])[-MAX_YEARS:]
    with override_settings(DEBUG=False):
        taken = [_take_once(department, years) for _ in range(runs)]
    return {
        "database": connection.vendor,
        "department": department.code,
        "people": Person.objects.filter(organisation__department=department).count(),
        "years": years,
        "runs": taken,
        "target_seconds": TARGET_SECONDS,
    }


def print_lines(figures: dict) -> list[str]:
    """The figures as `bench` prints them."""
    lines = [
        f"\nСнимок сбора: муниципалитет {figures['department']}, участников {figures['people']}, годы "
        f"{figures['years'][0]}–{figures['years'][-1]}:"
    ]
    for number, run in enumerate(figures["runs"], start=1):
        verdict = "в норме" if run["seconds"] <= figures["target_seconds"] else "ВЫШЕ ЦЕЛИ"
        steps = "; ".join(f"{name} {seconds} с" for name, seconds in run["steps"].items())
        lines.append(
            f"  прогон {number}: {run['seconds']} с, {run['queries']} SQL-запросов — цель "
            f"{figures['target_seconds']:.0f} с: {verdict}"
        )
        lines.append(f"    {steps}")
    return lines
