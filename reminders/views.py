"""«Напоминания»: the methodist's list of what each curator and methodist of the department will be
reminded of, one user's letter as it will be sent, «Отправить сейчас» for one and for all; and «Мои
напоминания», where a curator or a methodist reads their own letter and turns the letters off or on."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.russian import gendered
from common.text import normalise
from common.views import paginate
from registry.access import chosen_organisation
from registry.models import Membership, Organisation, Role, User
from reminders import letters, services
from reminders.access import get_reminded_user, own_reminders, reminded_users

MAIL_FAILED = "Почтовый сервер недоступен: письмо не отправлено. Попробуйте позже или сообщите администратору."


@dataclass
class Row:
    user: User
    roles: list[Membership]
    counts: list[int]  # in the order of letters.KINDS
    letters_enabled: bool
    last_sent_at: datetime | None

    @property
    def is_empty(self) -> bool:
        return not any(self.counts)


@require_GET
def reminder_list(request: HttpRequest) -> HttpResponse:
    users, departments = reminded_users(request.user)
    organisations = list(Organisation.objects.filter(department_id__in=departments).order_by("short_name"))
    organisation = chosen_organisation(organisations, request.GET.get("organisation", ""))
    if organisation is not None:
        users = users.filter(memberships__organisation=organisation, memberships__role=Role.CURATOR)
    role = request.GET.get("role", "")
    if role in letters.REMINDED_ROLES:
        users = users.filter(memberships__role=role, memberships__department_id__in=departments)
    query = request.GET.get("q", "").strip()
    if needle := normalise(query):
        users = users.filter(search_text__contains=needle)
    page, params = paginate(request, users)
    today = timezone.localdate()
    counts = letters.counts_for(request.user, page.object_list, departments, today)
    page.object_list = [
        Row(
            user=user,
            roles=list(user.memberships.all()),
            counts=[counts[user.pk][kind.slug] for kind in letters.KINDS],
            letters_enabled=services.letters_enabled(user),
            last_sent_at=services.last_sent_at(user),
        )
        for user in page.object_list
    ]
    return render(
        request,
        "reminders/list.html",
        {
            "page": page,
            "query": params,
            "q": query,
            "role": role,
            "roles": [(value, label) for value, label in Role.choices if value in letters.REMINDED_ROLES],
            "organisations": organisations,
            "organisation": organisation,
            "kinds": letters.KINDS,
            "year": letters.contingent_year(today),
        },
    )


@require_GET
def reminder_preview(request: HttpRequest, pk: int) -> HttpResponse:
    recipient, departments = get_reminded_user(request.user, pk)
    reminder = letters.build(recipient, timezone.localdate(), departments=departments)
    return render(request, "reminders/preview.html", _letter_context(recipient, reminder))


@require_POST
def reminder_send(request: HttpRequest, pk: int) -> HttpResponse:
    recipient, departments = get_reminded_user(request.user, pk)
    outcome = services.Outcome()
    try:
        letter = services.send(letters.build(recipient, timezone.localdate(), departments=departments), outcome)
    except (smtplib.SMTPException, OSError):
        messages.error(request, MAIL_FAILED)
    else:
        if letter is not None:
            messages.success(request, f"Письмо отправлено: {recipient.full_name or recipient.username}, {letter.to}.")
        else:
            reason = next(iter(outcome.skipped))
            messages.warning(request, f"Письмо не отправлено: {_explain(recipient, reason)}.")
    return redirect("reminder_preview", pk=recipient.pk)


@require_POST
def reminder_send_all(request: HttpRequest) -> HttpResponse:
    users, departments = reminded_users(request.user)
    try:
        outcome, _ = services.send_all(users, timezone.localdate(), departments=departments)
    except (smtplib.SMTPException, OSError):
        messages.error(request, MAIL_FAILED)
    else:
        (messages.success if outcome.sent else messages.warning)(request, outcome.summary())
    return redirect("reminder_list")


def _explain(user: User, reason: str) -> str:
    if reason == services.LETTERS_OFF:
        return f"{user.full_name or user.username} {gendered(user, 'отключил', 'отключила')} письма-напоминания"
    if reason == services.NO_EMAIL:
        return "в учётной записи нет адреса электронной почты"
    if reason == services.REFUSED:
        return f"почтовый сервер не принял адрес {user.email}"
    return "напоминать не о чем"


@require_http_methods(["GET", "POST"])
def my_reminders(request: HttpRequest) -> HttpResponse:
    own_reminders(request.user)
    if request.method == "POST":
        choice = request.POST.get("letters", "")
        if choice not in ("on", "off"):
            raise BadRequest("Не указано, включить или отключить письма.")
        services.set_letters(request.user, choice == "on")
        if choice == "on":
            messages.success(request, "Письма-напоминания включены: они приходят раз в неделю.")
        else:
            messages.success(request, "Письма-напоминания отключены. Напоминания остаются на этой странице.")
        return redirect("my_reminders")
    reminder = letters.build(request.user, timezone.localdate())
    return render(request, "reminders/mine.html", _letter_context(request.user, reminder))


def _letter_context(recipient: User, reminder: letters.Reminder) -> dict:
    reason = services.why_not(recipient, reminder)
    return {
        "recipient": recipient,
        "reminder": reminder,
        "letter": letters.compose(reminder),
        "letters_enabled": services.letters_enabled(recipient),
        "last_sent_at": services.last_sent_at(recipient),
        "reason": reason,
        "explanation": _explain(recipient, reason) if reason else "",
    }
