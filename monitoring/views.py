"""Monitoring pages: the indicator table by year with its chart, the breakdown by organisation, the
people behind every figure, the downloads, and the contingent the shares need.

The indicator pages are a department's whole picture: they are for the users who read the
department as a whole (methodists, heads); a curator enters the school's contingent.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from common.replica import reads_replica
from common.views import paginate, save_or_explain
from monitoring import charts
from monitoring.access import (
    contingent_department,
    contingent_organisation,
    indicator_departments,
    table_choice,
    year_of,
)
from monitoring.contingent import import_contingent
from monitoring.forms import CellForm, ContingentForm, ContingentUploadForm
from monitoring.indicators import (
    INDICATORS,
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
from registry import privacy
from registry.access import scope_for
from registry.models import MentoringProgram, Organisation, Person


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


@reads_replica
def indicators(request: HttpRequest) -> HttpResponse:
    form, department, years = table_choice(request.user, request.GET)
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
    departments = indicator_departments(request.user)
    form = CellForm(request.GET)
    if not form.is_valid():
        raise Http404("Не указан показатель или год.")
    data = form.cleaned_data
    department = departments.filter(pk=data.get("department")).first() or departments[0]
    return data, get_indicator(data["indicator"]), department


@reads_replica
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


@reads_replica
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
    if model is Person:
        privacy.record_shown(request, page.object_list, what=f"расшифровка показателя {indicator.code}")
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


# --- contingent ------------------------------------------------------------------------------------


def contingent_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    year = year_of(request.GET)
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
    organisation = contingent_organisation(request.user, pk)
    if not 2000 <= year <= 2100:
        raise Http404("Год вне допустимого диапазона.")
    instance = Contingent.objects.filter(organisation=organisation, year=year).first() or Contingent(
        organisation=organisation, year=year
    )
    form = ContingentForm(request.POST or None, instance=instance)
    form.instance.entered_by = request.user
    if request.method == "POST" and form.is_valid() and save_or_explain(form, form.save) is not None:
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


@require_http_methods(["GET", "POST"])
def contingent_upload(request: HttpRequest) -> HttpResponse:
    department = contingent_department(request.user)
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
            "year": year_of(request.GET),
        },
    )
