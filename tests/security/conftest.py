"""The sample world for the URL matrix and the page-walking security tests."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from readiness.imports.choices import ImportStatus
from readiness.imports.models import ReportImport
from readiness.senders.models import TicketComment
from readiness.tenancy.models import Tenant
from tests.factories import (
    MailboxFactory,
    MembershipFactory,
    MilestoneFactory,
    SenderFactory,
    TicketFactory,
    UserFactory,
    WebhookFactory,
)
from tests.security.url_matrix import World

MARKERS = ["Alpha Widgets Ltd", "alpha-sender-marker", "printer@alpha.example",
           "alpha-mailbox-marker", "alpha-ticket-marker", "alpha-comment-marker",
           "alpha-import-marker.csv", "alpha-hook-marker", "alpha-target-marker"]


def tenant_objects(tenant, *, prefix: str, assignee=None) -> dict:
    """One of each object a tenant page or API route takes a pk of; names from prefix."""
    mailbox = MailboxFactory(tenant=tenant, display_name=f"{prefix}-mailbox-marker")
    sender = SenderFactory(tenant=tenant, address=f"printer@{prefix}.example",
                           display_name=f"{prefix}-sender-marker", mailbox=mailbox)
    ticket = TicketFactory(tenant=tenant, title=f"{prefix}-ticket-marker", assignee=assignee)
    ticket.senders.add(sender)
    TicketComment.objects.create(tenant=tenant, ticket=ticket, body=f"{prefix}-comment-marker")
    report = ReportImport.objects.create(
        tenant=tenant, file_name=f"{prefix}-import-marker.csv", sha256=prefix * 8,
        status=ImportStatus.FAILED, error="No header row")
    WebhookFactory(tenant=tenant, name=f"{prefix}-hook-marker")
    target = MilestoneFactory(tenant=tenant, key=f"{prefix}-target",
                              title=f"{prefix}-target-marker")
    return {"sender": sender.pk, "ticket": ticket.pk, "report_import": report.pk,
            "tenant_milestone": target.pk}


@pytest.fixture
def world(tenant_a, tenant_b, msp_admin, alice, hana, victor, bob, charlie):
    tenant_a.name = MARKERS[0]
    tenant_a.save()
    objects = tenant_objects(tenant_a, prefix="alpha", assignee=hana)
    tenant_objects(tenant_b, prefix="beta", assignee=bob)
    milestone = MilestoneFactory(key="matrix-global", title="A Microsoft milestone")
    # A sacrificial membership for the member pages (the matrix POSTs to them).
    zed = MembershipFactory(tenant=tenant_a, user=UserFactory(username="zed"), role="viewer")
    MembershipFactory(tenant=tenant_b, user=UserFactory(username="yves"), role="viewer")
    # Tenant B's own user and directory: the hostile inputs of the member and connection
    # pages aim at them (url_matrix.ROUTES, `data`).
    outsider = UserFactory(username="beta-outsider-marker",
                           email="outsider-marker@beta.example")
    MembershipFactory(tenant=tenant_b, user=outsider, role="manager")
    samples = {
        "slug": tenant_a.slug, "membership": zed.pk, "app_label": "tenancy",
        "user_id": msp_admin.pk,
        "tenant_content_type": ContentType.objects.get_for_model(Tenant).pk,
        "missing_path": "zz-missing/", "milestone": milestone.pk, **objects,
        "outsider_username": outsider.username, "outsider_email": outsider.email,
        "outsider_id": outsider.pk, "other_directory_id": "99999999-8888-4777-a666-555555555555",
        "other_client_id": "11111111-2222-3333-4444-555555555555",
        "bad_token": "no-such-invitation-token",
    }
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        samples[f"admin:{model._meta.label_lower}"] = first if first is not None else 0
    users = {"anonymous": None, "msp_admin": msp_admin, "alice": alice, "hana": hana,
             "victor": victor, "bob": bob, "charlie": charlie}
    return World(users=users, samples=samples, markers=MARKERS, other_slug=tenant_b.slug,
                 outsider_markers=["outsider-marker"])
