"""The account pages of django.contrib.auth, with the limits on password guessing (registry/throttle.py)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from registry import throttle
from registry.forms import PasswordResetForm

SPRAYING = (
    "Слишком много неудачных попыток входа с вашего адреса под разными логинами. Вход с него временно "
    "заблокирован и откроется сам через некоторое время."
)
GUESSING_OLD_PASSWORD = (
    "Слишком много попыток сменить пароль. Смена пароля временно заблокирована; если вы не помните "
    "нынешний пароль, выйдите и восстановите его по ссылке «Забыли пароль?»."
)


def _locked(request: HttpRequest, heading: str, reason: str) -> HttpResponse:
    return render(request, "registration/locked_out.html", {"heading": heading, "reason": reason}, status=429)


class LoginView(auth_views.LoginView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if throttle.address_is_spraying(request):
            return _locked(request, "Вход временно заблокирован", SPRAYING)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if throttle.password_change_exhausted(request):
            return _locked(request, "Смена пароля временно заблокирована", GUESSING_OLD_PASSWORD)
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Also reaches an invited curator who has not set a password yet; a few letters an address."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        if not throttle.reset_letter_allowed(self.request):
            return redirect(self.get_success_url())  # the same answer as ever: nothing told, nothing sent
        return super().form_valid(form)
