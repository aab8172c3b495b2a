"""The documents' pages: «Приказ о закреплении пар» of a school (choose the pairs, download the order, enter
its number and date once signed), and a department's own templates. The downloads themselves are exporters
(paperwork/exports.py) served by the one download view."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.views import stored_file
from paperwork import builtin, documents, services
from paperwork.exports import chosen_pairs
from paperwork.forms import OrderNumberForm, TemplateUploadForm
from paperwork.models import DocumentKind, DocumentTemplate, SignedOrder
from registry import privacy
from registry.access import WRITE_REFUSED, get_organisation, managed_departments, scope_for
from registry.models import MentoringPair, Organisation, PairMentee

SHOW = {
    "without_order": "Действующие без приказа",
    "active": "Все действующие",
    "all": "Все пары",
}
PAIRS_SHOWN = 500


def _page(request: HttpRequest, organisation: Organisation, form: OrderNumberForm, status: int = 200) -> HttpResponse:
    show = request.GET.get("show", "without_order")
    if show not in SHOW:
        show = "without_order"
    q = request.GET.get("q", "").strip()[:100]
    pairs = MentoringPair.objects.for_user(request.user).filter(organisation=organisation)
    if show != "all":
        pairs = pairs.active()
    if show == "without_order":
        pairs = pairs.filter(Q(order_number="") | Q(order_date__isnull=True))
    if q:
        pairs = pairs.search(q)
    pairs = list(
        pairs.select_related("mentor", "format", "role_model")
        .prefetch_related(Prefetch("participations", PairMentee.objects.select_related("mentee")))
        .order_by("mentor__last_name", "mentor__first_name", "pk")[:PAIRS_SHOWN]
    )
    chosen = set(form["pairs"].value() or []) if form.is_bound else None
    for pair in pairs:
        pair.period_text = documents.period_text(pair)
        pair.chosen = str(pair.pk) in {str(i) for i in chosen} if chosen is not None else not pair.has_order
    privacy.record_shown(
        request,
        [person for pair in pairs for person in (pair.mentor, *(p.mentee for p in pair.participations.all()))],
        what="приказ о закреплении пар",
    )
    context = {
        "organisation": organisation,
        "pairs": pairs,
        "limited": len(pairs) == PAIRS_SHOWN,
        "show": show,
        "shows": SHOW,
        "q": q,
        "form": form,
        "can_record": scope_for(request.user).edits_organisation(organisation),
        "own_template": documents.own_template(organisation.department_id, DocumentKind.ORDER),
        "signed_orders": SignedOrder.objects.for_user(request.user).filter(organisation=organisation)[:10],
        "curator": documents.curator_of(organisation),
    }
    return render(request, "paperwork/pair_order.html", context, status=status)


@require_GET
def pair_order(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation(request.user, pk)
    return _page(request, organisation, OrderNumberForm())


@require_POST
def pair_order_number(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed order's number and date (and scan) written once onto all the pairs chosen."""
    organisation = get_organisation(request.user, pk, write=WRITE_REFUSED)
    form = OrderNumberForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, organisation, form)
    pairs = chosen_pairs(request.user, organisation, form.cleaned_data["pairs"])  # 404: a pair from elsewhere
    upload = request.FILES.get("scan")
    order = services.record_order(
        organisation=organisation,
        pairs=pairs,
        number=form.cleaned_data["number"],
        day=form.cleaned_data["date"],
        user=request.user,
        scan=form.cleaned_data["scan"],
        scan_name=upload.name if upload else "",
    )
    messages.success(request, f"{order} внесён в {len(pairs)} пар(ы).")
    return redirect("paperwork_pair_order", pk=organisation.pk)


@require_GET
def signed_order_scan(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(SignedOrder.objects.for_user(request.user).exclude(scan=""), pk=pk)
    suffix = order.scan.name.rsplit(".", 1)[-1].lower()
    types = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
    return stored_file(
        request,
        order.scan,
        filename=f"Приказ № {order.number} от {order.date:%d.%m.%Y}.{suffix}",
        content_type=types.get(suffix, "application/octet-stream"),
        what="Скан приказа",
        remedy="Внесите номер и дату приказа заново и приложите скан.",
    )


# --- A department's own templates ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest) -> HttpResponse:
    """Which template each document is made from, the fields a template may use; the methodist uploads one."""
    scope = scope_for(request.user)
    departments = managed_departments(request.user) if scope.is_methodist else None
    if request.method == "POST":
        if departments is None:
            raise PermissionDenied("Загружать шаблоны документов может только методист муниципалитета.")
        form = TemplateUploadForm(request.POST, request.FILES, departments=departments)
        if form.is_valid():
            services.save_template(
                department=form.cleaned_data["department"],
                kind=form.cleaned_data["kind"],
                content=form.cleaned_data["content"],
                filename=form.cleaned_data["file"].name,
                user=request.user,
            )
            messages.success(request, "Шаблон загружен: документы этого вида теперь составляются по нему.")
            return redirect("paperwork_templates")
    else:
        form = TemplateUploadForm(departments=departments) if departments is not None else None
    own = DocumentTemplate.objects.for_user(request.user).active().select_related("department", "uploaded_by")
    kinds = [
        {
            "value": kind.value,
            "label": kind.label,
            "fields": documents.FIELDS[kind.value].items(),
            "own": [template for template in own if template.kind == kind.value],
        }
        for kind in DocumentKind
    ]
    return render(request, "paperwork/templates.html", {"kinds": kinds, "form": form, "is_methodist": departments})


@require_POST
def template_off(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to the built-in template: the own one is kept, inactive."""
    template = get_object_or_404(DocumentTemplate.objects.for_user(request.user), pk=pk)
    if not scope_for(request.user).manages_department(template.department_id):
        raise PermissionDenied("Отключать шаблоны документов может только методист муниципалитета.")
    DocumentTemplate.objects.filter(pk=template.pk).update(active=False)
    messages.success(request, "Шаблон отключён: документы составляются по встроенному шаблону.")
    return redirect("paperwork_templates")


@require_GET
def template_builtin(request: HttpRequest, kind: str) -> HttpResponse:
    """The built-in template with its fields, to start an own one from (no personal data in it)."""
    if kind not in DocumentKind.values:
        raise Http404("Такого документа нет.")
    minor = request.GET.get("minor") == "1"
    response = HttpResponse(builtin.template_bytes(kind, minor), content_type=documents.DOCX_TYPE)
    name = DocumentKind(kind).label + (" (законный представитель)" if minor else "")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('Шаблон — ' + name + '.docx')}"
    return response
