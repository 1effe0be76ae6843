"""The client's address, the one place that decides whether X-Forwarded-For is trusted.

Without BEHIND_PROXY the header is written by the client and means nothing: REMOTE_ADDR
is the client. Behind TRUSTED_PROXY_COUNT proxies, each proxy appends the address it
received the connection from, so the client is the entry that many places from the
right; everything left of it may be forged.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    if not settings.BEHIND_PROXY:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    count = settings.TRUSTED_PROXY_COUNT
    if len(hops) < count:
        # Fewer hops than proxies: the request did not come through all of them.
        return remote
    return _valid(hops[-count]) or remote


def _valid(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""
