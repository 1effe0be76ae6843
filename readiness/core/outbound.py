"""Outbound HTTP to addresses a tenant chose (webhooks): public destinations only.

A tenant manager must not turn the worker into a port scanner or a reader of internal
services. So (docs/security.md, "Webhook destinations"):

- the URL is checked when it is saved (`destination_check`, a clear form error);
- at connection time the host is resolved ONCE, every address is checked and the
  socket connects to that checked address (`_GuardedHTTPSConnection._new_conn`); the
  peer address of the socket is checked again. A DNS answer that changes between the
  save and the delivery (rebinding) therefore never reaches a private address. TLS
  still verifies the certificate against the host name (SNI), which stays unchanged;
- redirects are never followed, environment proxies and .netrc are ignored;
- the caller gets a status code or a short error class, never a body or exception
  text (`error_class`).

WEBHOOK_ALLOW_PRIVATE=1 (an operator's environment, never a tenant's form) allows
non-public addresses, e.g. a receiver on the same network or the local test receiver.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError, NewConnectionError

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")

BLOCKED = "blocked destination"
HTTPS_REQUIRED = "https required"
PERMANENT = frozenset({BLOCKED, HTTPS_REQUIRED})


class BlockedDestination(NewConnectionError):
    """The destination resolved to an address this instance does not send to."""


def ip_is_public(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True only for globally routable unicast addresses.

    IPv6 forms that embed an IPv4 address (mapped ::ffff:a.b.c.d, NAT64, 6to4) are
    judged by the IPv4 address inside, so ::ffff:127.0.0.1 is loopback. Teredo and
    local NAT64 are refused outright: where they lead cannot be told from here.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip_is_public(ip.ipv4_mapped)
        if ip in _NAT64:
            return ip_is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None:
            return ip_is_public(ip.sixtofour)
        if ip.teredo is not None or ip in _NAT64_LOCAL:
            return False
    # is_global alone lets some multicast and reserved ranges through; CGNAT
    # (100.64.0.0/10) is neither private nor global, so is_global refuses it.
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback
                                 or ip.is_link_local or ip.is_private or ip.is_unspecified)


def _allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False))


def _allowed_schemes() -> tuple[str, ...]:
    return ("https", "http") if getattr(settings, "WEBHOOK_ALLOW_HTTP", False) else ("https",)


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to; OSError when it does not resolve."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def addresses_check(addresses: list[str]) -> None:
    """Refuse when ANY address is not public: a name that also points inward is refused."""
    if _allow_private():
        return
    if not addresses or not all(ip_is_public(a) for a in addresses):
        raise ValueError(BLOCKED)


def destination_check(url: str) -> None:
    """The save-time rule: ValidationError with a message a manager can act on."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValidationError(_("Enter a valid URL.")) from None
    if parts.scheme not in _allowed_schemes():
        raise ValidationError(_("Use an https:// URL."))
    if not parts.hostname:
        raise ValidationError(_("Enter a URL with a host name."))
    if parts.username or parts.password:
        raise ValidationError(_("Do not put credentials in the URL; the payload is signed "
                                "with the webhook secret instead."))
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError):
        raise ValidationError(_("This host name does not resolve.")) from None
    try:
        addresses_check(addresses)
    except ValueError:
        raise ValidationError(_("This URL points to a private, loopback or otherwise "
                                "non-public address; webhooks go to public addresses only.")
                              ) from None


class _GuardMixin:
    """Resolve once, check, connect to exactly the checked address, check the peer."""

    def _new_conn(self) -> socket.socket:
        host = self._dns_host
        try:
            addresses = resolve(host, self.port)
        except (OSError, UnicodeError) as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        try:
            addresses_check(addresses)
        except ValueError:
            raise BlockedDestination(self, BLOCKED) from None
        sock = None
        # No second lookup: try the checked addresses in order (dual-stack hosts).
        for address in addresses:
            self._dns_host = address
            try:
                sock = super()._new_conn()
                break
            except NewConnectionError as exc:  # refused: try the next (a timeout stops)
                last = exc
            finally:
                self._dns_host = host
        if sock is None:
            raise last
        try:
            addresses_check([sock.getpeername()[0]])
        except ValueError:
            sock.close()
            raise BlockedDestination(self, BLOCKED) from None
        return sock


class _GuardedHTTPConnection(_GuardMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool,
                                                   "https": _GuardedHTTPSPool}


def guarded_session() -> requests.Session:
    session = requests.Session()
    # HTTP(S)_PROXY would connect to the proxy, not the checked address; .netrc would
    # add credentials the tenant never gave.
    session.trust_env = False
    # trust_env off also drops REQUESTS_CA_BUNDLE: use the operator's bundle explicitly.
    session.verify = getattr(settings, "M365_CA_BUNDLE", None) or True
    adapter = GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def post(url: str, *, data: bytes, headers: dict, timeout: float) -> tuple[int | None, str]:
    """(status code, "") or (None, error class). The response body is never read."""
    if urlsplit(url).scheme not in _allowed_schemes():
        return None, HTTPS_REQUIRED
    with guarded_session() as session:
        try:
            response = session.post(url, data=data, headers=headers, timeout=timeout,
                                    allow_redirects=False, stream=True)
        except requests.RequestException as exc:
            return None, error_class(exc)
        response.close()
    code = response.status_code
    return code, "" if 200 <= code < 300 else f"HTTP {code}"


def _chain(exc: BaseException):
    """The exception and every exception it wraps (cause, context, reason, args)."""
    seen, todo = set(), [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [current.__cause__, current.__context__, getattr(current, "reason", None),
                   *getattr(current, "args", ())]
        todo.extend(e for e in wrapped if isinstance(e, BaseException))


def error_class(exc: BaseException) -> str:
    """A short, fixed label: never the exception text, which can quote internal hosts."""
    chain = list(_chain(exc))
    if any(isinstance(e, BlockedDestination) for e in chain):
        return BLOCKED
    if isinstance(exc, requests.Timeout) or any(isinstance(e, TimeoutError) and not
                                                isinstance(e, NewConnectionError)
                                                for e in chain):
        return "timeout"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS error"
    if any(isinstance(e, (NameResolutionError, socket.gaierror)) for e in chain):
        return "DNS failure"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if isinstance(exc, requests.ConnectionError):
        return "connection error"
    return "request error"
