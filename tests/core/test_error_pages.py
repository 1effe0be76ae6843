"""Styled 403/404/500 pages with a way back, and the 500 page renders with no request."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error


@pytest.mark.django_db
def test_a_404_is_a_styled_page_with_navigation(client_for, alice):
    response = client_for(alice).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="navbar' in html and 'href="/"' in html
    assert "bootstrap.min.css" in html


@pytest.mark.django_db
def test_a_cross_tenant_404_looks_the_same(client_for, bob, tenant_a):
    response = client_for(bob).get(f"/tenants/{tenant_a.slug}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_a_403_is_styled(client_for, victor, tenant_a):
    response = client_for(victor).get(f"/tenants/{tenant_a.slug}/members/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You are not allowed to do this" in html and "Go to the portfolio" in html


def test_the_500_page_needs_no_request_context():
    # Django's server_error renders 500.html with an empty context: no user, no request.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "Go to the portfolio" in html
