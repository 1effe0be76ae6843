"""Generated detailed-report files ("SmtpCSReport_*.csv", UTF-16 LE, BOM, CRLF, quoted),
in the two shapes the import benchmark measures:

* ``simple``: the historical bench file, 6 senders on a handful of client IPs and two
  TLS versions: few distinct facts, so it mostly measures parsing and staging.
* ``highcard``: a large real tenant: 3,000 senders, each submitting from its own pool of
  client IPs (1 to 300, skewed like cloud apps: most senders have few, some have
  hundreds), four TLS versions, rows spread over the 90 days ending two days ago.
  The number of distinct (sender, client IP, TLS, day) combinations, not the rows,
  drives the cost of the derived facts, and this shape has hundreds of thousands.

Deterministic (fixed seed), so two runs measure the same file.
"""

from __future__ import annotations

import codecs
import random
from datetime import date, timedelta
from pathlib import Path

HEADER = (
    '"date","senderName","senderDomain","authMethod","original_client_ip",'
    '"tls_version","tls_cipher","message_count","message_id"\r\n'
)
TLS = [
    ("TLS1_2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    ("TLS1_3", "TLS_AES_256_GCM_SHA384"),
    ("TLS1_0", "TLS_RSA_WITH_AES_128_CBC_SHA"),
    ("TLS1_1", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
]
TLS_WEIGHTS = [60, 20, 15, 5]
BATCH = 10_000


def generate(path: Path, rows: int, shape: str = "highcard", *, senders: int = 3_000,
             max_ips: int = 300, days: int = 90, end: date | None = None) -> None:
    if shape == "simple":
        from bench_parse import generate as simple

        simple(path, rows)
        return
    end = end or date.today() - timedelta(days=2)
    day_names = [(end - timedelta(days=days - 1 - n)).isoformat() for n in range(days)]
    rng = random.Random(14)
    # Skewed pool sizes: a quarter of the senders carry big IP pools (cloud apps).
    pools = [1 + int(max_ips * rng.random() ** 3) for _ in range(senders)]
    names = [f"app{n:04d}" for n in range(senders)]
    encoder = codecs.getincrementalencoder("utf-16-le")()
    tls_choices = rng.choices(range(len(TLS)), weights=TLS_WEIGHTS, k=4096)
    with open(path, "wb") as f:
        f.write(codecs.BOM_UTF16_LE + encoder.encode(HEADER))
        batch: list[str] = []
        for i in range(rows):
            s = rng.randrange(senders)
            ip = rng.randrange(pools[s])
            version, cipher = TLS[tls_choices[(i * 7 + s) & 4095]]
            method = "OAuth" if (s % 5 == 0 and i % 3) else "Basic"
            batch.append(
                f'"{day_names[rng.randrange(days)]}T{i % 24:02d}:{i % 60:02d}:{i % 59:02d}'
                f'.0000000Z","{names[s]}","contoso.example","{method}",'
                f'"10.{s >> 4}.{(s & 15) * 16 + (ip >> 8)}.{ip & 255}","{version}","{cipher}",'
                f'"{1 + i % 3}",'
                f'"<{i:08d}.{names[s]}@contoso.example>"\r\n'
            )
            if len(batch) == BATCH:
                f.write(encoder.encode("".join(batch)))
                batch.clear()
        f.write(encoder.encode("".join(batch), final=True))
