"""The client's address behind nginx.

gunicorn listens on a unix socket that only nginx can reach (deploy/systemd/mentoring-web.socket),
so REMOTE_ADDR is empty in production; nginx overwrites X-Real-IP with the peer's address
(deploy/nginx/mentoring.conf), so the header can be trusted there. In development (runserver,
tests) there is no proxy and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """A valid IP address of the client, or None."""
    for candidate in (request.META.get("HTTP_X_REAL_IP", ""), request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(candidate.strip()))
        except ValueError:
            continue
    return None
