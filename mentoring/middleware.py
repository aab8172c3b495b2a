"""A full disk answers with a Russian page instead of a server error.

The request's transaction (ATOMIC_REQUESTS) is rolled back before this runs, and the storage
(mentoring/storage.py) has removed any part of a file already written: nothing is half-saved, and
the same action can be repeated once the administrator frees space.
"""

from __future__ import annotations

import errno
import logging

from django.shortcuts import render

log = logging.getLogger(__name__)

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


class DiskFullMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OSError) and exception.errno in DISK_FULL:
            log.error("No space left on the server's disk while serving %s %s", request.method, request.path)
            return render(request, "disk_full.html", status=507)
        return None
