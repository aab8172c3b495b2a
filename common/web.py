"""The client's address behind nginx.

gunicorn listens on a unix socket that only nginx can reach (deploy/systemd/mentoring-web.socket), so
REMOTE_ADDR is empty in production, and nginx overwrites X-Real-IP with the peer's address
(deploy/nginx/mentoring.conf). The header is believed only from such a peer: a unix socket, or an
address of settings.TRUSTED_PROXIES. Reached any other way (gunicorn on an open port, runserver, the
tests), the peer is the client and picks nothing: its X-Real-IP is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """A valid IP address of the client, or None."""
    peer_text = request.META.get("REMOTE_ADDR", "") or ""
    peer = _address(peer_text)
    from_proxy = not peer_text.strip() or (
        peer is not None and any(peer in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))
    )
    if from_proxy:
        forwarded = _address(request.META.get("HTTP_X_REAL_IP", ""))
        if forwarded is not None:
            return str(forwarded)
    return str(peer) if peer is not None else None
