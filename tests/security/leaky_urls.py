"""A test-only urlconf: the real URLs plus one deliberately unscoped tenant view, so
the matrix test can prove it would catch such a regression."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from readiness.tenancy.models import Tenant
from readiness.urls import urlpatterns as real_urlpatterns


def leaky_tenant(request, slug):
    # The bug under test: no login, no scoping, no capability check.
    tenant = get_object_or_404(Tenant, slug=slug)
    return HttpResponse(f"<h1>{tenant.name}</h1>")


urlpatterns = [
    *real_urlpatterns,
    path("leaky/<slug:slug>/", leaky_tenant, name="leaky-tenant"),
]
