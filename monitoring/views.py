"""Monitoring pages: the indicator table by year with its chart, the breakdown by organisation, the
people behind every figure, the downloads, and the contingent the shares need.

The indicator pages are a department's whole picture: they are for the users who read the
department as a whole (methodists, heads); a curator enters the school's contingent.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from common.files.writers import CONTENT_TYPES, write
from common.views import paginate
from monitoring import charts
from monitoring.contingent import import_contingent, template_filename, write_template
from monitoring.exporters import IndicatorTableExporter
from monitoring.forms import CellForm, ContingentForm, ContingentUploadForm, TableForm
from monitoring.indicators import (
    INDICATORS,
    default_years,
    drilldown_count,
    get_indicator,
    indicator_table,
)
from monitoring.indicators import (
    breakdown as breakdown_of,
)
from monitoring.indicators import (
    drilldown as drilldown_of,
)
from monitoring.models import Contingent
from monitoring.report import build_report, report_filename, report_pdf, report_xlsx
from registry.access import department_wide, get_organisation, managed_departments, scope_for
from registry.models import EducationDepartment, MentoringProgram, Organisation, Person

DEPARTMENT_ONLY = "Показатели муниципалитета открыты методисту и руководителю органа управления образованием."
CONTINGENT_REFUSED = "Вносить контингент могут куратор организации и методист муниципалитета."
UPLOAD_REFUSED = "Загружать контингент всех организаций может методист муниципалитета."


def _choice(request: HttpRequest) -> tuple[TableForm, EducationDepartment, list[int]]:
    """The department and years asked for (or the defaults: the years its data covers)."""
    departments = department_wide(request.user, DEPARTMENT_ONLY)
    form = TableForm(request.GET or None, departments=departments)
    data = form.cleaned_data if form.is_valid() else {}
    department = data.get("department") or departments[0]
    years = default_years([department])
    first, last = data.get("first") or years[0], data.get("last") or years[-1]
    if last < first or last - first >= TableForm.MAX_YEARS:
        first, last = years[0], years[-1]
    return form, department, list(range(first, last + 1))


def _share_chart(table) -> str:
    shares = [(indicator, row) for indicator, row in table.rows if indicator.is_share]
    return charts.line_chart(
        [str(year) for year in table.years],
        [
            charts.Series(f"{indicator.number}. {indicator.title}", [row[y].value for y in table.years])
            for indicator, row in shares
        ],
        unit="%",
        title="Показатели по годам, %",
        target=next((indicator.target for indicator, _ in shares if indicator.target is not None), None),
    )


def indicators(request: HttpRequest) -> HttpResponse:
    form, department, years = _choice(request)
    table = indicator_table([department], years)
    organisations = department.organisations.count()
    reported = dict(
        Contingent.objects.filter(organisation__department=department, year__in=years)
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    return render(
        request,
        "monitoring/indicators.html",
        {
            "form": form,
            "department": department,
            "table": table,
            "years": years,
            "coverage": [
                (year, reported.get(year, 0), organisations) for year in years if reported.get(year, 0) < organisations
            ],
            "chart": mark_safe(_share_chart(table)),
            "indicators": INDICATORS,
            "query": f"department={department.pk}&first={years[0]}&last={years[-1]}",
        },
    )


def _cell(request: HttpRequest):
    departments = department_wide(request.user, DEPARTMENT_ONLY)
    form = CellForm(request.GET)
    if not form.is_valid():
        raise Http404("Не указан показатель или год.")
    data = form.cleaned_data
    department = departments.filter(pk=data.get("department")).first() or departments[0]
    return data, get_indicator(data["indicator"]), department


def breakdown(request: HttpRequest) -> HttpResponse:
    data, indicator, department = _cell(request)
    year = data["year"]
    rows = breakdown_of([department], indicator.code, year)
    sort = data.get("sort") or "name"
    if sort != "name":
        key = sort.lstrip("-")
        missing = [row for row in rows if getattr(row.cell, key) is None]
        present = sorted(
            (row for row in rows if getattr(row.cell, key) is not None),
            key=lambda row: getattr(row.cell, key),
            reverse=sort.startswith("-"),
        )
        rows = present + missing  # «нет данных» last, whatever the direction
    chart = charts.bar_chart(
        [row.organisation.short_name for row in rows],
        [row.cell.value for row in rows],
        unit=indicator.unit,
        title=f"{indicator.title}, {year}",
    )
    return render(
        request,
        "monitoring/breakdown.html",
        {
            "indicator": indicator,
            "year": year,
            "department": department,
            "rows": rows,
            "sort": sort,
            "chart": mark_safe(chart),
            "without_mentoring": sum(1 for row in rows if not row.cell.numerator_all),
        },
    )


def drilldown(request: HttpRequest) -> HttpResponse:
    data, indicator, department = _cell(request)
    organisation = None
    if data.get("organisation"):
        organisation = get_object_or_404(Organisation, pk=data["organisation"], department=department)
    counted = drilldown_of([department], indicator.code, data["year"], organisation)
    model = counted.model
    if model is Person:
        counted = counted.select_related("organisation").order_by("last_name", "first_name", "pk")
    elif model is MentoringProgram:
        counted = counted.select_related("organisation").order_by("organisation__short_name", "name")
    else:
        counted = counted.order_by("short_name")
    count = drilldown_count([department], indicator.code, data["year"], organisation)
    page, query = paginate(request, counted, count=count)
    return render(
        request,
        "monitoring/drilldown.html",
        {
            "indicator": indicator,
            "year": data["year"],
            "department": department,
            "organisation": organisation,
            "page": page,
            "query": query,
            "kind": model.__name__.lower(),
        },
    )


def indicators_export(request: HttpRequest) -> FileResponse:
    _, department, years = _choice(request)
    file_format = request.GET.get("format", "xlsx")
    if file_format not in CONTENT_TYPES:
        raise Http404("Неизвестный формат: выберите xlsx или pdf.")
    exporter = IndicatorTableExporter(indicator_table([department], years), file_format)
    out = io.BytesIO()
    write(exporter, file_format, out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=exporter.filename(), content_type=CONTENT_TYPES[file_format])


def report(request: HttpRequest) -> FileResponse:
    _, department, years = _choice(request)
    file_format = request.GET.get("format", "pdf")
    if file_format not in CONTENT_TYPES:
        raise Http404("Неизвестный формат: выберите xlsx или pdf.")
    built = build_report(department, years, user=request.user)
    content = report_pdf(built) if file_format == "pdf" else report_xlsx(built)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=report_filename(built, file_format),
        content_type=CONTENT_TYPES[file_format],
    )


# --- contingent ------------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


def contingent_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    year = _year(request)
    organisations = scope.organisations(Organisation.objects.select_related("department")).order_by(
        "department__name", "short_name"
    )
    entered = {c.organisation_id: c for c in Contingent.objects.for_user(request.user).filter(year=year)}
    editable = set(scope.editable_organisations(organisations).values_list("pk", flat=True))
    rows = [(o, entered.get(o.pk), o.pk in editable) for o in organisations]
    return render(
        request,
        "monitoring/contingent_list.html",
        {
            "year": year,
            "rows": rows,
            "reported": len(entered),
            "years": range(year - 3, year + 2),
            "can_upload": bool(scope.methodist_departments),
        },
    )


@require_http_methods(["GET", "POST"])
def contingent_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organisation = get_organisation(request.user, pk, write=CONTINGENT_REFUSED)
    if not 2000 <= year <= 2100:
        raise Http404("Год вне допустимого диапазона.")
    instance = Contingent.objects.filter(organisation=organisation, year=year).first() or Contingent(
        organisation=organisation, year=year
    )
    form = ContingentForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.entered_by = request.user
        saved.save()
        messages.success(request, f"Контингент {organisation.short_name} за {year} год сохранён.")
        return redirect(f"{reverse('contingent_list')}?year={year}")
    return render(
        request,
        "monitoring/contingent_form.html",
        {
            "form": form,
            "organisation": organisation,
            "year": year,
        },
    )


def _methodist_department(request: HttpRequest) -> EducationDepartment:
    return managed_departments(request.user, UPLOAD_REFUSED).first()


@require_http_methods(["GET", "POST"])
def contingent_upload(request: HttpRequest) -> HttpResponse:
    department = _methodist_department(request)
    form = ContingentUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_contingent(upload, upload.name, department, form.cleaned_data["year"], user=request.user)
        if result.saved:
            messages.success(
                request,
                f"Контингент за {result.year} год загружен: новых записей {result.created}, "
                f"обновлено {result.updated}.",
            )
            return redirect(f"{reverse('contingent_list')}?year={result.year}")
    return render(
        request,
        "monitoring/contingent_upload.html",
        {
            "form": form,
            "department": department,
            "result": result,
            "year": _year(request),
        },
    )


def contingent_template(request: HttpRequest) -> FileResponse:
    department = _methodist_department(request)
    year = _year(request)
    out = io.BytesIO()
    write_template(department, year, out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=template_filename(department, year), content_type=CONTENT_TYPES["xlsx"]
    )


urlpatterns = [
    path("monitoring/", indicators, name="indicators"),
    path("monitoring/breakdown/", breakdown, name="indicator_breakdown"),
    path("monitoring/people/", drilldown, name="indicator_drilldown"),
    path("monitoring/export/", indicators_export, name="indicators_export"),
    path("monitoring/report/", report, name="indicators_report"),
    path("monitoring/contingent/", contingent_list, name="contingent_list"),
    path("monitoring/contingent/<int:pk>/<int:year>/", contingent_edit, name="contingent_edit"),
    path("monitoring/contingent/upload/", contingent_upload, name="contingent_upload"),
    path("monitoring/contingent/template/", contingent_template, name="contingent_template"),
]
