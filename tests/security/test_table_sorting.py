"""Every table in the product sorts on every orderable column, both ways, without an
error. (It lives here for the `world` fixture, which fills every table of tenant A.)"""

import importlib

import django_tables2 as tables
import pytest
from django.apps import apps
from django.urls import reverse

from readiness.connectors.tables import OnboardingTable
from readiness.dashboards.tables import PortfolioTable
from readiness.imports.tables import ReportImportTable
from readiness.ingestion.tables import IngestRunTable
from readiness.inventory.tables import MailboxTable
from readiness.milestones.tables import MilestoneTable
from readiness.notifications.tables import WebhookDeliveryTable, WebhookTable
from readiness.senders.tables import DeviceModelTable, SenderTable, TeamTicketTable, TicketTable
from readiness.tenancy.audit import audit_record
from readiness.tenancy.tables import AuditEventTable, MembershipTable

pytestmark = pytest.mark.django_db

# url name -> (the table that page shows, whether the URL takes the tenant slug)
LIST_PAGES = {
    "dashboards:portfolio": (PortfolioTable, False),
    "senders:senders": (SenderTable, True),
    "inventory:mailboxes": (MailboxTable, True),
    "senders:my_tickets": (TicketTable, False),
    "senders:tickets": (TeamTicketTable, True),
    "senders:devices": (DeviceModelTable, False),
    "imports:list": (ReportImportTable, True),
    "ingestion:history": (IngestRunTable, True),
    "notifications:webhooks": (WebhookTable, True),
    "notifications:deliveries": (WebhookDeliveryTable, True),
    "milestones:list": (MilestoneTable, False),
    "tenancy:members": (MembershipTable, True),
    "tenancy:audit": (AuditEventTable, True),
    "tenancy:audit-global": (AuditEventTable, False),
    "connectors:onboarding": (OnboardingTable, False),
}


def all_tables() -> set[type]:
    for config in apps.get_app_configs():
        if config.name.startswith(("readiness.",)):
            try:
                importlib.import_module(f"{config.name}.tables")
            except ModuleNotFoundError:
                continue
    found, todo = set(), list(tables.Table.__subclasses__())
    while todo:
        table = todo.pop()
        found.add(table)
        todo.extend(table.__subclasses__())
    return {t for t in found if t.__module__.startswith(("readiness.",))}


def test_every_table_of_the_product_is_listed_here():
    assert all_tables() <= {table for table, _ in LIST_PAGES.values()}


def sortable_columns(table_class) -> list[str]:
    # None means "as the table says", which is orderable unless Meta turns it off.
    return [name for name, column in table_class.base_columns.items()
            if column.orderable is not False and name != "select"]


@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_every_column_sorts_both_ways(name, world, client_for, msp_admin, tenant_a):
    audit_record(actor=msp_admin, tenant=tenant_a, action="test.sorting")  # a row to sort
    table_class, tenant_url = LIST_PAGES[name]
    url = reverse(name, args=[world.samples["slug"]] if tenant_url else [])
    client = client_for(msp_admin)
    columns = sortable_columns(table_class)
    assert columns, f"{name}: no sortable column"
    for column in columns:
        for sort in (column, f"-{column}"):
            response = client.get(url, {"sort": sort})
            assert response.status_code == 200, f"{name} ?sort={sort}"
            assert b"<table" in response.content, f"{name} ?sort={sort}"
