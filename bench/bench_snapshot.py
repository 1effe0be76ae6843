"""Mailbox snapshot: 200,000 mailboxes read from the Microsoft 365 emulator over HTTPS
through the product's real path (msal token, Exchange admin API InvokeCommand pages,
readiness.connectors' ExchangeClient, `exchange_ingest` into the inventory models, the
effective-state pass, the sender links), against the baseline of fetching the SAME pages
from the same emulator, `json.loads` of each, and ONE COPY of every row into an unindexed
table. Each side runs in its own process; the emulator runs in a third one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_snapshot \
        python bench/bench_snapshot.py [--mailboxes 200000] [--quick]

What is timed, on both sides: from the first token request to the last row written (the
HTTPS fetch of the pages is inside both: a snapshot cannot be taken without it, and the
baseline reads exactly the same cmdlets and pages). Django's start-up and onboarding the
tenant are outside. The product is timed twice: the first snapshot (every mailbox new)
and a re-read of the same tenant (every mailbox known: the steady state of the daily
schedule). A third process fetches and parses the pages without writing anything, so
the share of the emulator and the network is visible. Target: <= 2x the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, free_port, log, result, timed_command

CMDLETS = [("Get-CASMailbox", {"ResultSize": "Unlimited"}),
           ("Get-Mailbox", {"ResultSize": "Unlimited"}),
           ("Get-User", {"ResultSize": "Unlimited"}),
           ("Get-TransportConfig", {}), ("Get-OrganizationConfig", {}),
           ("Get-AuthenticationPolicy", {})]
SLUG = "bench-snapshot"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emulator_start(mailboxes: int, env: dict) -> tuple[subprocess.Popen, str, str]:
    """`manage.py m365_emulator` with one tenant of `mailboxes` (its own process)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "m365_emulator", "--tenants", "1", "--mailboxes",
         str(mailboxes), "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        text=True)
    ca = ""
    for line in proc.stdout:
        if line.startswith("CA certificate:"):
            ca = line.split(":", 1)[1].strip()
        if line.strip().startswith("tenant "):
            break
    else:
        raise SystemExit("the emulator did not start")
    return proc, f"https://127.0.0.1:{port}", ca


def _universe_tenant():
    sys.path.insert(0, str(ROOT))
    from readiness.demo.generator import build_universe

    return build_universe(tenants=1, mailboxes=0)[0]  # ids and secret do not depend on size


def child_baseline(write: str) -> dict:
    """Fetch the pages of the same six cmdlets, json.loads each, and (write=1) COPY
    every row into one unindexed table in the same stream."""
    import msal
    import psycopg
    import requests

    base, tenant = os.environ["M365_LOGIN_URL"], _universe_tenant()
    session = requests.Session()
    session.verify = os.environ["REQUESTS_CA_BUNDLE"]
    started = time.perf_counter()
    app = msal.ConfidentialClientApplication(
        tenant.client_id, client_credential=tenant.client_secret,
        authority=f"{base}/{tenant.tenant_id}", http_client=session, instance_discovery=False)
    token = app.acquire_token_for_client(scopes=[f"{base}/exchange/.default"])["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Prefer": "odata.maxpagesize=1000",
               "X-AnchorMailbox": f"APP:SystemMailbox@{tenant.tenant_id}"}
    url0 = f"{base}/exchange/adminapi/beta/{tenant.tenant_id}/InvokeCommand"
    rows = 0
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_mailbox_rows")
        cur.execute("CREATE UNLOGGED TABLE bench_mailbox_rows (cmdlet text, object_id text, "
                    "address text, display_name text, detail text, addresses text)")
        with cur.copy("COPY bench_mailbox_rows FROM STDIN") as copy:
            for name, parameters in CMDLETS:
                body = {"CmdletInput": {"CmdletName": name, "Parameters": parameters}}
                url = url0
                while url:
                    page = json.loads(session.post(url, json=body, headers=headers).content)
                    lines = [_line(name, row) for row in page["value"]]
                    if write == "1":
                        copy.write("".join(lines))
                    rows += len(lines)
                    url = page.get("@odata.nextLink")
        conn.commit()
        seconds = time.perf_counter() - started
        cur.execute("DROP TABLE bench_mailbox_rows")
    return {"rows": rows, "work_seconds": seconds, "peak_mb": _peak_mb()}


