"""Where a "next" parameter may send the browser: only back to this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, url: str, fallback: str = "") -> str:
    """`url` when it stays on this host (and on https when we are), else `fallback`:
    an open redirect would let a phishing link borrow our domain."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return fallback
