"""The device catalogue (issue 12, item 9): the shared vendor statements are its initial
data (frozen in a data migration), each with its source and review date; generic
entries are only the fallback; an owner links a sender to a model and the sender page
shows that model's OAuth support and steps."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from django.urls import reverse

from readiness.senders.models import DeviceModel, Sender

DATA = Path(__file__).resolve().parents[2] / "readiness" / "senders" / "data" / "devices.json"
SHARED = Path("/work/shared/reference/devices.json")
MIGRATION = importlib.import_module(
    "readiness.senders.migrations.0003_device_catalogue_evidence")


def _entries() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))["entries"]


def test_the_migration_froze_exactly_the_files_entries():
    frozen = [{"vendor": v, "product": p, "device_type": t, "status": s, "min_version": m,
               "flow": f, "models": list(n), "evidence": u, "note": note}
              for v, p, t, s, m, f, n, u, note in MIGRATION.ENTRIES]
    assert frozen == _entries()


@pytest.mark.skipif(not SHARED.exists(), reason="the team's shared reference is not here")
def test_the_repository_copy_is_the_shared_reference():
    assert json.loads(DATA.read_text()) == json.loads(SHARED.read_text())


@pytest.mark.django_db
def test_the_catalogue_holds_every_shared_entry_with_its_source_and_review_date():
    reviewed = json.loads(DATA.read_text())["reviewed"]
    for entry in _entries():
        device = DeviceModel.objects.get(vendor=entry["vendor"], model=entry["product"])
        assert device.evidence_url == entry["evidence"]
        assert device.reviewed_on.isoformat() == reviewed
        assert device.models_covered == entry["models"] and not device.is_generic
    # none-planned and unsupported: a relay; "available from a version": a firmware update.
    assert DeviceModel.objects.get(model="LaserJet Pro M478-M479, M428-M429f"
                                   ).oauth_support == "no"
    assert DeviceModel.objects.get(model__startswith="ineo and ineo+").oauth_support == "no"
    futuresmart = DeviceModel.objects.get(vendor="HP", model__startswith="Enterprise")
    assert (futuresmart.oauth_support, futuresmart.min_version) == ("firmware",
                                                                     "FutureSmart 5.7")
    assert DeviceModel.objects.get(vendor="Ricoh").oauth_support == "check"
    # The generic entries remain, marked as the fallback and listed last.
    generic = DeviceModel.objects.filter(vendor="Generic")
    assert generic.exists() and all(d.is_generic for d in generic)
    assert list(DeviceModel.objects.all())[-1].is_generic


@pytest.mark.django_db
def test_an_owner_links_a_sender_and_its_page_shows_the_models_oauth_support_and_steps(
        tenant_a, alice, client_for):
    sender = Sender.objects.create(tenant=tenant_a, address="scan@a.example")
    lexmark = DeviceModel.objects.get(vendor="Lexmark")
    client = client_for(alice)
    form = client.get(reverse("senders:ownership", args=[tenant_a.slug, sender.pk]))
    assert "Lexmark printers and MFPs (eSF) — OAuth: With a firmware update" in (
        form.content.decode())
    response = client.post(reverse("senders:ownership", args=[tenant_a.slug, sender.pk]),
                           {"device_model": lexmark.pk, "device_type": "printer"})
    assert response.status_code == 302
    sender.refresh_from_db()
    assert sender.device_model == lexmark
    page = client.get(reverse("senders:sender", args=[tenant_a.slug, sender.pk]))
    panel = page.content.decode().split('id="device-catalogue"')[1].split("</dd>")[0]
    assert "With a firmware update" in panel and "from FW24" in panel
    assert "device code" in panel and "Update the firmware or software to FW24" in panel
    assert lexmark.evidence_url in panel and "reviewed 2026-12-01" in panel


@pytest.mark.django_db
def test_an_unsupported_model_says_relay_and_a_generic_one_says_it_has_no_statement(
        tenant_a, alice, client_for):
    qnap = DeviceModel.objects.get(vendor="QNAP")
    generic = DeviceModel.objects.filter(is_generic=True).first()
    client = client_for(alice)
    for device, words in ((qnap, "will not do OAuth"), (generic, "No vendor statement")):
        sender = Sender.objects.create(tenant=tenant_a, address=f"{device.pk}@a.example",
                                       device_model=device)
        body = client.get(reverse("senders:sender", args=[tenant_a.slug, sender.pk])
                          ).content.decode()
        assert words in body


@pytest.mark.django_db
def test_every_signed_in_user_reads_the_catalogue_with_sources_and_can_search_it(
        charlie, client_for):
    client = client_for(charlie)
    body = client.get(reverse("senders:devices")).content.decode()
    assert body.count("vendor statement</a>") == len(_entries())
    searched = client.get(reverse("senders:devices"), {"q": "Synology"}).content.decode()
    assert "DSM 7" in searched and "Xerox" not in searched
    export = client.get(reverse("senders:devices"), {"_export": "csv"}).content.decode()
    assert "https://www.xerox.com/" in export and "2026-12-01" in export
