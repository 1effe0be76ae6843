import django_tables2 as tables

from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant


class PortfolioTable(tables.Table):
    name = tables.LinkColumn("dashboards:tenant", args=[tables.A("slug")])
    basic_messages_7d = tables.Column("Basic messages (7 days)")

    class Meta:
        model = Tenant
        fields = ("name", "primary_domain", "basic_messages_7d")
        order_by = ("name",)


class SenderTable(tables.Table):
    address = tables.Column()
    mailbox_state = tables.Column("Mailbox state", accessor="mailbox__effective_state",
                                  default="no mailbox")
    basic_messages_30d = tables.Column("Basic (30 d)", default=0)
    oauth_messages_30d = tables.Column("OAuth (30 d)", default=0)
    basic_signins_30d = tables.Column("Basic sign-ins (30 d)", default=0)

    class Meta:
        model = Sender
        fields = ("address", "display_name", "mailbox_state", "last_basic_day",
                  "basic_messages_30d", "oauth_messages_30d", "basic_signins_30d", "status")
        order_by = ("-basic_messages_30d",)
