"""Faults are visible: the ingest history page counts retries, faults, skips and
sweeps; /healthz turns 503 when beat or the workers stall; a stale customer is shown as
stale on the portfolio, never as an outage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestRun, IngestSchedule
from readiness.ingestion.signals import BEAT_PUBLISHED_KEY, WORKER_CONSUMED_KEY

pytestmark = pytest.mark.django_db


def _runs(tenant):
    IngestRun.objects.create(tenant=tenant, source="signins", status=RunStatus.OK,
                             counts={"retries": 3, "faults": {"HTTP 429": 2,
                                                              "token endpoint 503": 1}})
    IngestRun.objects.create(tenant=tenant, source="signins", status=RunStatus.SKIPPED,
                             error="Another ingest of this tenant and source is running.")
    IngestRun.objects.create(tenant=tenant, source="exchange", status=RunStatus.ERRORED,
                             counts={"swept": 1}, error="Worker lost: no heartbeat")


def test_the_history_page_shows_every_retry_fault_skip_and_sweep(client_for, alice,
                                                                 tenant_a, tenant_b):
    _runs(tenant_a)
    IngestRun.objects.create(tenant=tenant_b, source="signins", status=RunStatus.OK,
                             counts={"retries": 9, "faults": {"<b>HTTP 503</b>": 9}})
    page = client_for(alice).get(reverse("ingestion:history", args=[tenant_a.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-total="retries">3<' in html and 'data-total="skipped">1<' in html
    assert 'data-total="swept">1<' in html
    assert "HTTP 429: 2" in html and "token endpoint 503: 1" in html
    assert "Worker lost" in html and "HTTP 503" not in html  # tenant B's runs stay out


def test_another_tenants_history_is_a_404(client_for, bob, tenant_a):
    response = client_for(bob).get(reverse("ingestion:history", args=[tenant_a.slug]))
    assert response.status_code == 404


def test_an_empty_history_says_so(client_for, alice, tenant_a):
    page = client_for(alice).get(reverse("ingestion:history", args=[tenant_a.slug]))
    assert "No ingest has run for this tenant yet." in page.content.decode()


def _stamp(key, seconds_ago):
    cache.set(key, (timezone.now() - timedelta(seconds=seconds_ago)).isoformat(), None)


@pytest.fixture
def clean_stamps():
    keys = (BEAT_PUBLISHED_KEY, BEAT_PUBLISHED_KEY + ":first", WORKER_CONSUMED_KEY)
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def test_healthz_is_unhealthy_when_beat_has_not_ticked_for_three_minutes(client, clean_stamps):
    assert client.get("/healthz").status_code == 200  # never ticked yet: a fresh start
    _stamp(BEAT_PUBLISHED_KEY, 60)
    _stamp(WORKER_CONSUMED_KEY, 50)
    assert client.get("/healthz").status_code == 200
    _stamp(BEAT_PUBLISHED_KEY, 200)
    report = client.get("/healthz")
    assert report.status_code == 503 and report.json()["beat"]["ok"] is False


def test_healthz_is_unhealthy_when_workers_stop_consuming(client, clean_stamps):
    _stamp(BEAT_PUBLISHED_KEY, 10)
    _stamp(WORKER_CONSUMED_KEY, 400)
    report = client.get("/healthz")
    assert report.status_code == 503 and report.json()["workers"]["ok"] is False
    _stamp(BEAT_PUBLISHED_KEY + ":first", 400)
    cache.delete(WORKER_CONSUMED_KEY)  # beat sends for 400 s, nobody ever consumed
    assert client.get("/healthz").status_code == 503


def test_beat_and_workers_stamp_their_liveness_through_celery_signals(clean_stamps):
    from celery.signals import before_task_publish, task_prerun

    before_task_publish.send(sender="ingestion.dispatch", body=None, exchange="",
                             routing_key="", headers={}, properties={}, declare=[],
                             retry_policy=None)
    task_prerun.send(sender=None, task_id="x", task=None, args=(), kwargs={})
    assert cache.get(BEAT_PUBLISHED_KEY) and cache.get(WORKER_CONSUMED_KEY)


def test_a_stale_customer_is_stale_on_the_portfolio_not_an_outage(client, client_for,
                                                                 msp_admin, tenant_a,
                                                                 tenant_b, clean_stamps):
    long_ago = timezone.now() - timedelta(days=3)
    for tenant, last in ((tenant_a, long_ago), (tenant_b, timezone.now())):
        for source in ("signins", "exchange"):
            IngestSchedule.objects.create(tenant=tenant, source=source, last_success_at=last,
                                          last_status=RunStatus.OK)
    assert client.get("/healthz").status_code == 200
    html = client_for(msp_admin).get(reverse("dashboards:portfolio")).content.decode()
    row_a = html[html.index("Tenant A"):html.index("Tenant B")]
    row_b = html[html.index("Tenant B"):]
    assert "data-stale" in row_a and "data-stale" not in row_b.split("</tr>")[0]
