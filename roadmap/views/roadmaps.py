"""Roadmaps: the list, a roadmap with its sections and items, and editing them in the browser."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.views import paginate, save_or_explain
from jobs.submissions import submitted_once
from registry.access import scope_for
from registry.models import Organisation
from roadmap import services
from roadmap.access import get_item, get_roadmap, get_section, roadmap_owners
from roadmap.forms import ItemForm, RoadmapForm, SectionForm
from roadmap.models import OPEN_STATUSES, Occurrence, Roadmap, RoadmapItem, Section, Status


class RoadmapFilterForm(forms.Form):
    OWNER_CHOICES = [("", "Все"), ("municipal", "Муниципальные"), ("organisations", "Организаций")]

    q = forms.CharField(label="Поиск", required=False, max_length=200)
    owner = forms.ChoiceField(label="Чьи", required=False, choices=OWNER_CHOICES)
    organisation = forms.ModelChoiceField(
        label="Организация", required=False, queryset=Organisation.objects.none(), empty_label="Все организации"
    )
    year = forms.IntegerField(label="Год", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        for name in ("owner", "organisation"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["year"].widget.attrs["class"] = "form-control"

    def apply(self, roadmaps):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            roadmaps = roadmaps.filter(title__icontains=data["q"])
        if data.get("owner") == "municipal":
            roadmaps = roadmaps.filter(organisation__isnull=True)
        elif data.get("owner") == "organisations":
            roadmaps = roadmaps.filter(organisation__isnull=False)
        if data.get("organisation"):
            roadmaps = roadmaps.filter(organisation=data["organisation"])
        if data.get("year"):
            roadmaps = roadmaps.filter(period_start__year__lte=data["year"], period_end__year__gte=data["year"])
        return roadmaps


def roadmap_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    organisations = scope.organisations(Organisation.objects.all())
    filters = RoadmapFilterForm(request.GET or None, organisations=organisations)
    today = timezone.localdate()
    roadmaps = filters.apply(Roadmap.objects.for_user(request.user).plans()).select_related(
        "department", "organisation"
    )
    roadmaps = roadmaps.annotate(
        item_count=Count("items", distinct=True),
        overdue_count=Count(
            "items__occurrences",
            distinct=True,
            filter=Q(items__occurrences__status__in=OPEN_STATUSES, items__occurrences__due__lt=today),
        ),
    ).order_by("-period_start", "title", "pk")
    page, query = paginate(request, roadmaps)
    return render(
        request,
        "roadmap/roadmap_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query,
            "can_create": bool(scope.methodist_departments or scope.curator_organisations),
            "show_organisation": len(organisations) > 1,
        },
    )


@dataclass
class ItemRow:
    item: RoadmapItem
    occurrences: list[Occurrence] = field(default_factory=list)  # its own, or the viewer's organisation's part
    parts: list[dict] = field(default_factory=list)  # «каждая ОО»: per occurrence key, done of total


def roadmap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap(request.user, pk)
    if roadmap.is_register:  # the agenda and the reminders link a register's parts to their roadmap
        return redirect("register_detail", pk=roadmap.pk)
    scope = scope_for(request.user)
    sections = list(roadmap.sections.order_by("position", "pk"))
    rows = {item.pk: ItemRow(item) for item in roadmap.items.order_by("position", "pk")}
    own = Q(organisation__isnull=True) | Q(organisation_id__in=scope.curator_organisations)
    for occurrence in Occurrence.objects.filter(own, item__roadmap=roadmap).select_related("organisation"):
        rows[occurrence.item_id].occurrences.append(occurrence)
    parts = (
        Occurrence.objects.filter(item__roadmap=roadmap, organisation__isnull=False)
        .values("item_id", "key", "label", "due")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status=Status.DONE)))
        .order_by("item_id", "due", "key")
    )
    for part in parts:
        rows[part["item_id"]].parts.append(part)
    by_section = {section.pk: [] for section in sections}
    for row in rows.values():
        by_section[row.item.section_id].append(row)
    return render(
        request,
        "roadmap/roadmap_detail.html",
        {
            "roadmap": roadmap,
            "sections": [(section, by_section[section.pk]) for section in sections],
            "item_count": len(rows),
            "can_edit": scope.edits_roadmap(roadmap),
            "today": timezone.localdate(),
            "soon": timezone.localdate() + timedelta(days=30),
        },
    )


@require_http_methods(["GET", "POST"])
@submitted_once
def roadmap_create(request: HttpRequest) -> HttpResponse:
    departments, organisations = roadmap_owners(request.user)
    form = RoadmapForm(request.POST or None, departments=departments, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        roadmap = save_or_explain(form, lambda: services.create_roadmap(form.save(commit=False), user=request.user))
        if roadmap is not None:
            messages.success(
                request, "Дорожная карта создана. Добавьте разделы и пункты или загрузите их из документа."
            )
            return redirect("roadmap_detail", pk=roadmap.pk)
    return render(request, "roadmap/roadmap_form.html", {"form": form, "roadmap": None})


@require_http_methods(["GET", "POST"])
def roadmap_edit(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap(request.user, pk, write=True)
    form = RoadmapForm(request.POST or None, instance=roadmap)
    if request.method == "POST" and form.is_valid():

        def save() -> Roadmap:
            saved = form.save()
            if "period" in form.changed_data:
                services.period_changed(saved)
            return saved

        if save_or_explain(form, save) is not None:
            messages.success(request, "Дорожная карта сохранена.")
            return redirect("roadmap_detail", pk=roadmap.pk)
    return render(request, "roadmap/roadmap_form.html", {"form": form, "roadmap": roadmap})


@require_http_methods(["GET", "POST"])
def roadmap_delete(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap(request.user, pk, write=True)
    marked = Occurrence.objects.filter(item__roadmap=roadmap).exclude(status=Status.NOT_STARTED).count()
    if request.method == "POST":
        roadmap.delete()  # sections, items and their marks go with it (the request is one transaction)
        messages.success(request, f"Дорожная карта «{roadmap.title}» удалена.")
        return redirect("roadmap_list")
    return render(request, "roadmap/roadmap_delete.html", {"roadmap": roadmap, "marked": marked})


# --- sections ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@submitted_once
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap(request.user, pk, write=True)
    return _section_page(request, roadmap, Section(roadmap=roadmap, position=roadmap.sections.count()))


@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_section(request.user, pk, write=True)
    return _section_page(request, section.roadmap, section)


def _section_page(request: HttpRequest, roadmap: Roadmap, section: Section) -> HttpResponse:
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        if save_or_explain(form, form.save) is not None:
            messages.success(request, "Раздел сохранён.")
            return redirect("roadmap_detail", pk=roadmap.pk)
    return render(request, "roadmap/section_form.html", {"form": form, "roadmap": roadmap, "section": section})


@require_http_methods(["GET", "POST"])
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_section(request.user, pk, write=True)
    if section.items.exists():
        messages.error(
            request, "В разделе есть пункты: перенесите их в другой раздел или удалите, затем удалите раздел."
        )
        return redirect("roadmap_detail", pk=section.roadmap_id)
    if request.method == "POST":
        section.delete()
        messages.success(request, "Раздел удалён.")
        return redirect("roadmap_detail", pk=section.roadmap_id)
    return render(
        request,
        "roadmap/confirm_delete.html",
        {
            "roadmap": section.roadmap,
            "what": f"раздел «{section}»",
        },
    )


@require_POST
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_section(request.user, pk, write=True)
    services.move_section(section, "up" if request.POST.get("direction") == "up" else "down")
    return redirect(f"{section.roadmap.get_absolute_url()}#section-{section.pk}")


# --- items ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@submitted_once
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap(request.user, pk, write=True)
    item = RoadmapItem(roadmap=roadmap, position=services.next_position(roadmap))
    section_pk = request.GET.get("section", "")
    if section_pk.isdigit():
        item.section = roadmap.sections.filter(pk=section_pk).first()
    return _item_page(request, roadmap, item)


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item(request.user, pk, write=True)
    return _item_page(request, item.roadmap, item)


def _item_page(request: HttpRequest, roadmap: Roadmap, item: RoadmapItem) -> HttpResponse:
    initial = {"section": item.section_id} if not item.pk and item.section_id else None
    form = ItemForm(request.POST or None, instance=item, roadmap=roadmap, initial=initial)
    if request.method == "POST" and form.is_valid():

        def save() -> RoadmapItem:
            saved = form.save(commit=False)
            services.apply_deadline(saved, roadmap.period)
            saved.save()
            services.renumber(roadmap)
            services.sync_occurrences(roadmap, [saved])
            return saved

        saved = save_or_explain(form, save)
        if saved is not None:
            messages.success(request, "Пункт сохранён.")
            return redirect(f"{roadmap.get_absolute_url()}#item-{saved.pk}")
    preview = item.get_schedule() if item.pk else None
    return render(
        request,
        "roadmap/item_form.html",
        {
            "form": form,
            "roadmap": roadmap,
            "item": item,
            "schedule": preview,
        },
    )


@require_http_methods(["GET", "POST"])
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item(request.user, pk, write=True)
    marked = item.occurrences.exclude(status=Status.NOT_STARTED).count()
    if request.method == "POST":
        item.delete()
        messages.success(request, "Пункт удалён.")
        return redirect("roadmap_detail", pk=item.roadmap_id)
    return render(
        request,
        "roadmap/confirm_delete.html",
        {
            "roadmap": item.roadmap,
            "what": f"пункт «{item}»",
            "marked": marked,
        },
    )


@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item(request.user, pk, write=True)
    services.move_item(item, "up" if request.POST.get("direction") == "up" else "down")
    return redirect(f"{item.roadmap.get_absolute_url()}#item-{item.pk}")
