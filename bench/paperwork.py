"""Timing the order on pairs («Приказ о закреплении наставнических пар (групп)», paperwork/exports.py) on the
current database, for the project's `bench --paperwork`.

    measure(department_code=None, pairs=200, repeat=10) -> dict

The order is made as a download makes it: the exporter reads the organisation and its pairs, fills the
context (names declined, periods in words) and renders the DOCX (docxtpl); the PDF is the same DOCX through
WeasyPrint. It is timed for the `pairs` first active pairs of the department's organisation with the most
of them, as its curator: a throwaway curator is made for the run inside a transaction that is rolled back at
the end, so the bench database is left as it was (the order names the organisation's first curator: the
throwaway one when it has none). Each run builds a new exporter (nothing kept between runs). The first run of
the process (fonts and the morphology dictionary loaded) is shown apart.

    python manage.py shell -c "from bench.paperwork import measure; print(measure())"
"""

from __future__ import annotations

import io
import time
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext, override_settings
from pypdf import PdfReader

from bench.indicators import _percentile
from paperwork import documents
from paperwork.exports import PairOrderExporter
from registry.access import scope_for
from registry.models import EducationDepartment, Membership, MentoringPair, Organisation, Role, User

TARGET_SECONDS = 2.0


class _RolledBack(Exception):
    pass


def _organisation(department: EducationDepartment) -> Organisation:
    active = Q(pairs__end_date__isnull=True)
    organisation = (
        Organisation.objects.filter(department=department)
        .annotate(n=Count("pairs", filter=active))
        .order_by("-n", "pk")
        .first()
    )
    if organisation is None:
        raise ValueError(f"No organisation in {department.code}")
    return organisation


def _figures(timings: list[float]) -> dict:
    timings = sorted(timings)
    return {
        "p50_ms": round(_percentile(timings, 0.5) * 1000),
        "p95_ms": round(_percentile(timings, 0.95) * 1000),
        "max_ms": round(timings[-1] * 1000),
    }


def measure(department_code: str | None = None, pairs: int = 200, repeat: int = 10) -> dict:
    """p50/p95/max ms of the order for `pairs` pairs as DOCX and as PDF (each from scratch), the SQL queries
    of one, the first run's time, the pages and sizes."""
    departments = EducationDepartment.objects.annotate(n=Count("organisations__people")).order_by("-n", "pk")
    department = EducationDepartment.objects.get(code=department_code) if department_code else departments.first()
    if department is None:
        raise ValueError("No department: run generate_data first")
    organisation = _organisation(department)
    ids = list(
        MentoringPair.objects.filter(organisation=organisation)
        .active()
        .order_by("pk")
        .values_list("pk", flat=True)[:pairs]
    )
    result: dict = {}
    with override_settings(DEBUG=False):
        try:
            with transaction.atomic():
                user = User.objects.create(
                    username="bench.paperwork", last_name="Соколовская", first_name="Алина", patronymic="Игоревна"
                )
                Membership.objects.create(
                    user=user, role=Role.CURATOR, department=department, organisation=organisation
                )

                def exporter() -> PairOrderExporter:
                    return PairOrderExporter(user, {"pk": organisation.pk, "pairs": ids}, today=date.today())

                def docx() -> bytes:
                    return exporter().docx

                def pdf() -> bytes:
                    made = exporter()
                    return documents.pdf_from_docx(made.docx, made.verbose_name)

                started = time.perf_counter()
                first_pdf = pdf()
                first = time.perf_counter() - started
                scope_for(user)  # the user's roles, read once per request
                with CaptureQueriesContext(connection) as captured:
                    made = docx()
                queries = len(captured)
                timings: dict[str, list[float]] = {"docx": [], "pdf": []}
                for _ in range(repeat):
                    for label, call in (("docx", docx), ("pdf", pdf)):
                        started = time.perf_counter()
                        call()
                        timings[label].append(time.perf_counter() - started)
                result = {
                    "database": connection.vendor,
                    "department": department.code,
                    "organisation": organisation.short_name,
                    "pairs": len(ids),
                    "repeat": repeat,
                    "queries": queries,
                    "first_pdf_ms": round(first * 1000),
                    "docx": {**_figures(timings["docx"]), "bytes": len(made)},
                    "pdf": {
                        **_figures(timings["pdf"]),
                        "bytes": len(first_pdf),
                        "pages": len(PdfReader(io.BytesIO(first_pdf)).pages),
                    },
                    "target_ms": round(TARGET_SECONDS * 1000),
                }
                raise _RolledBack
        except _RolledBack:
            pass
    return result


def print_lines(figures: dict) -> list[str]:
    """The figures as `bench` prints them."""
    target = figures["target_ms"]
    lines = [
        f"\nПриказ о закреплении пар: {figures['pairs']} пар, «{figures['organisation']}», повторов "
        f"{figures['repeat']} (p50 / p95 / max):"
    ]
    for label in ("docx", "pdf"):
        part = figures[label]
        verdict = "в норме" if part["p95_ms"] <= target else "ВЫШЕ ЦЕЛИ"
        pages = f", {part['pages']} стр." if "pages" in part else ""
        lines.append(
            f"  {label.upper()}: {part['p50_ms']} / {part['p95_ms']} / {part['max_ms']} мс, "
            f"{part['bytes'] // 1024} КБ{pages} — цель {target} мс: {verdict}"
        )
    lines.append(
        f"  SQL-запросов: {figures['queries']} (не растёт с числом пар); первый PDF процесса "
        f"{figures['first_pdf_ms']} мс"
    )
    return lines
