"""Report file builders and a snapshot of everything an import may write (to prove a
rejection wrote nothing)."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from readiness.imports.models import ExportAggregate, ReportImport, ReportMessage
from readiness.senders.models import Sender
from readiness.tenancy.models import AuditEvent
from readiness.usage.models import ClientObservation, DailyUsage

SAMPLES = Path(__file__).parent / "samples"
DETAILED_HEADER = ["date", "senderName", "senderDomain", "authMethod", "original_client_ip",
                   "tls_version", "tls_cipher", "message_count", "message_id"]
EXPORT_HEADER = ["Sender address", "Domain", "TLS 1.0", "TLS 1.1", "TLS 1.2", "Messages sent",
                 "Authentication protocol"]
CIPHER = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)  # "utf-8-sig" writes the BOM, "utf-8" does not


def detailed_row(n: int = 1, **cells) -> dict:
    row = {"date": "2026-11-18T06:01:12.0000000Z", "senderName": "skener2",
           "senderDomain": "contoso.cz", "authMethod": "Basic",
           "original_client_ip": "203.0.113.25", "tls_version": "TLS1_2", "tls_cipher": CIPHER,
           "message_count": "1", "message_id": f"<m{n}@contoso.cz>"}
    row.update(cells)
    return row


def build_csv(rows: list[dict], *, header: list[str] | None = None, encoding: str = "utf-8",
              delimiter: str = ",", newline: str = "\r\n", quote_all: bool = False) -> bytes:
    header = header or list(rows[0].keys()) if rows else (header or DETAILED_HEADER)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([[row.get(h, "") for h in header] for row in rows])
    return encode(buffer.getvalue(), encoding)


def snapshot() -> dict:
    """Counts (and usage totals) of every table an import writes."""
    return {
        "imports": ReportImport.objects.count(),
        "messages": ReportMessage.objects.count(),
        "aggregates": ExportAggregate.objects.count(),
        "usage": list(DailyUsage.objects.order_by("pk").values_list(
            "sender_id", "day", "auth_method", "source", "messages")),
        "observations": ClientObservation.objects.count(),
        "senders": Sender.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def usage_of(tenant, source: str | None = None) -> dict:
    """{(address, day iso, method): messages} of a tenant's facts."""
    qs = DailyUsage.objects.for_tenant(tenant)
    if source:
        qs = qs.filter(source=source)
    return {(u.sender.address, u.day.isoformat(), u.auth_method): u.messages
            for u in qs.select_related("sender")}
