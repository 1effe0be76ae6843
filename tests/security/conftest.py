"""The sample world for the URL matrix and the page-walking security tests."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from readiness.tenancy.models import Tenant
from tests.factories import MembershipFactory, SenderFactory, UserFactory
from tests.security.url_matrix import World

MARKERS = ["Alpha Widgets Ltd", "alpha-sender-marker", "printer@alpha.example"]


@pytest.fixture
def world(tenant_a, tenant_b, msp_admin, alice, hana, victor, bob, charlie):
    tenant_a.name = MARKERS[0]
    tenant_a.save()
    SenderFactory(tenant=tenant_a, address=MARKERS[2], display_name=MARKERS[1])
    SenderFactory(tenant=tenant_b, address="printer@beta.example")
    # A sacrificial membership for the member pages (the matrix POSTs to them).
    zed = MembershipFactory(tenant=tenant_a, user=UserFactory(username="zed"), role="viewer")
    MembershipFactory(tenant=tenant_b, user=UserFactory(username="yves"), role="viewer")
    samples = {
        "slug": tenant_a.slug, "membership": zed.pk, "app_label": "tenancy",
        "user_id": msp_admin.pk,
        "tenant_content_type": ContentType.objects.get_for_model(Tenant).pk,
        "missing_path": "zz-missing/",
    }
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        samples[f"admin:{model._meta.label_lower}"] = first if first is not None else 0
    users = {"anonymous": None, "msp_admin": msp_admin, "alice": alice, "hana": hana,
             "victor": victor, "bob": bob, "charlie": charlie}
    return World(users=users, samples=samples, markers=MARKERS, other_slug=tenant_b.slug)
