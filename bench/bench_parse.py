"""Benchmark the SMTP AUTH report parser on a generated 1,000,000-row detailed report.

Usage: python bench/bench_parse.py [--rows N] [--keep DIR]

Writes a UTF-16 LE (BOM, CRLF, quoted) file shaped like ``SmtpCSReport_*.csv``,
then measures, each in a fresh child process so peak RSS is not polluted by the
generator or by the other measurement:

* baseline: ``csv.reader`` over the same file opened as UTF-16 text, counting rows;
* parser: ``inspect_report`` + ``iter_report_rows`` end to end (both passes).

Peak RSS is the child's VmHWM. The throughput ratio parser/baseline is printed so
the figure means something on any machine.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    '"date","senderName","senderDomain","authMethod","original_client_ip",'
    '"tls_version","tls_cipher","message_count","message_id"\r\n'
)
SENDERS = ["skener2", "erp", "monitoring", "fakturace", "tiskarna3", "noreply"]
METHODS = ["Basic", "OAuth"]
CIPHERS = [
    ("TLS1_2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    ("TLS1_0", "TLS_RSA_WITH_AES_128_CBC_SHA"),
]


def generate(path: Path, rows: int) -> None:
    encoder = codecs.getincrementalencoder("utf-16-le")()
    with open(path, "wb") as f:
        f.write(codecs.BOM_UTF16_LE + encoder.encode(HEADER))
        batch: list[str] = []
        days = [(date(2026, 9, 1) + timedelta(days=n)).isoformat() for n in range(90)]
        for i in range(rows):
            day = days[i * 90 // rows]
            sender = SENDERS[i % len(SENDERS)]
            version, cipher = CIPHERS[i % 7 == 0]
            batch.append(
                f'"{day}T{i % 24:02d}:{i % 60:02d}:{i % 59:02d}.0000000Z",'
                f'"{sender}","contoso.cz","{METHODS[i % 5 == 0]}","198.51.100.{i % 250}",'
                f'"{version}","{cipher}","{1 + i % 3}","<{i:08d}.{sender}@contoso.cz>"\r\n'
            )
            if len(batch) == 10_000:
                f.write(encoder.encode("".join(batch)))
                batch.clear()
        f.write(encoder.encode("".join(batch), final=True))


def vm_hwm_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(mode: str, path: str) -> None:
    # Import before the clock starts: we measure parsing, not interpreter start-up.
    sys.path.insert(0, str(ROOT))
    from readiness.imports.parsing import inspect_report, iter_report_rows

    idle = vm_hwm_mb()
    start = time.perf_counter()
    rows = 0
    if mode == "baseline":
        with open(path, encoding="utf-16", newline="") as f:
            for _ in csv.reader(f):
                rows += 1
        rows -= 1  # header
    else:
        info = inspect_report(path)
        scanned = time.perf_counter()
        for _ in iter_report_rows(path, info):
            rows += 1
    elapsed = time.perf_counter() - start
    result = {"rows": rows, "seconds": elapsed, "peak_mb": vm_hwm_mb(), "idle_mb": idle}
    if mode == "parser":
        result["inspect_seconds"] = scanned - start
    print(json.dumps(result))


def measure(mode: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="directory to write the file into (kept)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or tmp) / "SmtpCSReport_bench.csv"
        began = time.perf_counter()
        generate(path, args.rows)
        size_mb = os.path.getsize(path) / 1e6
        took = time.perf_counter() - began
        print(f"generated {args.rows:,} rows, {size_mb:.0f} MB in {took:.1f}s")
        base = measure("baseline", path)
        mine = measure("parser", path)
    report(base, mine, args.rows)


def report(base: dict[str, float], mine: dict[str, float], rows: int) -> None:
    assert base["rows"] == mine["rows"] == rows, (base, mine)
    for name, r in (("baseline csv.reader", base), ("parser (inspect+iter)", mine)):
        print(
            f"{name:22} {r['rows'] / r['seconds']:>10,.0f} rows/s  {r['seconds']:6.2f}s  "
            f"peak RSS {r['peak_mb']:6.1f} MB (idle {r['idle_mb']:.1f} MB)"
        )
    print(f"  of which inspect pre-scan: {mine['inspect_seconds']:.2f}s")
    ratio = (base["seconds"] / mine["seconds"]) * 100
    print(f"parser throughput = {ratio:.0f}% of baseline; {mine['seconds'] / base['seconds']:.2f}x")


if __name__ == "__main__":
    main()
