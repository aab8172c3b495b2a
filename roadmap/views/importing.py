"""Bringing an approved roadmap in (a .docx, an .xlsx or a pasted table) and copying a roadmap.

Import is two steps: the upload is read and shown as a preview — every item in its section with
its parsed schedule and any problem — and kept on the server (`ImportPreview`, a few a user, a day at
most: not in the session, which every request would rewrite) under a one-time token; «Сохранить» saves it
all in one transaction and spends the token. Nothing of the roadmap is written before the confirmation.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from jobs.submissions import submitted_once
from registry.access import scope_for
from registry.models import Organisation
from roadmap import services
from roadmap.access import get_roadmap, roadmap_owners
from roadmap.deadlines import PeriodError, parse_period
from roadmap.forms import CopyForm, ImportForm
from roadmap.models import ImportPreview, Roadmap
from roadmap.reading import DraftItem, DraftSection, DraftTable, RoadmapReadError, read_roadmap
from roadmap.reading.header import clean_cell

KEPT_PREVIEWS = 3  # a user may have a few previews open in tabs
ALREADY_SAVED = "Этот предпросмотр уже сохранён или устарел. Загрузите дорожную карту ещё раз."


def _draft_from_json(data: dict) -> DraftTable:
    return DraftTable(
        sections=[
            DraftSection(number=s["number"], title=s["title"], items=[DraftItem(**item) for item in s["items"]])
            for s in data["sections"]
        ],
        columns=data["columns"],
        skipped=data["skipped"],
        title=data.get("title", ""),
        period_text=data.get("period_text", ""),
    )


def _proposed_period(draft: DraftTable, form: ImportForm):
    """The period the document's title names; when there is none, the form says so."""
    if draft.period_text:
        try:
            return parse_period(draft.period_text)
        except PeriodError:
            pass
    form.add_error("period", "В названии документа не нашлось периода: укажите его, например «2022–2024 гг.».")
    return None


@require_http_methods(["GET", "POST"])
def roadmap_import(request: HttpRequest) -> HttpResponse:
    departments, organisations = roadmap_owners(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, departments=departments, organisations=organisations)
    kept = None
    if request.method == "POST" and form.is_bound:
        valid = form.is_valid()
        data = form.cleaned_data
        kept = _kept(request, form)
        draft = kept[1] if kept else _read(form, data) if _source_given(form) else None
        if draft is not None and valid:
            # The title and the period may be left blank: the document's own title names them.
            title = data["title"] or draft.title
            period = data["period"] or _proposed_period(draft, form)
            if not title:
                form.add_error("title", "В документе не нашлось названия дорожной карты: введите его.")
            if not form.errors:
                return _preview(request, form, draft, title, period)
        if draft is not None and kept is None:
            # Another field is wrong: the table read is kept, so that the file need not be chosen again.
            kept = (_keep_read(request, form, draft), draft)
    return render(
        request,
        "roadmap/import.html",
        {"form": form, "kept_token": kept[0] if kept else "", "kept_source": kept[1].source if kept else ""},
    )


def _source_given(form: ImportForm) -> bool:
    return bool(form.cleaned_data.get("file")) or bool((form.data.get("text") or "").strip())


def _kept(request: HttpRequest, form: ImportForm) -> tuple[str, DraftTable] | None:
    """The table read before a form error, when no new file or text replaces it."""
    token = form.data.get("kept", "")
    if not token or _source_given(form):
        return None
    found = ImportPreview.objects.filter(user=request.user, token=token).first()
    if found is None or not found.data.get("pending"):
        return None
    draft = _draft_from_json(found.data["draft"])
    draft.source = found.data.get("source", "")
    return token, draft


def _keep_read(request: HttpRequest, form: ImportForm, draft: DraftTable) -> str:
    upload = form.cleaned_data.get("file")
    draft.source = f"файл «{upload.name}»" if upload else "вставленная таблица"
    token = secrets.token_urlsafe(16)
    services.keep_preview(
        request.user,
        token,
        {"pending": True, "source": draft.source, "draft": asdict(draft)},
        kept=KEPT_PREVIEWS,
    )
    return token


def _read(form: ImportForm, data: dict) -> DraftTable | None:
    """The uploaded or pasted table read; None, with the form's error, when it cannot be."""
    try:
        if data.get("file"):
            upload = data["file"]
            return read_roadmap(upload, filename=upload.name)  # reads at most the size limit
        # As pasted: the form field strips the text, and a leading tab is an empty first cell.
        return read_roadmap(text=form.data["text"])
    except RoadmapReadError as error:
        form.add_error("file" if data.get("file") else "text", error.message)
        return None


def _preview(request: HttpRequest, form: ImportForm, draft: DraftTable, title: str, period) -> HttpResponse:
    data = form.cleaned_data
    department, organisation = data["owner"]
    owner = services.Owner(department, organisation)
    token = secrets.token_urlsafe(16)
    services.keep_preview(
        request.user,
        token,
        {
            "owner": form.data["owner"],
            "title": title,
            "period": period.label,
            "order_number": data["order_number"],
            "order_date": data["order_date"].isoformat() if data["order_date"] else "",
            "draft": asdict(draft),
        },
        kept=KEPT_PREVIEWS,
    )
    return _render_preview(request, token, draft, owner, period, title)


def _render_preview(request, token: str, draft: DraftTable, owner, period, title: str) -> HttpResponse:
    sections = services.preview_rows(draft, period, owner)
    return render(
        request,
        "roadmap/import_preview.html",
        {
            "token": token,
            "sections": sections,
            "draft": draft,
            "owner": owner,
            "period": period,
            "title": title,
            "item_count": len(draft.items),
            "problem_count": sum(1 for s in sections for i in s["items"] if i["problems"]),
        },
    )


