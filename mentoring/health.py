"""GET /health/: whether this process can serve, for nginx, systemd and monitoring.

200 «ok» when the database answers a query, 503 otherwise. No login, no session, no transaction
(ATOMIC_REQUESTS would need the database before the view could say it is down); the answer is
never cached. The database connection is checked the way a request would use it, so a restarted
PostgreSQL shows here as soon as requests would work again.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


@login_not_required
@require_GET
@never_cache
@transaction.non_atomic_requests
def health(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        log.warning("health check: the database does not answer: %s", exc)
        # The broken connection is dropped so that the next request opens a new one.
        connection.close_if_unusable_or_obsolete()
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
