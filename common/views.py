"""Small helpers every app's views share: one transaction that explains a refusal, and pagination."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from concurrency.exceptions import RecordModifiedError
from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from common.forms import CONFLICT_MESSAGE

T = TypeVar("T")
log = logging.getLogger(__name__)
PAGE_SIZE = 25


RACE_MESSAGE = (
    "Запись не сохранена: такую же только что сохранил другой пользователь (или эта форма отправлена дважды). "
    "Откройте список и проверьте, что запись есть."
)


def save_or_explain(form: forms.BaseForm, save: Callable[[], T]) -> T | None:
    """Run `save` in one transaction; on a conflict or a broken rule, roll back and put the reason on the form.

    The form keeps what the user typed, so nothing they entered is lost. A constraint that a concurrent
    save broke after the form was checked (two identical posts at once) is explained with the
    constraint's own Russian message, found by checking the instance's constraints again: never a 500.
    """
    try:
        with transaction.atomic():
            return save()
    except RecordModifiedError:
        form.add_error(None, CONFLICT_MESSAGE)
    except ValidationError as error:
        form.add_error(None, error)
    except IntegrityError:
        instance = getattr(form, "instance", None)
        try:
            if instance is not None:
                instance.validate_constraints()
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            form.add_error(None, RACE_MESSAGE)
    return None


class _KnownCountPaginator(Paginator):
    """A paginator told its count (known from elsewhere, e.g. a cached figure), so it does not ask
    the database for it."""

    def __init__(self, object_list, per_page, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count


def paginate(request: HttpRequest, queryset, *, count: int | None = None) -> tuple[Page, str]:
    """The requested page, and the query string without `page` for the pagination links.

    `count`, when the caller already knows how many rows the queryset gives.
    """
    paginator = Paginator(queryset, PAGE_SIZE) if count is None else _KnownCountPaginator(queryset, PAGE_SIZE, count)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def stored_file(
    request: HttpRequest, stored, *, filename: str, content_type: str, what: str, remedy: str
) -> HttpResponse:
    """Download a file kept in the media folder; if it is gone (a restore without the media folder, a
    manual delete), a Russian page that says so and what to do (`remedy`), with status 404 — not a 500."""
    try:
        opened = stored.open("rb")
    except FileNotFoundError:
        log.warning("Stored file missing: %s", stored.name)
        return render(request, "file_gone.html", {"what": what, "remedy": remedy}, status=404)
    return FileResponse(opened, as_attachment=True, filename=filename, content_type=content_type)