EDITABLE = {"deadline": 500, "responsible": 2000}  # what the preview corrects, and its longest text


def _corrected(preview: dict, post) -> dict:
    """The kept draft with the preview's corrections: each item's deadline and responsible party as typed,
    and the section it belongs to (`<field>-<index>`, the item's place in the whole table)."""
    sections = preview["draft"]["sections"]
    flat = [(number, item) for number, section in enumerate(sections) for item in section["items"]]
    placed: list[list[dict]] = [[] for _ in sections]
    for index, (number, item) in enumerate(flat):
        for name, limit in EDITABLE.items():
            if f"{name}-{index}" in post:
                item[name] = clean_cell(post[f"{name}-{index}"])[:limit]
        target = post.get(f"section-{index}", "")
        placed[int(target) if target.isdigit() and int(target) < len(sections) else number].append(item)
    for section, items in zip(sections, placed, strict=True):
        section["items"] = items
    return preview


def _owner_of(request: HttpRequest, preview: dict):
    """The preview's owner, read back through the form: the user's scope may have changed since."""
    departments, organisations = roadmap_owners(request.user)
    form = ImportForm(
        {**preview, "period": preview["period"], "text": "-"}, departments=departments, organisations=organisations
    )
    form.is_valid()
    if "owner" not in form.cleaned_data:
        return None
    return services.Owner(*form.cleaned_data["owner"])


@require_POST
def roadmap_import_revise(request: HttpRequest) -> HttpResponse:
    """The preview read again with the methodist's corrections (nothing of the roadmap is saved)."""
    found = ImportPreview.objects.filter(token=request.POST.get("token", ""), user=request.user).first()
    if found is None or found.data.get("pending"):
        messages.error(request, ALREADY_SAVED)
        return redirect("roadmap_import")
    found.data = _corrected(found.data, request.POST)
    found.save(update_fields=["data"])
    owner = _owner_of(request, found.data)
    if owner is None:
        messages.error(request, "Нет прав создавать дорожную карту для выбранной организации.")
        return redirect("roadmap_import")
    preview = found.data
    draft = _draft_from_json(preview["draft"])
    return _render_preview(request, found.token, draft, owner, parse_period(preview["period"]), preview["title"])


@require_POST
@submitted_once
def roadmap_import_confirm(request: HttpRequest) -> HttpResponse:
    # The preview's row is locked: of two clicks, the second waits and then finds it spent.
    kept = ImportPreview.objects.select_for_update().filter(token=request.POST.get("token", ""), user=request.user)
    found = kept.first()
    if found is None:
        messages.error(request, ALREADY_SAVED)
        return redirect("roadmap_list")
    preview = found.data
    if preview.get("pending"):  # a table kept across a form error, never previewed
        messages.error(request, ALREADY_SAVED)
        return redirect("roadmap_import")
    preview = _corrected(preview, request.POST)  # what was typed in the preview, even without «Проверить»
    owner = _owner_of(request, preview)
    if owner is None:
        messages.error(request, "Нет прав создавать дорожную карту для выбранной организации.")
        return redirect("roadmap_import")
    roadmap = services.save_draft(
        _draft_from_json(preview["draft"]),
        owner=owner,
        title=preview["title"],
        period=parse_period(preview["period"]),
        user=request.user,
        order_number=preview["order_number"],
        order_date=date.fromisoformat(preview["order_date"]) if preview["order_date"] else None,
    )
    found.delete()  # spent, in the same transaction as the roadmap it became
    messages.success(request, f"Дорожная карта сохранена, пунктов: {roadmap.items.count()}.")
    return redirect("roadmap_detail", pk=roadmap.pk)


@require_http_methods(["GET", "POST"])
@submitted_once
def roadmap_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_roadmap(request.user, pk)
    scope = scope_for(request.user)
    targets = scope.editable_organisations(Organisation.objects.filter(department_id=source.department_id))
    if not source.is_municipal:
        targets = targets.none()
    may_copy_here = scope.edits_roadmap(source)
    if not may_copy_here and not targets.exists():
        raise PermissionDenied("Копировать дорожную карту могут методист муниципалитета и кураторы организаций.")
    form = CopyForm(request.POST or None, roadmap=source, organisations=targets, may_copy_here=may_copy_here)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["mode"] == CopyForm.TO_ORGANISATIONS:
            period = data["period"]
            # A second click, or a second run for the same period, does not give a school two copies.
            has_copy = set(
                Roadmap.objects.filter(
                    source=source,
                    organisation__in=data["organisations"],
                    period_start=period.start,
                    period_end=period.end,
                ).values_list("organisation_id", flat=True)
            )
            copies = [
                services.copy_roadmap(
                    source,
                    owner=services.Owner(source.department, organisation),
                    period=period,
                    user=request.user,
                    title=data["title"] or None,
                )
                for organisation in data["organisations"]
                if organisation.pk not in has_copy
            ]
            text = f"Создано дорожных карт организаций: {len(copies)}."
            if has_copy:
                text += f" У организаций ({len(has_copy)}) копия на этот период уже была — её не дублировали."
            messages.success(request, text)
            return redirect(f"{reverse('roadmap_list')}?owner=organisations")
        copy = services.copy_roadmap(
            source,
            owner=services.Owner(source.department, source.organisation),
            period=data["period"],
            user=request.user,
            title=data["title"] or None,
        )
        messages.success(request, "Копия создана. Проверьте сроки: даты, записанные полностью, остались прежними.")
        return redirect("roadmap_detail", pk=copy.pk)
    return render(
        request,
        "roadmap/copy.html",
        {
            "form": form,
            "roadmap": source,
        },
    )
