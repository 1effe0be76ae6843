"""Wrong-tenant files (issue 12, item 5): a report whose senders are mostly on another
tenant's domains stops on upload, in the preview and on the command line; it goes
through only with the explicit override, which the audit log records. The owner of the
domains is named only to someone who may see that tenant."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from readiness.imports import services
from readiness.imports.choices import ImportStatus
from readiness.imports.models import ReportImport
from readiness.senders.models import Sender
from readiness.tenancy.domains import FOREIGN, OK, UNCHECKED, domain_rule
from readiness.tenancy.models import AuditEvent, TenantDomain
from tests.factories import MembershipFactory
from tests.imports.helpers import SAMPLES, build_csv, detailed_row, snapshot

SAMPLE = SAMPLES / "SmtpCSReport_sample.csv"  # every sender is on contoso.cz


@pytest.fixture
def domains(tenant_a, tenant_b):
    """Tenant A sends from a.example; tenant B (another customer) owns contoso.cz."""
    TenantDomain.objects.create(tenant=tenant_a, name="a.example", source="graph")
    TenantDomain.objects.create(tenant=tenant_b, name="contoso.cz", source="graph")


def _upload(client, tenant, django_capture_on_commit_callbacks) -> ReportImport:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:upload", args=[tenant.slug]), {
            "file": SimpleUploadedFile("SmtpCSReport_x.csv", SAMPLE.read_bytes())})
    return ReportImport.objects.get(tenant=tenant)


def _detail(client, report) -> str:
    return client.get(reverse("imports:detail", args=[report.tenant.slug, report.pk])
                      ).content.decode()


def test_the_rule_counts_distinct_domains_and_subdomains_are_the_tenants():
    own = frozenset({"a.example"})
    assert domain_rule(["x@a.example", "y@mail.a.example"], own).status == OK
    check = domain_rule(["x@a.example", "y@b.example", "z@c.example"], own)
    assert check.status == FOREIGN and check.foreign == {"b.example": 1, "c.example": 1}
    # Half is not "most": it goes through, the foreign senders are still listed.
    assert domain_rule(["x@a.example", "y@b.example"], own).status == OK
    # No known domains: cannot check, never a block.
    assert domain_rule(["y@b.example"], frozenset()).status == UNCHECKED


def test_an_upload_of_another_tenants_file_is_stopped_and_goes_through_only_with_the_override(
        tenant_a, domains, alice, client_for, eager_celery, django_capture_on_commit_callbacks):
    client = client_for(alice)
    report = _upload(client, tenant_a, django_capture_on_commit_callbacks)
    assert report.status == ImportStatus.PREVIEW_READY
    body = _detail(client, report)
    assert "Stopped: this file looks like another tenant" in body
    assert "contoso.cz (4 senders)" in body and "allow_foreign" in body

    confirm = reverse("imports:confirm", args=[tenant_a.slug, report.pk])
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm, {}, follow=True)
    report.refresh_from_db()
    assert report.status == ImportStatus.PREVIEW_READY  # still waiting, nothing written
    assert "contoso.cz" in response.content.decode()
    after = snapshot()
    assert (after["usage"], after["senders"]) == (before["usage"], before["senders"])
    assert not AuditEvent.objects.filter(action="import.foreign_override").exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm, {"allow_foreign": "on"})
    report.refresh_from_db()
    assert report.status == ImportStatus.IMPORTED
    event = AuditEvent.objects.get(action="import.foreign_override")
    assert event.actor == alice and event.tenant == tenant_a
    assert event.after["foreign_domains"] == {"contoso.cz": 4}


def test_a_manager_of_another_customer_is_not_told_whose_domains_they_are(
        tenant_a, domains, alice, msp_admin, client_for, eager_celery,
        django_capture_on_commit_callbacks):
    report = _upload(client_for(alice), tenant_a, django_capture_on_commit_callbacks)
    # alice manages A only: B's name would leak another customer's identity.
    as_alice = _detail(client_for(alice), report)
    assert "belong to another tenant" in as_alice and "Tenant B" not in as_alice
    # The MSP admin sees every tenant: the owner is named.
    assert "belong to Tenant B" in _detail(client_for(msp_admin), report)


def test_a_member_of_both_tenants_is_told_whose_domains_they_are(
        tenant_a, tenant_b, domains, alice, client_for, eager_celery,
        django_capture_on_commit_callbacks):
    MembershipFactory(user=alice, tenant=tenant_b, role="viewer")
    report = _upload(client_for(alice), tenant_a, django_capture_on_commit_callbacks)
    assert "belong to Tenant B" in _detail(client_for(alice), report)


def test_the_command_line_stops_names_the_domains_and_imports_with_the_flag(tenant_a, domains):
    before = snapshot()
    with pytest.raises(CommandError) as stopped:
        call_command("import_smtp_report", str(SAMPLE), "--tenant", tenant_a.slug,
                     stdout=StringIO())
    assert stopped.value.returncode == 2
    assert "contoso.cz (4 senders)" in str(stopped.value)
    assert "Tenant B" in str(stopped.value)  # the operator of the CLI sees everything
    assert snapshot()["usage"] == before["usage"] and not ReportImport.objects.exists()

    out = StringIO()
    call_command("import_smtp_report", str(SAMPLE), "--tenant", tenant_a.slug,
                 "--allow-foreign-domains", stdout=out)
    assert "Imported" in out.getvalue()
    event = AuditEvent.objects.get(action="import.foreign_override")
    assert event.source == "cli" and event.after["foreign_domains"] == {"contoso.cz": 4}


def test_a_tenant_without_known_domains_says_it_cannot_check_and_does_not_block(
        tenant_a, alice, client_for, eager_celery, django_capture_on_commit_callbacks):
    report = _upload(client_for(alice), tenant_a, django_capture_on_commit_callbacks)
    assert "cannot be checked" in _detail(client_for(alice), report)
    out = StringIO()
    report.delete()
    call_command("import_smtp_report", str(SAMPLE), "--tenant", tenant_a.slug, "--dry-run",
                 stdout=out)
    assert "cannot be checked" in out.getvalue()


def test_the_drop_folder_path_stops_a_foreign_file_too(tenant_a, domains):
    with pytest.raises(services.ForeignFile):
        services.report_import(tenant=tenant_a, path=SAMPLE, channel="inbox")


def test_a_mostly_own_file_goes_through_and_its_foreign_sender_gets_no_mailbox_script(
        tenant_a, domains, alice, client_for):
    data = build_csv([detailed_row(1, senderName="scan", senderDomain="a.example"),
                      detailed_row(2, senderName="erp", senderDomain="a.example"),
                      detailed_row(3, senderName="copier", senderDomain="sub.a.example"),
                      detailed_row(4, senderName="stray", senderDomain="contoso.cz")])
    path = SAMPLES.parent / "mostly-own.csv"
    path.write_bytes(data)
    try:
        services.report_import(tenant=tenant_a, path=path, actor=alice)
    finally:
        path.unlink()
    stray = Sender.objects.get(tenant=tenant_a, address="stray@contoso.cz")
    own = Sender.objects.get(tenant=tenant_a, address="scan@a.example")
    for sender in (stray, own):
        sender.migration_path = "graph_sendmail"
        sender.save()
    client = client_for(alice)
    stray_page = client.get(reverse("senders:sender", args=[tenant_a.slug, stray.pk]))
    assert "Foreign domain." in stray_page.content.decode()
    assert "Set-CASMailbox" not in stray_page.content.decode()
    own_page = client.get(reverse("senders:sender", args=[tenant_a.slug, own.pk]))
    assert "Set-CASMailbox" in own_page.content.decode()
    listing = client.get(reverse("senders:senders", args=[tenant_a.slug])).content.decode()
    assert listing.count("foreign domain</span>") == 1


def test_a_file_naming_many_foreign_domains_gets_a_bounded_message():
    from readiness.tenancy.domains import domain_check_message

    check = domain_rule([f"x@d{n}.example" for n in range(500)], frozenset({"a.example"}))
    message = domain_check_message(check, [])
    assert "and 490 more" in message and len(message) < 1000
