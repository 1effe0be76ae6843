"""The demo universe's usage as the files the Exchange admin center produces.

seed_demo imports these through the real importer, exactly as an administrator's
downloads would arrive: the detailed "Request report" (UTF-16 LE with BOM, CRLF, quoted,
one row per message batch) for the recent days, and an on-screen Export (UTF-8 with
BOM, per-sender totals, no dates) for the older days.
"""

from __future__ import annotations

import codecs
import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

from readiness.demo.generator import DemoTenant, DemoUsage

DETAILED_COLUMNS = ["date", "senderName", "senderDomain", "authMethod", "original_client_ip",
                    "tls_version", "tls_cipher", "message_count", "message_id"]
EXPORT_COLUMNS = ["Sender address", "Domain", "TLS 1.0", "TLS 1.1", "TLS 1.2",
                  "Messages sent", "Authentication protocol"]
CIPHERS = {"TLS1_0": "TLS_RSA_WITH_AES_128_CBC_SHA",
           "TLS1_2": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}
BATCH = 25  # messages per row: real files have one row per message; this keeps them small


def detailed_report_write(*, demo: DemoTenant, start: date, folder: Path) -> Path:
    path = folder / f"SmtpCSReport_Custom Report - SmtpCSReport - {demo.today}_{demo.slug}.csv"
    rows = [row for usage in demo.usage() if usage.day >= start for row in _detailed(usage)]
    _write(path, DETAILED_COLUMNS, rows, encoding="utf-16-le", bom=codecs.BOM_UTF16_LE)
    return path


def _detailed(usage: DemoUsage):
    local, domain = usage.sender.split("@")
    for n, first in enumerate(range(0, usage.messages, BATCH)):
        count = min(BATCH, usage.messages - first)
        yield [f"{usage.day.isoformat()}T{6 + n % 12:02d}:{n % 60:02d}:00.0000000Z", local,
               domain, "Basic" if usage.auth_method == "basic" else "OAuth", usage.client_ip,
               usage.tls_version, CIPHERS.get(usage.tls_version, ""), str(count),
               f"<{usage.day:%Y%m%d}.{n}.{local}@{domain}>"]


def export_write(*, demo: DemoTenant, start: date, end: date, folder: Path) -> Path:
    """Per sender and protocol over [start, end], as the on-screen report exports it."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    tls: dict[str, str] = {}
    for usage in demo.usage():
        if start <= usage.day <= end:
            totals[(usage.sender, usage.auth_method)] += usage.messages
            tls[usage.sender] = usage.tls_version
    rows = [[sender, sender.split("@")[1], *_tls_shares(tls[sender]), str(count),
             "Basic" if method == "basic" else "OAuth"]
            for (sender, method), count in sorted(totals.items())]
    path = folder / f"smtp-auth-clients-export_{demo.slug}_{start}_{end}.csv"
    _write(path, EXPORT_COLUMNS, rows, encoding="utf-8-sig")
    return path


def _tls_shares(version: str) -> list[str]:
    return ["100%", "0%", "0%"] if version == "TLS1_0" else ["0%", "0%", "100%"]


def _write(path: Path, header: list[str], rows: list[list[str]], *, encoding: str,
           bom: bytes = b"") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bom)
    with path.open("a", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
