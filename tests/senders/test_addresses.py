"""Issue 10, finding 6: one address rule everywhere, and every stored sender editable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from readiness.core.addresses import AddressFormField
from readiness.core.values import BadAddress, address_normalize
from readiness.imports import services as imports
from readiness.senders.models import Sender
from tests.factories import SenderFactory
from tests.imports.helpers import build_csv, detailed_row

EXCHANGE_ALLOWS = ["účetní@fabrikam.example", "scan_01@dept_a.example",
                   "first.last+tag@contoso.cz", "o'brien@northwind.example",
                   "ñandú@münchen.example", "x@sub-1.a.example"]
HOSTILE = ["evil\u202egnp.exe@contoso.example", "a\u200bb@contoso.example",
           "<script>alert(1)</script>@x.example", "a b@x.example", "a@b@x.example",
           "\"quoted\"@x.example", "a..b@x.example", ".a@x.example", "a@x", "a@-x.example",
           "a@x..example", "a\n@x.example", "=cmd|' /C calc'!A0@x.example".replace("|", ";"),
           "x" * 65 + "@x.example", "a@" + "b" * 64 + ".example", "@x.example", "a@"]


@pytest.mark.parametrize("address", EXCHANGE_ALLOWS)
def test_the_rule_accepts_what_exchange_stores(address):
    assert address_normalize(address.upper()) == address.upper().lower()


@pytest.mark.parametrize("address", HOSTILE)
def test_the_rule_refuses_hostile_strings(address):
    with pytest.raises(BadAddress):
        address_normalize(address)
    with pytest.raises(ValidationError):
        AddressFormField().clean(address)


@pytest.fixture
def upload_dirs(settings, tmp_path):
    settings.REPORT_UPLOAD_DIR = tmp_path / "uploads"
    settings.REPORT_INBOX_DIR = tmp_path / "inbox"


def _import(tenant, tmp_path, senders):
    path = tmp_path / "report.csv"
    path.write_bytes(build_csv([detailed_row(n, senderName=s) for n, s in enumerate(senders)]))
    return imports.report_import(tenant=tenant, path=path)


def test_imported_senders_exchange_allows_are_editable_and_bulk_editable(
        client_for, hana, tenant_a, tmp_path, upload_dirs):
    _import(tenant_a, tmp_path, ["účetní@fabrikam.example", "scan_01@dept_a.example"])
    senders = list(Sender.objects.for_tenant(tenant_a).order_by("address"))
    assert [s.address for s in senders] == ["scan_01@dept_a.example", "účetní@fabrikam.example"]
    client = client_for(hana)
    for sender in senders:
        response = client.post(reverse("senders:ownership", args=[tenant_a.slug, sender.pk]), {
            "owner_name": "Účetní oddělení", "owner_email": "účetní@fabrikam.example",
            "team": "Finance", "device_type": "printer", "migration_path": "",
            "vendor": "", "model": "", "notes": "", "device_model": ""})
        assert response.status_code == 302, response.content[:500]
    response = client.post(reverse("senders:bulk", args=[tenant_a.slug]), {
        "action": "set_owner", "owner_name": "Scan team",
        "owner_email": "scan_01@dept_a.example", "sender_ids": [s.pk for s in senders]})
    assert response.status_code == 302
    assert set(Sender.objects.values_list("owner_email", flat=True)) == {
        "scan_01@dept_a.example"}


def test_a_sender_stored_before_the_rule_is_still_editable(client_for, hana, tenant_a):
    # Stored by an older version (or straight into the database): the form never
    # validates the address it does not show, and bulk actions do not either.
    legacy = SenderFactory(tenant=tenant_a, address="odd address@x")
    response = client_for(hana).post(
        reverse("senders:ownership", args=[tenant_a.slug, legacy.pk]), {
            "team": "Facilities", "device_type": "printer", "migration_path": "",
            "owner_name": "", "owner_email": "", "vendor": "", "model": "", "notes": "",
            "device_model": ""})
    assert response.status_code == 302
    client_for(hana).post(reverse("senders:bulk", args=[tenant_a.slug]), {
        "action": "set_team", "team": "Finance", "sender_ids": [legacy.pk]})
    assert Sender.objects.get(pk=legacy.pk).team == "Finance"


def test_a_bad_owner_email_is_a_form_error_not_a_500(client_for, hana, tenant_a):
    sender = SenderFactory(tenant=tenant_a, address="printer@a.example")
    response = client_for(hana).post(
        reverse("senders:ownership", args=[tenant_a.slug, sender.pk]), {
            "owner_email": "boss\u202e@a.example", "device_type": "printer",
            "migration_path": "", "device_model": ""})
    assert response.status_code == 200 and "valid e-mail address" in response.content.decode()
    assert Sender.objects.get(pk=sender.pk).owner_email == ""


@pytest.mark.parametrize("hostile", ["evil\u202egnp.exe", "a b", "<b>x</b>", "a\u200bb"])
def test_the_importer_refuses_hostile_senders_with_line_and_column(tenant_a, tmp_path,
                                                                   upload_dirs, hostile):
    with pytest.raises(imports.ReportRejected) as caught:
        _import(tenant_a, tmp_path, ["ok@contoso.cz", hostile])
    assert (caught.value.line, caught.value.column) == (3, "senderName")
    assert "is not an e-mail address" in caught.value.message
    assert not Sender.objects.exists()
