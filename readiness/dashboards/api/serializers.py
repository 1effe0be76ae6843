from __future__ import annotations

from rest_framework import serializers

from readiness.tenancy.models import Tenant
from readiness.usage.charts import REPORT_SOURCES
from readiness.usage.models import TenantDay


class TenantSerializer(serializers.ModelSerializer):
    readiness_state = serializers.CharField()
    score = serializers.IntegerField(source="usage_rollup.score", default=None)
    basic_senders_30d = serializers.IntegerField(source="usage_rollup.basic_senders_30d",
                                                 default=None)
    basic_messages_7d = serializers.IntegerField(source="usage_rollup.basic_messages_7d",
                                                 default=None)
    mailboxes_basic_possible = serializers.IntegerField(
        source="usage_rollup.mailboxes_basic_possible", default=None)
    connection_health = serializers.CharField(source="connection.health", default="never")

    class Meta:
        model = Tenant
        fields = ["slug", "name", "primary_domain", "readiness_state", "score",
                  "basic_senders_30d", "basic_messages_7d", "mailboxes_basic_possible",
                  "connection_health"]


class UsageDaySerializer(serializers.ModelSerializer):
    sources = serializers.SerializerMethodField()

    class Meta:
        model = TenantDay
        fields = ["day", "basic_messages", "oauth_messages", "unknown_messages",
                  "basic_signins", "failed_signins", "basic_senders", "sources"]

    def get_sources(self, row) -> list[str]:
        return [s for s in row.sources.split(",") if s]

    def to_representation(self, row):
        """A figure no source of its kind covered is null ("no data"), never 0: messages
        need a report, sign-ins the sign-in log. `estimated`: the day's messages come
        only from an Export spread evenly over its period. A day no source covered at
        all has no row."""
        data = super().to_representation(row)
        sources = set(data["sources"])
        reports = bool(sources & REPORT_SOURCES)
        for key in ("basic_messages", "oauth_messages", "unknown_messages"):
            data[key] = data[key] if reports else None
        for key in ("basic_signins", "failed_signins"):
            data[key] = data[key] if "signins" in sources else None
        data["estimated"] = reports and "detailed_report" not in sources
        return data
