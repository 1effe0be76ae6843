"""An import is followed like an ingest: the workflow pass, then the dashboard rollups."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from readiness.imports.services import report_import
from readiness.senders.models import Sender
from readiness.usage.models import SenderRollup
from tests.factories import SenderFactory
from tests.imports.helpers import build_csv, detailed_row

pytestmark = pytest.mark.django_db(transaction=True)  # the follow-up runs on commit


def test_basic_mail_in_an_import_regresses_a_migrated_sender(tenant_a, write_file):
    migrated_at = timezone.now() - timedelta(days=5)
    sender = SenderFactory(tenant=tenant_a, address="skener2@contoso.cz", status="migrated",
                           status_changed_at=migrated_at)
    yesterday = (datetime.now(tz=UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = write_file(build_csv([detailed_row(1, date=yesterday, message_count="4")]))

    report_import(tenant=tenant_a, path=path)

    sender = Sender.objects.get(pk=sender.pk)
    assert sender.status == "regressed"
    assert SenderRollup.objects.get(sender=sender).basic_messages_30d == 4
