"""The region's pages: the coordinator's overview (the consolidated indicator table, the breakdown by
municipality, each municipality's last snapshot and whether it is late) and the regional collections, which
each department's methodist answers with a snapshot. Only counts and shares are shown: no person's name."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.replica import reads_replica
from common.views import paginate, save_or_explain
from monitoring.access import chosen_years
from monitoring.forms import TableForm
from monitoring.indicators import BY_CODE, INDICATORS
from region import access, services
from region.consolidation import computed, from_snapshots
from region.forms import AnswerForm, RegionalCollectionForm
from region.models import RegionalAnswer, RegionalCollection
from registry.models import EducationDepartment
from reporting.models import Snapshot


def last_snapshots(departments) -> dict[int, Snapshot]:
    """Each department's newest taken snapshot (one query)."""
    found: dict[int, Snapshot] = {}
    for snapshot in (
        Snapshot.objects.filter(department__in=departments, taken_at__isnull=False)
        .select_related("collection")
        .order_by("department_id", "-taken_at", "-pk")
    ):
        found.setdefault(snapshot.department_id, snapshot)
    return found


@dataclass(frozen=True)
class Standing:
    """A department against one open regional collection: answered, waiting (before the deadline) or late."""

    collection: RegionalCollection
    answered: bool
    late: bool


def standings(collections: list[RegionalCollection], departments, today) -> dict[int, list[Standing]]:
    """department pk -> where it stands in each open collection (one query)."""
    answered = set()
    if collections:
        answered = set(
            RegionalAnswer.objects.filter(collection__in=collections).values_list("collection_id", "department_id")
        )
    return {
        department.pk: [
            Standing(
                collection,
                answered=(collection.pk, department.pk) in answered,
                late=(collection.pk, department.pk) not in answered and collection.deadline < today,
            )
            for collection in collections
        ]
        for department in departments
    }


@require_GET
@reads_replica
def overview(request: HttpRequest) -> HttpResponse:
    region = access.coordinated_region(request.user, request.GET.get("region"))
    departments = access.departments_of(region)
    form = TableForm(request.GET or None, departments=EducationDepartment.objects.filter(in_region=region))
    years = chosen_years(form, departments) if departments else [timezone.localdate().year]
    chosen = BY_CODE.get(request.GET.get("indicator", ""), INDICATORS[2])
    consolidated = computed(departments, years) if departments else None
    today = timezone.localdate()
    open_collections = list(RegionalCollection.objects.filter(region=region, state="open").order_by("deadline"))
    snapshots = last_snapshots(departments)
    standing = standings(open_collections, departments, today)
    rows = [(department, snapshots.get(department.pk), standing[department.pk]) for department in departments]
    breakdown_row = (
        next(row for row in consolidated.rows if row.indicator.code == chosen.code) if consolidated else None
    )
    return render(
        request,
        "region/overview.html",
        {
            "region": region,
            "regions": access.coordinated_regions(request.user),
            "departments": departments,
            "years": years,
            "form": form,
            "consolidated": consolidated,
            "rows": rows,
            "late_count": sum(1 for *_, found in rows if any(one.late for one in found)),
            "open_collections": open_collections,
            "indicators": INDICATORS,
            "chosen": chosen,
            "breakdown": [(department, breakdown_row.by_department[department.pk]) for department in departments]
            if breakdown_row
            else [],
        },
    )


@require_GET
def collection_list(request: HttpRequest) -> HttpResponse:
    collections = access.collections(request.user)
    coordinated = access.coordinated_regions(request.user)
    answering = access.answering_departments(request.user)
    if not coordinated and not answering:
        raise access.PermissionDenied(access.ANSWER_REFUSED)
    answers = {}
    if answering:
        answers = {
            answer.collection_id: answer
            for answer in RegionalAnswer.objects.filter(department__in=answering, collection__in=collections)
        }
    page, params = paginate(request, collections)
    for collection in page.object_list:
        collection.own_answer = answers.get(collection.pk)
    return render(
        request,
        "region/collection_list.html",
        {
            "page": page,
            "query": params,
            "coordinates": bool(coordinated),
            "answering": answering,
            "answers": answers,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def collection_create(request: HttpRequest) -> HttpResponse:
    region = access.coordinated_region(request.user)
    form = RegionalCollectionForm(request.POST if request.method == "POST" else None, region=region)
    if request.method == "POST" and form.is_valid():

        def save() -> RegionalCollection:
            form.instance.created_by = request.user
            return form.save()

        collection = save_or_explain(form, save)
        if collection is not None:
            messages.success(request, f"Сбор региона «{collection.title}» открыт.")
            return redirect("region_collection_detail", pk=collection.pk)
    return render(request, "region/collection_form.html", {"form": form, "region": region})


@require_GET
@reads_replica
def collection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collection = access.get_collection(request.user, pk)
    today = timezone.localdate()
    answers = {answer.department_id: answer for answer in collection.answers.select_related("snapshot__collection")}
    context: dict = {
        "collection": collection,
        "today": today,
        "overdue": collection.is_open and today > collection.deadline,
    }
    if access.coordinates(request.user, collection):
        departments = access.departments_of(collection.region)
        snapshots = {pk: answer.snapshot for pk, answer in answers.items()}
        context.update(
            coordinates=True,
            rows=[(department, answers.get(department.pk)) for department in departments],
            answered=len(answers),
            consolidated=from_snapshots(departments, snapshots, collection.years) if departments else None,
        )
    else:
        department = access.answering_department(request.user, collection)
        context.update(
            coordinates=False,
            department=department,
            answer=answers.get(department.pk),
            suitable=services.suitable_snapshots(department, collection).exists(),
        )
    return render(request, "region/collection_detail.html", context)


@require_http_methods(["GET", "POST"])
def collection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    collection = access.get_collection(request.user, pk)
    department = access.answering_department(request.user, collection)
    if not collection.is_open:
        messages.warning(request, services.CLOSED)
        return redirect("region_collection_detail", pk=collection.pk)
    snapshots = services.suitable_snapshots(department, collection)
    form = AnswerForm(request.POST if request.method == "POST" else None, snapshots=snapshots)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer(request.user, collection, department, form.cleaned_data["snapshot"])
        except services.Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Снимок отправлен в регион: «{collection.title}».")
            return redirect("region_collection_detail", pk=collection.pk)
    return render(
        request,
        "region/answer.html",
        {"collection": collection, "department": department, "form": form, "has_snapshots": snapshots.exists()},
    )


@require_POST
def collection_close(request: HttpRequest, pk: int) -> HttpResponse:
    collection = access.get_collection(request.user, pk, coordinate=True)
    try:
        services.close(collection)
    except services.Refused as refusal:
        messages.warning(request, refusal.message)
    else:
        messages.success(
            request, f"Сбор региона «{collection.title}» закрыт: ответы муниципалитетов больше не меняются."
        )
    return redirect("region_collection_detail", pk=collection.pk)