def _line(cmdlet: str, row: dict) -> str:
    detail = row.get("SmtpClientAuthenticationDisabled", row.get(
        "RecipientTypeDetails", row.get("AuthenticationPolicy")))
    detail = "\\N" if detail is None else detail  # COPY's NULL
    addresses = ",".join(row.get("EmailAddresses") or [])
    return (f"{cmdlet}\t{row.get('ExternalDirectoryObjectId') or ''}\t"
            f"{row.get('PrimarySmtpAddress') or row.get('UserPrincipalName') or ''}\t"
            f"{row.get('DisplayName') or ''}\t{detail}\t"
            f"{addresses}\n")


def child_snapshot(reads: str) -> dict:
    """The exchange ingest source's own call, on a freshly onboarded tenant, `reads`
    times (1: the first snapshot; 2: then a re-read of the same tenant)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings")
    import django

    django.setup()
    from readiness.connectors.services import exchange_ingest, tenant_onboard
    from readiness.inventory.models import Mailbox
    from readiness.tenancy.models import Tenant

    universe = _universe_tenant()
    Tenant.objects.filter(slug=SLUG).delete()
    tenant = tenant_onboard(slug=SLUG, name="bench snapshot", directory_id=universe.tenant_id,
                            client_id=universe.client_id, client_secret=universe.client_secret)
    out = {}
    for n in range(int(reads)):
        started = time.perf_counter()
        counts = exchange_ingest(tenant=tenant)
        out[f"read{n + 1}_seconds"] = time.perf_counter() - started
        out[f"read{n + 1}_peak_mb"] = _peak_mb()
        out[f"read{n + 1}_counts"] = counts
    out["mailboxes"] = Mailbox.objects.for_tenant(tenant).count()
    return out


def child_cleanup(_: str) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings")
    import django

    django.setup()
    from django.db import connection

    from readiness.tenancy.models import Tenant

    Tenant.objects.filter(slug=SLUG).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inventory_mailbox")
    return {}


def run_child(mode: str, arg: str, env: dict) -> dict:
    out = timed_command([sys.executable, __file__, "--child", mode, arg], env=env)
    return {**json.loads(out["stdout"].strip().splitlines()[-1]), "process_peak_mb":
            out["peak_mb"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mailboxes", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="20,000 mailboxes")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, arg = args.child
        fn = {"baseline": child_baseline, "snapshot": child_snapshot, "cleanup": child_cleanup}
        print(json.dumps(fn[mode](arg), default=str))
        return
    count = 20_000 if args.quick else args.mailboxes
    timed_command([sys.executable, "manage.py", "migrate", "-v0"])
    emulator, base, ca = emulator_start(count, dict(os.environ))
    env = {**os.environ, "M365_LOGIN_URL": base, "M365_GRAPH_URL": f"{base}/graph",
           "M365_EXCHANGE_URL": f"{base}/exchange", "REQUESTS_CA_BUNDLE": ca}
    try:
        log(f"emulator with {count:,} mailboxes on {base}")
        run_child("baseline", "0", env)  # warms the emulator's page cache and TLS
        fetch = run_child("baseline", "0", env)
        base_run = run_child("baseline", "1", env)
        mine = run_child("snapshot", "2", env)
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)
    run_child("cleanup", "-", env)
    base_s = base_run["work_seconds"]
    first, again = mine["read1_seconds"], mine["read2_seconds"]
    log(f"fetch+json.loads alone {fetch['work_seconds']:.1f}s; baseline fetch+json.loads+"
        f"COPY {base_s:.1f}s ({base_run['rows']:,} rows, {base_run['peak_mb']:.0f} MB); "
        f"snapshot first {first:.1f}s = x{first / base_s:.2f}, re-read {again:.1f}s = "
        f"x{again / base_s:.2f}; {mine['mailboxes']:,} mailboxes; peak RSS "
        f"{mine['read1_peak_mb']:.0f} MB after the first, {mine['read2_peak_mb']:.0f} MB "
        f"after the re-read; load {os.getloadavg()[0]:.1f}")
    log(f"counts: {mine['read1_counts']} / {mine['read2_counts']}")
    label = f"mailbox snapshot {count:,}"
    result(f"{label}: first / fetch+json+COPY baseline", first / base_s, "x", target=2)
    result(f"{label}: re-read / fetch+json+COPY baseline", again / base_s, "x", target=2)
    result(f"{label}: mailboxes/s (first)", count / first, "/s")
    result(f"{label}: baseline seconds", base_s, "s")
    result(f"{label}: fetch+json.loads alone seconds", fetch["work_seconds"], "s")
    result(f"{label}: peak RSS", mine["process_peak_mb"], "MB")


if __name__ == "__main__":
    main()
