"""Every URL x every persona, from the one classification table in url_matrix.py."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.security import url_matrix
from tests.security.url_matrix import MANAGE, VIEW, Route, check_matrix


@pytest.mark.django_db
def test_every_url_behaves_as_classified_for_every_persona(world):
    violations = check_matrix(world)
    assert violations == [], "\n".join(violations)
    # The hostile POST bodies changed nothing they must not (issue 10, findings 2-3):
    # tenant B's user joined no tenant of A's, no webhook aims inward.
    from readiness.notifications.models import Webhook
    from readiness.tenancy.models import Membership

    outsider = world.samples["outsider_id"]
    assert list(Membership.objects.filter(user_id=outsider).values_list(
        "tenant__slug", flat=True)) == [world.other_slug]
    assert not Webhook.objects.filter(name="matrix-hostile-hook").exists()


def test_an_unclassified_url_name_is_reported():
    assert url_matrix.classify("tenancy:new-page", url_matrix.ROUTES) is None
    assert url_matrix.classify("admin:anything_changelist", url_matrix.ROUTES).kind == "admin"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.security.leaky_urls")
def test_it_catches_an_unclassified_url(world):
    violations = check_matrix(world, personas=["anonymous"])
    assert "classify leaky-tenant" in violations


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.security.leaky_urls")
def test_it_catches_an_unscoped_tenant_view(world):
    routes = {**url_matrix.ROUTES, "leaky-tenant": Route(read=VIEW, write=MANAGE)}
    violations = [v for v in check_matrix(world, routes=routes) if v.startswith("leaky-tenant")]
    assert any("GET" in v and "as charlie: got ok, expected not-found" in v for v in violations)
    assert any("as bob: got ok, expected not-found" in v for v in violations)
    assert any("POST" in v and "as victor: got ok, expected forbidden" in v for v in violations)
    assert any("leaks tenant A's" in v for v in violations)


@pytest.mark.django_db
def test_every_write_without_a_csrf_token_is_refused(world):
    """POSTs that the matrix allows are refused (403) once the CSRF token is missing."""
    failures, checked = [], 0
    for endpoint in url_matrix.endpoints():
        route = url_matrix.classify(endpoint.key, url_matrix.ROUTES)
        if route is None or route.write is None:
            continue
        persona = "anonymous" if route.write == url_matrix.PUBLIC else "msp_admin"
        client = url_matrix._client(world.users[persona])
        path = url_matrix.build_path(endpoint, route, world.samples)
        response = url_matrix.request(client, "POST", path, csrf=False)
        checked += 1
        if response.status_code != 403:
            failures.append(f"{endpoint.key} POST {path}: {response.status_code}")
    assert failures == [] and checked > 20
