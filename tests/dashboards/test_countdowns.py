"""The header and the table say the same thing about the same milestone, at its
precision: a month-precision milestone is "end of December 2026", never a made-up day."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from readiness.dashboards.selectors import next_milestone
from readiness.milestones.models import Milestone, when_with_countdown

pytestmark = pytest.mark.django_db


def test_the_portfolio_header_and_table_agree_on_a_month_milestone(client_for, alice, tenant_a):
    today = timezone.localdate()
    Milestone.objects.filter(tenant__isnull=True).delete()
    Milestone.objects.create(key="basic-off", title="Basic off for SMTP AUTH",
                             date=date(today.year + 1, 12, 1), precision="month")
    milestone = next_milestone(tenant=None)
    expected = when_with_countdown(milestone.date, milestone.precision, today)
    assert expected.startswith(f"end of December {today.year + 1} (")
    body = client_for(alice).get("/").content.decode()
    assert body.count(expected) >= 2  # the header and Tenant A's row
    assert f"1 Dec {today.year + 1}" not in body and "weeks" not in body
