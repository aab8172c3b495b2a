"""Five guards around every request.

A NUL byte in a query string is dropped: no search or filter needs one, and PostgreSQL refuses it in a
query (a scanner's probe made the staff and people searches answer 500). Forms refuse NUL in posted
data themselves, with Django's Russian message.

A full disk answers with a Russian page instead of a server error — while a view saves a file, and
while an upload is being read (`read_uploads_first`).

Nothing a signed-in user is shown is kept by a browser or a proxy (`no_store_for_users`): pages and
files carry personal data, and school computers are shared.

The request's transaction (ATOMIC_REQUESTS) is rolled back before this runs, and the storage
(mentoring/storage.py) has removed any part of a file already written: nothing is half-saved, and
the same action can be repeated once the administrator frees space.

With DEBUG on (the demo), a wrong address or an error shows the product's Russian page, not Django's
technical one (`ProductErrorPages`).
"""

from __future__ import annotations

import contextlib
import errno
import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, UnreadablePostError
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.defaults import page_not_found, server_error

log = logging.getLogger(__name__)

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def no_store_for_users(get_response):
    """`Cache-Control: no-store, private` on every response to a signed-in user (static files are served
    before this, by whitenoise, and stay cacheable)."""

    def middleware(request):
        response = get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    return middleware


def drop_nul_from_query(get_response):
    def middleware(request):
        if "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = request.GET.copy()
            for key in list(cleaned.keys()):
                cleaned.setlist(key, [value.replace("\x00", "") for value in cleaned.getlist(key)])
            cleaned._mutable = False
            request.GET = cleaned
        return get_response(request)

    return middleware


def disk_full_page(request):
    log.error("No space left on the server's disk while serving %s %s", request.method, request.path)
    return render(request, "disk_full.html", status=507)


def _discard_spooled(request) -> None:
    """Close (and so delete) the temporary file an upload was being spooled to: on a full disk its part
    would otherwise stay until the request object is collected."""
    for handler in request.upload_handlers:
        spooled = getattr(handler, "file", None)
        if spooled is not None:
            with contextlib.suppress(OSError):
                spooled.close()


def read_uploads_first(get_response):
    """A form with files is read here, before the CSRF check reads it: Django spools an upload past
    2.5 MB to a temporary file, and a full disk there answers with the same Russian page (507) as a
    full disk anywhere else, rather than a server error from inside the CSRF middleware."""

    def middleware(request):
        # Only a signed-in user's: nobody else's body is read before the CSRF check has had its say.
        if request.method == "POST" and request.content_type == "multipart/form-data" and request.user.is_authenticated:
            try:
                request.POST  # noqa: B018 — parses the body: the fields and the files
            except UnreadablePostError:
                pass  # the client went away mid-upload: the CSRF check answers 403, as it always did
            except OSError as error:
                if error.errno not in DISK_FULL:
                    raise
                _discard_spooled(request)
                return disk_full_page(request)
        return get_response(request)

    return middleware


class DiskFullMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OSError) and exception.errno in DISK_FULL:
            return disk_full_page(request)
        return None


class ProductErrorPages:
    """With DEBUG on (the demo, development), the product's own Russian 404 and 500 pages instead of
    Django's technical ones, which list every URL of the application and the code around an error to
    whoever typed a wrong address. A developer who wants Django's pages sets DJANGO_TECHNICAL_ERRORS=1.
    With DEBUG off Django shows the product's pages itself; this does nothing then."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _active(self) -> bool:
        return settings.DEBUG and not settings.TECHNICAL_ERROR_PAGES

    def __call__(self, request):
        if self._active():
            try:
                resolve(request.path_info)
            except Resolver404 as error:
                # CommonMiddleware, outside, still turns this into a redirect to the address with a slash.
                return page_not_found(request, error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not self._active():
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied | SuspiciousOperation | BadRequest):
            return None  # Django answers these with the product's 403 and 400 pages even with DEBUG on
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", request.path, exc_info=(type(exception), exception, exception.__traceback__)
        )
        return server_error(request)
