from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.russian import gendered
from common.text import normalise
from common.views import paginate, save_or_explain
from jobs.submissions import submitted_once
from registry.access import (
    get_membership,
    get_organisation,
    managed_departments,
    scope_for,
)
from registry.forms.hierarchy import CuratorInviteForm, OrganisationFilterForm, OrganisationForm
from registry.models import (
    EducationDepartment,
    Membership,
    Organisation,
    Role,
)
from registry.services import accounts as services


def organisation_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    departments = scope.departments(EducationDepartment.objects.all())
    filters = OrganisationFilterForm(
        request.GET or None,
        departments=departments,
        show_department=len(scope.department_wide | scope.curator_departments) > 1,
    )
    organisations = filters.apply(
        Organisation.objects.for_user(request.user)
        .select_related("department")
        .annotate(curator_count=Count("memberships", filter=Q(memberships__role=Role.CURATOR)))
    )
    page, query = paginate(request, organisations)
    return render(
        request,
        "registry/organisation_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query,
            "can_create": scope.is_methodist,
        },
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation(request.user, pk)
    scope = scope_for(request.user)
    curators = organisation.memberships.filter(role=Role.CURATOR).select_related("user")
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "curators": curators.order_by("user__last_name", "user__first_name"),
            "can_manage": scope.manages_department(organisation.department_id),
        },
    )


@require_http_methods(["GET", "POST"])
@submitted_once
def organisation_create(request: HttpRequest) -> HttpResponse:
    departments = managed_departments(request.user)
    form = OrganisationForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        organisation = save_or_explain(form, form.save)
        if organisation is not None:
            messages.success(request, f"Организация «{organisation.short_name}» добавлена.")
            return redirect("organisation_detail", pk=organisation.pk)
    return render(request, "registry/organisation_form.html", {"form": form, "organisation": None})


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation(request.user, pk, manage=True)
    departments = EducationDepartment.objects.filter(pk=organisation.department_id)
    form = OrganisationForm(request.POST or None, instance=organisation, departments=departments)
    if request.method == "POST" and form.is_valid() and save_or_explain(form, form.save) is not None:
        messages.success(request, "Изменения сохранены.")
        return redirect("organisation_detail", pk=organisation.pk)
    return render(request, "registry/organisation_form.html", {"form": form, "organisation": organisation})


@require_http_methods(["GET", "POST"])
@submitted_once
def curator_invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation(request.user, pk, manage=True)
    form = CuratorInviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                invitation = services.invite_curator(
                    organisation,
                    by=request.user,
                    data=form.cleaned_data,
                    existing_user=form.existing_user,
                    site_url=request.build_absolute_uri("/"),
                )
        except ValidationError as error:  # another request took the login or address first
            form.add_error(None, error)
        except IntegrityError:  # both requests were still in their transactions (a double click)
            form.add_error(
                None,
                "Такой логин или адрес уже занят — возможно, форму отправили дважды. "
                "Обновите страницу организации: куратор, скорее всего, уже назначен.",
            )
        if form.errors:
            return render(request, "registry/curator_invite.html", {"form": form, "organisation": organisation})
        user = invitation.membership.user
        if invitation.new_account:
            messages.success(
                request,
                f"{user.full_name} {gendered(user, 'назначен', 'назначена')} куратором. "
                f"Ссылка для установки пароля отправлена на {user.email}.",
            )
        else:
            messages.success(request, f"{user.full_name} уже есть в системе: добавлена роль куратора этой организации.")
        return redirect("organisation_detail", pk=organisation.pk)
    return render(request, "registry/curator_invite.html", {"form": form, "organisation": organisation})


@require_http_methods(["GET", "POST"])
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership(request.user, pk, manage=True)
    if request.method == "POST":
        services.remove_membership(membership)
        messages.success(request, f"{membership.user.full_name} больше не {membership.get_role_display().lower()}.")
        if membership.organisation_id:
            return redirect("organisation_detail", pk=membership.organisation_id)
        return redirect("staff_list")
    return render(request, "registry/membership_remove.html", {"membership": membership})


@require_http_methods(["POST"])
def membership_reinvite(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a curator who has not set a password yet a fresh link (the old one may have expired)."""
    membership = get_membership(request.user, pk, manage=True)
    user = membership.user
    if user.has_usable_password():
        messages.info(
            request, f"{user.full_name} уже {gendered(user, 'установил', 'установила')} пароль: приглашение не нужно."
        )
    else:
        services.send_invitation(membership, site_url=request.build_absolute_uri("/"), new_account=True)
        messages.success(request, f"Новая ссылка для установки пароля отправлена на {user.email}.")
    return redirect("organisation_detail", pk=membership.organisation_id)


def staff_list(request: HttpRequest) -> HttpResponse:
    """Everyone holding a role the user may see: methodists, heads and curators."""
    scope = scope_for(request.user)
    memberships = scope.memberships(Membership.objects.select_related("user", "organisation", "department")).order_by(
        "department__name", "role", "user__last_name", "user__first_name"
    )
    role = request.GET.get("role", "")
    if role in Role.values:
        memberships = memberships.filter(role=role)
    query = request.GET.get("q", "").strip()
    needle = normalise(query)
    if needle:
        memberships = memberships.filter(
            Q(user__search_text__contains=needle) | Q(organisation__search_text__contains=needle)
        )
    page, params = paginate(request, memberships)
    return render(
        request,
        "registry/staff_list.html",
        {
            "page": page,
            "query": params,
            "q": query,
            "role": role,
            "roles": Role.choices,
            "can_manage": scope.is_methodist,
        },
    )
