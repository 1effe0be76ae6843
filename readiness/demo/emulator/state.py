"""What the emulator knows: the demo tenants, their app registrations, signing keys,
pending authorization codes and the configured faults."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlparse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from readiness.demo.emulator.faults import Faults
from readiness.demo.generator import DemoSignIn, DemoTenant

GRAPH_ROLES = frozenset({"AuditLog.Read.All", "Directory.Read.All", "Policy.Read.All"})
EXCHANGE_ROLES = frozenset({"Exchange.ManageAsApp"})
ALL_ROLES = GRAPH_ROLES | EXCHANGE_ROLES
TOKEN_LIFETIME = 3600
# The product's own sign-in app (auth code + PKCE), valid in every emulated tenant.
SIGNIN_CLIENT_ID = "6d0b6f4a-0000-4000-8000-00000000516e"
SIGNIN_CLIENT_SECRET = "emulator-signin-secret"
# The MSP's multi-tenant app (docs/operations.md, "Connecting Microsoft 365 tenants"):
# registered once, usable in a tenant only after that tenant's admin consented.
MSP_CLIENT_ID = "3c5e1a52-0000-4000-8000-0000000005e7"
MSP_CLIENT_SECRET = "emulator-msp-secret"


@dataclass
class Grant:
    """What one tenant's admin consent gave a multi-tenant app: the application
    permissions (all those requested), and - separately, never through consent - the
    directory role (Global Reader) the Exchange admin API needs."""

    roles: set[str] = field(default_factory=lambda: set(ALL_ROLES))
    directory_role: bool = False


@dataclass
class App:
    client_id: str
    tenant_id: str | None  # None: multi-tenant (the sign-in app)
    secret: str | None
    roles: set[str] = field(default_factory=lambda: set(ALL_ROLES))
    consented: bool = True
    certificates: list[x509.Certificate] = field(default_factory=list)
    # True: usable in a tenant only once that tenant granted admin consent (state.grants).
    needs_grant: bool = False


def resource_kind(audience: str) -> str:
    """'graph' or 'exchange' from a token audience / resource URL, '' otherwise."""
    parsed = urlparse(audience)
    last = parsed.path.rstrip("/").rsplit("/", 1)[-1]
    host = parsed.hostname or ""
    if last == "graph" or host.startswith("graph."):
        return "graph"
    if last == "exchange" or host.startswith("outlook."):
        return "exchange"
    return ""


class EmulatorState:
    def __init__(self, universe: list[DemoTenant], *, faults: Faults | None = None,
                 graph_page_size: int = 1000, exchange_page_size: int = 1000):
        self.tenants = {t.tenant_id.lower(): t for t in universe}
        self.apps = {t.client_id: App(t.client_id, t.tenant_id.lower(), t.client_secret)
                     for t in universe}
        self.apps[SIGNIN_CLIENT_ID] = App(SIGNIN_CLIENT_ID, None, SIGNIN_CLIENT_SECRET)
        self.apps[MSP_CLIENT_ID] = App(MSP_CLIENT_ID, None, MSP_CLIENT_SECRET, needs_grant=True)
        # (client id, directory id) -> Grant: admin consents given to multi-tenant apps
        self.grants: dict[tuple[str, str], Grant] = {}
        # Directories that only answer discovery (customer001.example … customer200.example),
        # so that bulk onboarding of many customers runs against the emulator.
        self.prospects = {f"customer{n:03}.example": str(uuid.uuid5(
            uuid.NAMESPACE_DNS, f"customer{n:03}.example")) for n in range(1, 201)}
        self.faults = faults or Faults()
        self.graph_page_size, self.exchange_page_size = graph_page_size, exchange_page_size
        self.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex[:16]
        self.codes: dict[str, dict] = {}
        self.lock = threading.Lock()
        self._signins: dict[str, list[DemoSignIn]] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path) log, for tests
        self.report_times: list[float] = []  # when each sign-in report request arrived
        # (tenant id, cmdlet, parameters) -> the rows of the read being paged (exchange.py)
        self.exchange_results: dict[tuple, list[dict]] = {}
        # directory id -> the tid its app-only tokens carry instead (None: no tid claim)
        self.token_tid: dict[str, str | None] = {}

    def tenant(self, reference: str) -> DemoTenant | None:
        """By directory ID, primary domain or <slug>.onmicrosoft.com."""
        wanted = reference.lower()
        if wanted in self.tenants:
            return self.tenants[wanted]
        for tenant in self.tenants.values():
            if wanted in (tenant.domain, f"{tenant.slug}.onmicrosoft.com"):
                return tenant
        return None

    def grant(self, app: App, tenant: DemoTenant) -> Grant | None:
        return self.grants.get((app.client_id, tenant.tenant_id.lower()))

    def has_directory_role(self, client_id: str, tenant: DemoTenant) -> bool:
        """A tenant's own app has the role its profile says; a multi-tenant app has it
        once that tenant's admin assigned it (the emulator's control page does)."""
        app = self.apps.get(client_id)
        if app is not None and app.needs_grant:
            grant = self.grant(app, tenant)
            return bool(grant and grant.directory_role)
        return tenant.has_directory_role

    def reports_max_per(self, window: float) -> int:
        """The most sign-in report requests seen in any `window` seconds (the product
        must keep Graph's 122 per 10 s per app across tenants)."""
        with self.lock:
            times, best, first = sorted(self.report_times), 0, 0
        for last, when in enumerate(times):
            while when - times[first] >= window:
                first += 1
            best = max(best, last - first + 1)
        return best

    def signins(self, tenant: DemoTenant) -> list[DemoSignIn]:
        """All of the tenant's sign-ins, newest first, computed once."""
        with self.lock:
            if tenant.tenant_id not in self._signins:
                self._signins[tenant.tenant_id] = tenant.signins(
                    datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC))
            return self._signins[tenant.tenant_id]

    def register_certificate(self, client_id: str, certificate_pem: str) -> None:
        cert = x509.load_pem_x509_certificate(certificate_pem.encode())
        self.apps[client_id].certificates.append(cert)

    def sign(self, claims: dict) -> str:
        now = int(time.time())
        payload = {"iat": now, "nbf": now, "exp": now + TOKEN_LIFETIME, **claims}
        return jwt.encode(payload, self.signing_key, algorithm="RS256",
                          headers={"kid": self.kid, "typ": "JWT"})

    def verify(self, token: str) -> dict | None:
        try:
            return jwt.decode(token, self.signing_key.public_key(), algorithms=["RS256"],
                              options={"verify_aud": False})
        except jwt.PyJWTError:
            return None

    def jwks(self) -> dict:
        numbers = self.signing_key.public_key().public_numbers()

        def b64(value: int) -> str:
            raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                          "n": b64(numbers.n), "e": b64(numbers.e)}]}


def thumbprint(cert: x509.Certificate, algorithm) -> str:
    from cryptography.hazmat.primitives import serialization

    der = cert.public_bytes(serialization.Encoding.DER)
    digest = algorithm(der).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def pkce_matches(verifier: str, challenge: str, method: str) -> bool:
    if method.upper() == "PLAIN":
        return verifier == challenge
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge
