"""The URL x persona access matrix: ONE declarative table, and the checker that walks
every URL pattern in the resolver against it.

Adding a URL? Add its name to ROUTES (the test fails with "classify <name>" until
you do). If it takes an object kwarg (`<int:pk>` of a ticket, say), create that object
in tenant A in tests/security/conftest.py::world, put its pk in `samples` under a key,
and name the key in the Route: `kwargs={"pk": "ticket"}`.

Each Route says how denials look (`kind`), which capability GET and POST
need, and how to fill the URL's kwargs from the sample world (`kwargs`, else
DEFAULT_KWARGS by kwarg name). Everything a persona should get follows from that:

- anonymous: a page redirects to the login page, the API answers 401/403, the admin
  redirects to the admin login;
- a tenant route (read/write is a Capability) for a user who cannot see the tenant:
  404; a visible tenant without the capability: 403; otherwise the route's ok statuses;
- MSP: MSP admins only (others 403, or the admin login for the admin);
- AUTH: any signed-in user; PUBLIC: anyone; None: the method is refused for everyone.

Beyond status codes, the checker asserts that a persona who cannot see tenant A never
receives a page, export or API body that contains one of tenant A's marker strings,
and that a manager of tenant B cannot reach tenant A's objects through B's slug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatch

from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from readiness.tenancy.choices import ROLE_CAPABILITIES, Capability

PAGE, API, ADMIN = "page", "api", "admin"
PUBLIC, AUTH, MSP = "public", "authenticated", "msp"
VIEW, WORK, MANAGE = Capability.VIEW, Capability.WORK, Capability.MANAGE

# Who the personas are, and their role in tenant A (None = cannot see tenant A).
PERSONAS: dict[str, str | None] = {
    "anonymous": None, "msp_admin": "msp", "alice": "manager", "hana": "helpdesk",
    "victor": "viewer", "bob": None, "charlie": None,
}
OK_WRITE = (200, 201, 202, 204, 302, 303, 400)


@dataclass(frozen=True)
class Route:
    kind: str = PAGE
    read: str | None = None
    write: str | None = None
    kwargs: dict[str, str] = field(default_factory=dict)  # kwarg -> sample key
    ok: tuple[int, ...] = (200,)
    write_ok: tuple[int, ...] = OK_WRITE
    export: bool = False
    query: str = ""
    # The POST body: hostile inputs. A value "@key" is the world's sample `key`.
    data: dict = field(default_factory=dict)


ROUTES: dict[str, Route] = {
    # Sign-in and sessions.
    "login": Route(read=PUBLIC, write=PUBLIC),
    "logout": Route(read=None, write=PUBLIC),
    # 404 while Entra is not configured (the matrix world); tests/tenancy/test_entra.py
    # covers the configured flow.
    "entra-login": Route(read=PUBLIC, ok=(404,)),
    "entra-callback": Route(read=PUBLIC, ok=(404,)),
    "sessions-end-all": Route(read=None, write=AUTH),
    "account": Route(read=AUTH),
    "language": Route(read=None, write=PUBLIC,
                      data={"language": "cs", "next": "https://evil.example/"}),
    "ingestion:healthz": Route(read=PUBLIC, ok=(200, 503)),
    "ingestion:history": Route(read=VIEW, export=True),
    # Portfolio and tenant pages.
    "dashboards:portfolio": Route(read=AUTH, export=True),
    "dashboards:tenant": Route(read=VIEW),
    "senders:senders": Route(read=VIEW, export=True),
    # Memberships and the audit log.
    "tenancy:members": Route(read=MANAGE, export=True),
    # Hostile: pick another tenant's user by id (typed names and e-mails:
    # tests/tenancy/test_invitations.py; an MSP admin may, and would spoil the world).
    "tenancy:member-add": Route(read=MANAGE, write=MANAGE, data={
        "known_user": "@outsider_id", "role": "manager"}),
    "tenancy:member-change": Route(read=MANAGE, write=MANAGE, kwargs={"pk": "membership"},
                                   data={"role": "manager", "user": "@outsider_id"}),
    "tenancy:member-remove": Route(read=MANAGE, write=MANAGE, kwargs={"pk": "membership"}),
    "tenancy:audit": Route(read=MANAGE, export=True),
    # Hostile: remove another tenant's domain by id; add a domain with markup.
    "tenancy:domains": Route(read=VIEW, write=MANAGE, data={
        "name": "<b>x</b>.example"}),
    "tenancy:audit-global": Route(read=MSP, export=True),
    # The e-mailed invitation link: an unknown token is a 404 for everyone.
    "tenancy:invitation": Route(read=PUBLIC, write=PUBLIC, kwargs={"token": "bad_token"},
                                ok=(404,), write_ok=(404,)),
    "senders:sender": Route(read=VIEW, kwargs={"pk": "sender"}),
    "inventory:mailboxes": Route(read=VIEW, export=True),
    # The Microsoft 365 connection: everyone in the tenant sees its state; only a
    # manager saves credentials or runs the test.
    # Hostile: tenant B's directory and client ids with a made-up secret.
    "connectors:connection": Route(read=VIEW, write=MANAGE, data={
        "directory_id": "@other_directory_id", "client_id": "@other_client_id",
        "cloud": "global", "client_secret": "matrix-made-up-secret"}),
    # MSP onboarding: the board, adding customers and the shared app are MSP-only; the
    # consent callback is public (the customer's admin is not our user): the signed,
    # single-use state is its only authority, so everyone's made-up state is a 400.
    "connectors:onboarding": Route(read=MSP, query="?stage=waiting&tag=x&q=%3Cscript%3E",
                                   export=True),
    "connectors:customer-add": Route(read=MSP, write=MSP, data={"domain": "../common"}),
    "connectors:msp-app": Route(read=MSP, write=MSP, data={
        "client_id": "not-a-guid", "client_secret": "matrix-made-up-secret"}),
    "connectors:onboarding-tenant": Route(read=MSP, write=MSP, data={"action": "resend"},
                                          write_ok=(*OK_WRITE, 404)),
    "connectors:consent-callback": Route(read=PUBLIC, ok=(400,),
                                         query="?state=made-up&admin_consent=True"),
    # Remediation workflow: helpdesk (WORK) works ownership, status and tickets.
    "senders:bulk": Route(read=None, write=WORK),
    # The old workflow page and list API now redirect to the one sender page / list API.
    "senders:workflow": Route(read=VIEW, kwargs={"pk": "sender"}, ok=(301,)),
    "senders:ownership": Route(read=WORK, write=WORK, kwargs={"pk": "sender"}),
    "senders:transition": Route(read=None, write=WORK, kwargs={"pk": "sender"}),
    "senders:my_tickets": Route(read=AUTH, export=True),
    # The shared device catalogue: read-only for everyone signed in.
    "senders:devices": Route(read=AUTH, export=True),
    "senders:tickets": Route(read=VIEW, export=True),
    "senders:ticket": Route(read=VIEW, write=WORK, kwargs={"pk": "ticket"}),
    "senders:ticket_comment": Route(read=None, write=WORK, kwargs={"pk": "ticket"}),
    # Anyone may plan; tracking the breaking senders as exceptions is a manager's call.
    "senders:what_if": Route(read=VIEW, write=MANAGE),
    # Webhooks carry a signing secret: managers only.
    # Hostile: internal destinations (cloud metadata, loopback Redis).
    "notifications:webhooks": Route(read=MANAGE, write=MANAGE, export=True, data={
        "name": "matrix-hostile-hook", "url": "https://169.254.169.254/latest/meta-data/",
        "events": ["sender.regressed"]}),
    "notifications:deliveries": Route(read=MANAGE, export=True),
    # Microsoft's milestones are edited by MSP admins; a tenant's targets by its managers.
    "milestones:list": Route(read=AUTH, export=True),
    "milestones:add": Route(read=MSP, write=MSP),
    "milestones:edit": Route(read=MSP, write=MSP, kwargs={"pk": "milestone"}),
    "milestones:retire": Route(read=None, write=MSP, kwargs={"pk": "milestone"}),
    "milestones:tenant": Route(read=VIEW, write=MANAGE),
    "milestones:tenant-retire": Route(read=None, write=MANAGE,
                                      kwargs={"pk": "tenant_milestone"}),
    # Report imports: everyone sees the runs; a manager uploads, confirms and deletes.
    "imports:list": Route(read=VIEW, export=True),
    "imports:upload": Route(read=MANAGE, write=MANAGE),
    "imports:detail": Route(read=VIEW, kwargs={"pk": "report_import"}),
    "imports:status": Route(read=VIEW, kwargs={"pk": "report_import"}),
    "imports:confirm": Route(read=None, write=MANAGE, kwargs={"pk": "report_import"}),
    "imports:delete": Route(read=MANAGE, write=MANAGE, kwargs={"pk": "report_import"}),
    # API.
    "api-schema": Route(kind=API, read=AUTH),
    "api-root": Route(kind=API, read=AUTH),
    "api-docs": Route(kind=API, read=AUTH),
    "api-tenants": Route(kind=API, read=AUTH),
    "api-tenant-summary": Route(kind=API, read=VIEW),
    "api-senders": Route(kind=API, read=VIEW),
    "api-mailboxes": Route(kind=API, read=VIEW),
    "api-usage": Route(kind=API, read=VIEW),
    "api-my-tickets": Route(kind=API, read=AUTH),
    "api-tickets": Route(kind=API, read=VIEW, write=WORK),
    "api-ticket-assign": Route(kind=API, read=None, write=WORK, kwargs={"pk": "ticket"}),
    "api-ticket-comment": Route(kind=API, read=None, write=WORK, kwargs={"pk": "ticket"}),
    "api-sender-workflow": Route(kind=API, read=VIEW, ok=(301,)),
    "api-sender-transition": Route(kind=API, read=None, write=WORK, kwargs={"pk": "sender"}),
    # The admin: MSP admins only. Specific names first; "admin:*" covers the rest
    # (every ModelAdmin's changelist/add/change/delete/history and the redirects).
    "admin:login": Route(kind=ADMIN, read=PUBLIC, write=PUBLIC, ok=(200, 302)),
    # Logging out is harmless: anyone may; GET is refused (405) or sent to the index.
    "admin:logout": Route(kind=ADMIN, read=PUBLIC, write=PUBLIC, ok=(302, 405)),
    "admin:jsi18n": Route(kind=ADMIN, read=MSP),
    "admin:autocomplete": Route(kind=ADMIN, read=MSP,
                                query="app_label=tenancy&model_name=membership&field_name=tenant"),
    "admin:view_on_site": Route(kind=ADMIN, read=MSP, ok=(302, 404)),
    # For an MSP admin, whatever the ModelAdmin decides is fine (a read-only admin
    # answers 403 to "add"); everyone else must be sent to the admin login.
    "admin:*": Route(kind=ADMIN, read=MSP, write=MSP, ok=(200, 302, 403, 404),
                     write_ok=(*OK_WRITE, 403, 404, 405)),
}

# Kwargs filled by name unless a Route names its own sample key.
DEFAULT_KWARGS = {"slug": "slug", "app_label": "app_label", "id": "user_id",
                  "content_type_id": "tenant_content_type", "object_id": "admin_object",
                  "url": "missing_path"}


def classify(key: str, routes: dict[str, Route]) -> Route | None:
    if key in routes:
        return routes[key]
    wildcards = [k for k in routes if "*" in k and fnmatch(key, k)]
    return routes[max(wildcards, key=len)] if wildcards else None


# ---------------------------------------------------------------- resolver walk


@dataclass(frozen=True)
class Endpoint:
    key: str            # "namespace:name", or "namespace:<route>" when unnamed
    name: str | None    # reversible name, when it has one
    route: str          # the full pattern text
    kwargs: tuple[str, ...]


def endpoints(urlconf=None) -> list[Endpoint]:
    return list(_walk(get_resolver(urlconf), "", None))


def _walk(resolver, prefix, namespace):
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, text, ns)
        elif isinstance(pattern, URLPattern):
            names = list(pattern.pattern.regex.groupindex)
            qualified = None
            if pattern.name:
                qualified = f"{namespace}:{pattern.name}" if namespace else pattern.name
            key = qualified or (f"{namespace}:<{text}>" if namespace else f"<{text}>")
            yield Endpoint(key, qualified, text, tuple(names))


# ---------------------------------------------------------------- the check


@dataclass
class World:
    """Users per persona and sample values for URL kwargs, built by the fixture."""

    users: dict            # persona -> user or None
    samples: dict          # sample key -> value
    markers: list[str]     # strings only tenant-A-visible personas may ever receive
    other_slug: str        # tenant B's slug, for the cross-tenant object check
    # Strings of tenant B's users that only B's members and MSP admins may receive.
    outsider_markers: list[str] = field(default_factory=list)


def check_matrix(world: World, routes: dict[str, Route] = ROUTES, urlconf=None,
                 personas=None) -> list[str]:
    """Every violation of the matrix, as readable lines; [] means all is well."""
    violations: list[str] = []
    clients = {p: _client(world.users[p]) for p in (personas or PERSONAS)}
    for endpoint in endpoints(urlconf):
        route = classify(endpoint.key, routes)
        if route is None:
            violations.append(f"classify {endpoint.key}")
            continue
        try:
            path = build_path(endpoint, route, world.samples, urlconf)
        except KeyError as exc:
            violations.append(f"{endpoint.key}: no sample value for kwarg {exc}")
            continue
        for persona, client in clients.items():
            violations += _check_persona(endpoint.key, route, path, persona, client, world)
        violations += _check_cross_tenant_object(endpoint, route, world, clients, urlconf)
    return violations


def build_path(endpoint: Endpoint, route: Route, samples: dict, urlconf=None,
               override: dict | None = None) -> str:
    if endpoint.key.startswith("admin:"):
        # The first row of the ModelAdmin's own model, or 0 (the admin redirects).
        samples = {**samples, "admin_object": samples.get(_admin_sample_key(endpoint), 0)}
    values = {k: str(samples[route.kwargs.get(k, DEFAULT_KWARGS.get(k, k))])
              for k in endpoint.kwargs}
    values.update(override or {})
    if endpoint.name:
        try:
            path = reverse(endpoint.name, kwargs=values or None, urlconf=urlconf)
        except NoReverseMatch:
            path = _substitute(endpoint.route, values)
    else:
        path = _substitute(endpoint.route, values)
    return f"{path}?{route.query}" if route.query else path


def _substitute(route_text: str, values: dict) -> str:
    text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route_text)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], text)
    return "/" + text.replace("^", "").replace("$", "")


def _admin_sample_key(endpoint: Endpoint) -> str:
    for model in admin.site._registry:
        if f"admin/{model._meta.app_label}/{model._meta.model_name}/" in endpoint.route:
            return f"admin:{model._meta.label_lower}"
    return "admin:none"


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.matrix_user = user
    return client


def _ensure_login(client) -> None:
    # A POST to logout or "sign out everywhere" ends the session; sign in again.
    if client.matrix_user is not None and "_auth_user_id" not in client.session:
        client.force_login(client.matrix_user,
                           backend="django.contrib.auth.backends.ModelBackend")


CSRF_SECRET = "matrixcsrfsecretmatrixcsrfsecret"  # 32 chars: an unmasked CSRF secret


def request(client, method: str, path: str, *, csrf: bool = True, data: dict | None = None):
    _ensure_login(client)
    if method == "GET":
        return client.get(path)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    headers = {"X-CSRFToken": CSRF_SECRET} if csrf else {}
    return client.post(path, data or {}, headers=headers)


def post_data(route: Route, samples: dict) -> dict:
    return {k: samples[v[1:]] if isinstance(v, str) and v.startswith("@") else v
            for k, v in route.data.items()}


def _check_persona(key, route, path, persona, client, world) -> list[str]:
    out = []
    for method, cap in (("GET", route.read), ("POST", route.write)):
        response = request(client, method, path, data=post_data(route, world.samples))
        want = expected(route, cap, persona, method)
        got = outcome(response, route, method)
        if got not in want:
            out.append(f"{key} {method} {path} as {persona}: got {got}, expected "
                       f"{' or '.join(sorted(want))}")
        out += _leaks(key, method, path, persona, response, world)
        if method == "GET" and route.export and got == "ok":
            out += _check_export(key, path, persona, client, world)
    return out


def _check_export(key, path, persona, client, world) -> list[str]:
    export_path = f"{path}{'&' if '?' in path else '?'}_export=csv"
    response = request(client, "GET", export_path)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/csv"):
        return [f"{key} GET {export_path} as {persona}: export gave {response.status_code} "
                f"{response.get('Content-Type')}"]
    return _leaks(key, "GET", export_path, persona, response, world)


def _leaks(key, method, path, persona, response, world) -> list[str]:
    if response.status_code >= 300:
        return []
    body = response.content.decode(errors="replace")
    out = []
    if persona not in ("msp_admin", "bob"):
        out += [f"{key} {method} {path} as {persona}: body reveals tenant B's user {marker!r}"
                for marker in world.outsider_markers if marker in body]
    if PERSONAS[persona] is not None:
        return out
    return out + [f"{key} {method} {path} as {persona}: body leaks tenant A's {marker!r}"
                  for marker in world.markers if marker in body]


def _check_cross_tenant_object(endpoint, route, world, clients, urlconf) -> list[str]:
    """bob (manager of B) asks for tenant A's object under B's slug: must be a 404."""
    object_kwargs = [k for k in endpoint.kwargs if k != "slug"]
    if "slug" not in endpoint.kwargs or not object_kwargs or "bob" not in clients:
        return []
    path = build_path(endpoint, route, world.samples, urlconf,
                      override={"slug": world.other_slug})
    out = []
    for method, cap in (("GET", route.read), ("POST", route.write)):
        if cap is None:
            continue
        response = request(clients["bob"], method, path, data=post_data(route, world.samples))
        if response.status_code != 404:
            out.append(f"{endpoint.key} {method} {path} as bob (tenant B's slug, tenant A's "
                       f"object): got {response.status_code}, expected 404")
    return out


# ---------------------------------------------------------------- expectations

REFUSED = {"login", "admin-login", "unauthorised", "forbidden", "not-found", "not-allowed"}


def expected(route: Route, cap: str | None, persona: str, method: str) -> set[str]:
    role = PERSONAS[persona]
    if cap is None:
        return REFUSED
    if cap == PUBLIC:
        return {"ok"}
    if persona == "anonymous":
        return {PAGE: {"login"}, API: {"unauthorised", "forbidden"},
                ADMIN: {"admin-login"}}[route.kind]
    if cap == AUTH:
        return {"ok"}
    if cap == MSP:
        if role == "msp":
            return {"ok"}
        return {"admin-login"} if route.kind == ADMIN else {"forbidden"}
    if role is None:
        return {"not-found"}
    if role == "msp" or cap in ROLE_CAPABILITIES[role]:
        return {"ok"}
    return {"forbidden"}


def outcome(response, route: Route, method: str) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        target = response.get("Location", "")
        if target.startswith(reverse("admin:login")):
            return "admin-login"
        # "Please sign in" carries ?next=; a logout landing on the login page does not.
        if target.startswith(reverse(settings.LOGIN_URL)) and "next=" in target:
            return "login"
    allowed = route.ok if method == "GET" else route.write_ok
    if status in allowed:
        return "ok"
    return {401: "unauthorised", 403: "forbidden", 404: "not-found",
            405: "not-allowed"}.get(status, f"status {status}")


# ---------------------------------------------------------------- page walking


def walk_pages(world: World, persona: str = "msp_admin", routes: dict[str, Route] = ROUTES,
               urlconf=None, exports: tuple[str, ...] = ("csv", "xlsx")):
    """(key, path, response) for every URL the persona may GET with a 200, plus the
    exports of every exporting route. Shared by the CSP, secret and hostile-data tests,
    so a page added to ROUTES is checked by all of them."""
    client = _client(world.users[persona])
    for endpoint in endpoints(urlconf):
        route = classify(endpoint.key, routes)
        if route is None or route.read is None:
            continue
        if expected(route, route.read, persona, "GET") != {"ok"}:
            continue
        path = build_path(endpoint, route, world.samples, urlconf)
        response = request(client, "GET", path)
        if response.status_code != 200:
            continue
        yield endpoint.key, path, response
        for fmt in exports if route.export else ():
            export_path = f"{path}{'&' if '?' in path else '?'}_export={fmt}"
            yield f"{endpoint.key}[{fmt}]", export_path, request(client, "GET", export_path)
