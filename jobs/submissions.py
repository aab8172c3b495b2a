"""Every create form is sent once: a one-time token in the form, taken in the request's transaction.

A form page renders `{% submission_token %}` (a hidden input with a fresh UUID) beside its CSRF token.
A view decorated with `@submitted_once` takes the token (a `Submission` row with a unique token) before
it runs, in the same transaction as what it creates: the second of two identical sendings — a double
click, a resent form, the back button — waits for the first on the unique index, finds the token taken
and is sent where the first one led, with a message, instead of creating a twin. A sending that only
shows the form again (a mistake to fix) gives its token back, so the corrected form can be sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from jobs.models import Submission

FIELD = "submission"
ALREADY_SENT = "Эта форма уже отправлена: повторная отправка ничего не создала."


def new_token() -> str:
    return str(uuid.uuid4())


def submitted_once(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        try:
            token = uuid.UUID(request.POST.get(FIELD, "")) if request.method == "POST" else None
        except ValueError:
            token = None
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            with transaction.atomic():
                submission = Submission.objects.create(token=token, user=request.user, path=request.path[:300])
        except IntegrityError:
            first = Submission.objects.filter(token=token, user=request.user).first()
            messages.info(request, ALREADY_SENT)
            return redirect(first.result_url if first is not None and first.result_url else request.path)
        response = view(request, *args, **kwargs)
        if response.status_code in (301, 302, 303):
            Submission.objects.filter(pk=submission.pk).update(result_url=response["Location"][:500])
        elif not response.has_header("Content-Disposition"):  # the form again, to be corrected: token back
            Submission.objects.filter(pk=submission.pk).delete()
        return response

    return wrapper
