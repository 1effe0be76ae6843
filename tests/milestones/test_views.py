from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from readiness.milestones.models import Milestone, precision_label
from readiness.tenancy.models import AuditEvent
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "precision", "label"), [
    ("en-gb", "day", "31 Dec 2026"), ("en-gb", "month", "end of December 2026"),
    ("en-gb", "half-year", "second half of 2027"),
    ("cs", "day", "31. prosince 2026"), ("cs", "month", "konec prosince 2026"),
    ("cs", "half-year", "2. pololetí 2027"),
])
def test_precision_is_shown_honestly(language, precision, label):
    """A month-precision milestone never gets an invented day, in either language."""
    day = date(2027, 7, 1) if precision == "half-year" else date(2026, 12, 31)
    with translation.override(language):
        assert precision_label(day, precision) == label


def test_everyone_signed_in_sees_the_list_and_its_export(client_for, victor):
    client = client_for(victor)
    body = client.get(reverse("milestones:list")).content.decode()
    assert "second half of 2027" in body and "December 2026" in body
    assert "Add a Microsoft milestone" not in body
    csv = client.get(reverse("milestones:list"), {"_export": "csv"}).content.decode()
    assert "default" in csv.lower()


def test_the_list_hides_other_tenants_targets(client_for, alice, tenant_b):
    MilestoneFactory(tenant=tenant_b, kind="internal", title="Secret B target")
    body = client_for(alice).get(reverse("milestones:list")).content.decode()
    assert "Secret B target" not in body


def test_anonymous_is_sent_to_login(client_for):
    assert client_for(None).get(reverse("milestones:list")).status_code == 302


def test_only_msp_admins_edit_microsofts_milestones(client_for, alice, msp_admin):
    data = {"key": "new-step", "title": "A new step", "date": "2027-03-01", "precision": "month",
            "kind": "deadline", "status": "announced", "source": "https://example.test/x",
            "as_of": "2026-11-29"}
    assert client_for(alice).post(reverse("milestones:add"), data).status_code == 403
    response = client_for(msp_admin).post(reverse("milestones:add"), data)
    assert response.status_code == 302
    milestone = Milestone.objects.get(key="new-step")
    event = AuditEvent.objects.get(action="milestone.create")
    assert event.after["title"] == "A new step" and event.actor == msp_admin
    edit = {**data, "title": "Renamed"}
    client_for(msp_admin).post(reverse("milestones:edit", args=[milestone.pk]), edit)
    update = AuditEvent.objects.get(action="milestone.update")
    assert (update.before["title"], update.after["title"]) == ("A new step", "Renamed")


def test_retiring_marks_it_cancelled_and_audits(client_for, msp_admin):
    milestone = MilestoneFactory()
    client_for(msp_admin).post(reverse("milestones:retire", args=[milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.status == "superseded"
    assert AuditEvent.objects.filter(action="milestone.retire").exists()


def test_a_manager_adds_an_internal_target_that_shows_on_the_charts(client_for, alice, tenant_a):
    url = reverse("milestones:tenant", kwargs={"slug": tenant_a.slug})
    response = client_for(alice).post(url, {"title": "Printers done", "date": "2026-12-15",
                                            "precision": "day"})
    assert response.status_code == 302
    target = Milestone.objects.get(tenant=tenant_a)
    assert (target.kind, target.status) == ("internal", "expected")
    assert AuditEvent.objects.filter(action="milestone.create", tenant=tenant_a).exists()
    overview = client_for(alice).get(reverse("dashboards:tenant", kwargs={"slug": tenant_a.slug}))
    assert "our target: Printers done" in overview.content.decode()


def test_a_viewer_cannot_add_targets_and_an_outsider_cannot_see_them(client_for, victor, bob,
                                                                     tenant_a):
    url = reverse("milestones:tenant", kwargs={"slug": tenant_a.slug})
    assert client_for(victor).get(url).status_code == 200
    assert client_for(victor).post(url, {"title": "x", "date": "2026-12-15",
                                         "precision": "day"}).status_code == 403
    assert client_for(bob).get(url).status_code == 404


def test_a_target_of_another_tenant_cannot_be_retired(client_for, alice, tenant_a, tenant_b):
    foreign = MilestoneFactory(tenant=tenant_b, kind="internal")
    url = reverse("milestones:tenant-retire", kwargs={"slug": tenant_a.slug, "pk": foreign.pk})
    assert client_for(alice).post(url).status_code == 404


def test_a_tenant_manager_cannot_retire_microsofts_milestone_through_the_target_page(
        client_for, alice, tenant_a):
    microsoft = MilestoneFactory(tenant=None)
    url = reverse("milestones:tenant-retire", kwargs={"slug": tenant_a.slug, "pk": microsoft.pk})
    assert client_for(alice).post(url).status_code == 404
    microsoft.refresh_from_db()
    assert not microsoft.is_superseded


def test_an_msp_admin_edits_a_milestone_in_the_admin_and_it_is_audited(client_for, msp_admin):
    from readiness.milestones.models import Milestone
    from readiness.tenancy.models import AuditEvent

    milestone = Milestone.objects.get(key="default-off-existing")
    url = reverse("admin:milestones_milestone_change", args=[milestone.pk])
    data = {"key": milestone.key, "date": "2027-01-31", "precision": "month",
            "kind": milestone.kind, "status": milestone.status, "title": milestone.title,
            "source": milestone.source, "as_of": "2026-11-29"}
    response = client_for(msp_admin).post(url, data)
    assert response.status_code == 302, response.content[:500]
    milestone.refresh_from_db()
    assert milestone.date.isoformat() == "2027-01-31"
    event = AuditEvent.objects.get(action="milestone.update", object_id=str(milestone.pk))
    assert event.source == "admin" and event.after["date"] == "2027-01-31"


@pytest.mark.parametrize(("day", "precision", "today", "text"), [
    (date(2026, 12, 31), "month", date(2026, 12, 1), "end of December 2026 (this month)"),
    (date(2026, 12, 1), "month", date(2026, 10, 20), "end of December 2026 (2 months left)"),
    (date(2026, 12, 31), "day", date(2026, 12, 1), "31 Dec 2026 (30 days left)"),
    (date(2026, 12, 2), "day", date(2026, 12, 1), "2 Dec 2026 (1 day left)"),
    (date(2026, 11, 30), "month", date(2026, 12, 1), "end of November 2026 (passed)"),
    (date(2027, 7, 1), "half-year", date(2026, 12, 1),
     "second half of 2027 (about 12 months left)"),
])
def test_countdowns_respect_the_milestones_precision(day, precision, today, text):
    from readiness.milestones.models import when_with_countdown

    assert when_with_countdown(day, precision, today) == text
