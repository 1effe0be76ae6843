from datetime import date

import pytest

from readiness.usage.models import ClientObservation
from readiness.usage.services import observations_upsert, senders_ensure

pytestmark = pytest.mark.django_db


def _read(tenant, rows):
    ids = senders_ensure(tenant=tenant, addresses=[r["sender"] for r in rows])
    observations_upsert(tenant=tenant, source="detailed_report", sender_ids=ids, rows=rows)


def test_a_later_read_widens_the_window_and_its_totals_win(tenant_a):
    row = {"sender": "scan@a.example", "client_ip": "203.0.113.5", "tls_version": "TLS1_0"}
    _read(tenant_a, [{**row, "day": date(2026, 11, 10), "messages": 5}])
    _read(tenant_a, [{**row, "day": date(2026, 11, 20), "messages": 3},
                     {**row, "day": date(2026, 11, 12), "messages": 4}])
    _read(tenant_a, [{**row, "day": date(2026, 11, 15), "messages": 2}])
    obs = ClientObservation.objects.get(tenant=tenant_a)
    assert (obs.first_day, obs.last_day, obs.messages) == (
        date(2026, 11, 10), date(2026, 11, 20), 2)


def test_rows_without_ip_or_tls_leave_no_observation(tenant_a):
    _read(tenant_a, [{"sender": "app@a.example", "day": date(2026, 11, 1), "messages": 1}])
    assert not ClientObservation.objects.exists()
