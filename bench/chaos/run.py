"""`make chaos`: faults against real processes, each scenario's final database compared
with a clean reference run (mailboxes, effective states, daily usage, sign-in ids,
senders). Real: the emulator (HTTPS, its own process), Celery workers, a private
redis-server on a free port, PostgreSQL (own databases wt_faults_chaos_*). See
docs/reliability.md.

  .venv/bin/python bench/chaos/run.py [--only NAME ...] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
CELERY = str(ROOT / ".venv" / "bin" / "celery")
STEPS = str(ROOT / "bench" / "chaos" / "steps.py")
PG = "postgres://postgres@127.0.0.1:5432/"
TEMPLATE_DB = f"wt_faults_chaos_tpl_{os.getpid()}"  # one per run: two runs never share it
TRANSIENT = ["token-503-once", "429-once", "429-no-retry-after-once", "503-once",
             "reset-once", "slow-once=3", "expire-once", "truncate-once"]
COMPARED = ("mailboxes", "usage", "signins", "senders")
# The clients' first backoff ceiling (doubled per attempt, jittered). With every fault on,
# each distinct request meets five of them in a row (429, 429 without Retry-After, 503,
# a timeout, a reset): about 19 s of waiting at the product's 1 s, about 8 s at 0.25 s.
RETRY_BASE = 0.25
DISPATCH = "ingestion.dispatch"
# Sign-ins and usage are compared from this moment on: every ingest reads the last 30
# days from its own "now", so the window's oldest edge moves between the reference run
# and a scenario; 29 days back from the start of `make chaos` is inside every window.
CUTOFF = (datetime.now(tz=UTC) - timedelta(days=29)).isoformat()
# ... and up to the start of `make chaos`: the emulator serves today's sign-ins up to its
# real "now", so an ingest minutes after the reference run sees a few more of them.
UPPER = datetime.now(tz=UTC).isoformat()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"port {port} never opened")


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
                   check=True, capture_output=True)


class Stack:
    """One scenario's processes; stops only what it started, by pid."""

    def __init__(self, name: str, *, redis: bool, faults: str = "", root: Path,
                 extra_env: dict | None = None):
        self.name, self.procs = name, []
        self.db = f"wt_faults_chaos_{os.getpid()}_{name.replace('-', '_')}"[:60]
        self.dir = root / name
        self.dir.mkdir(parents=True, exist_ok=True)
        psql(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{self.db}" TEMPLATE "{TEMPLATE_DB}"')
        self.env = {**os.environ, "DATABASE_URL": PG + self.db, "PYTHONUNBUFFERED": "1",
                    "READINESS_DATA_DIR": str(self.dir), "M365_READ_TIMEOUT_SECONDS": "2",
                    "M365_RETRY_BASE_SECONDS": str(RETRY_BASE), "CHAOS_CUTOFF": CUTOFF,
                    "CHAOS_UPPER": UPPER}
        self.env.pop("REDIS_URL", None)
        self.env.update(extra_env or {})
        self.redis_port = None
        if redis:
            self.redis_port = free_port()
            self.redis_start()
            self.env["REDIS_URL"] = f"redis://127.0.0.1:{self.redis_port}/0"
        self.emulator(faults)

    def spawn(self, args: list[str], log: str) -> subprocess.Popen:
        out = open(self.dir / f"{log}.log", "a")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=out)
        self.procs.append(proc)
        return proc

    def redis_start(self) -> None:
        self.redis = self.spawn(["redis-server", "--port", str(self.redis_port), "--save", "",
                                 "--appendonly", "no", "--bind", "127.0.0.1"], "redis")
        wait_port(self.redis_port)

    def emulator(self, faults: str) -> None:
        port = free_port()
        size = [arg for key, flag in (("CHAOS_TENANTS", "--tenants"),
                                      ("CHAOS_MAILBOXES", "--mailboxes"),
                                      ("CHAOS_DAYS", "--days"))
                for arg in (flag, self.env.get(key, {"CHAOS_TENANTS": "5",
                                                     "CHAOS_MAILBOXES": "40",
                                                     "CHAOS_DAYS": "90"}[key]))]
        self.spawn([PY, "manage.py", "m365_emulator", "--port", str(port), *size,
                    "--faults", faults, "--fault-seed", "7"], "emulator")
        wait_port(port)
        base = f"https://127.0.0.1:{port}"
        self.base = base
        self.env.update({"M365_LOGIN_URL": base, "M365_GRAPH_URL": f"{base}/graph",
                         "M365_EXCHANGE_URL": f"{base}/exchange",
                         "REQUESTS_CA_BUNDLE": str(self.dir / "emulator" / "ca.pem")})

    def emulator_counts(self) -> dict:
        context = ssl.create_default_context(cafile=self.env["REQUESTS_CA_BUNDLE"])
        with urllib.request.urlopen(f"{self.base}/_emulator/faults", context=context) as r:
            return json.load(r)["counts"]

    def emulator_counts_full(self) -> dict:
        context = ssl.create_default_context(cafile=self.env["REQUESTS_CA_BUNDLE"])
        with urllib.request.urlopen(f"{self.base}/_emulator/faults", context=context) as r:
            return json.load(r)

    def worker(self, concurrency: int = 0, log: str = "worker") -> subprocess.Popen:
        """A Celery worker: solo (one task at a time) unless `concurrency` asks for a
        prefork pool, as production runs it (docker-compose.yml)."""
        pool = [f"--concurrency={concurrency}", f"--hostname={log}@%h"] if concurrency else [
            "--pool=solo"]
        return self.spawn([CELERY, "-A", "readiness", "worker", *pool, "--without-gossip",
                           "--without-mingle", "--loglevel=INFO"], log)

    def step(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([PY, STEPS, *args], cwd=ROOT, env=self.env, text=True,
                              capture_output=True)
        if check and done.returncode not in (0, 1):
            raise RuntimeError(f"step {args} failed: {done.stderr[-2000:]}")
        return done

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=self.env, text=True,
                              capture_output=True)

    def wait(self, what: str, timeout: float = 240) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.step(what).returncode == 0:
                return True
            time.sleep(1)
        return False

    def snapshot(self) -> dict:
        return json.loads(self.step("snapshot").stdout)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def compare(reference: dict, got: dict, good: list[str]) -> list[str]:
    problems = []
    for slug in good:
        for key in COMPARED:
            if reference[slug][key] != got[slug][key]:
                problems.append(f"{slug}.{key} differs from the clean run")
        if got[slug]["_stuck"]:
            problems.append(f"{slug}: {got[slug]['_stuck']} run(s) still running")
    return problems


# --- scenarios: each returns (problems, note) ------------------------------------------

def cli_ingest(stack: Stack, good: list[str]) -> list[str]:
    """`manage.py ingest --tenant X` for each tenant, as many operators would at once."""
    procs = {slug: subprocess.Popen([PY, "manage.py", "ingest", "--tenant", slug], cwd=ROOT,
                                    env=stack.env, text=True, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE) for slug in good}
    problems = []
    for slug, proc in procs.items():
        out, err = proc.communicate()
        if proc.returncode != 0 or "Traceback" in out + err:
            problems.append(f"ingest --tenant {slug} exited {proc.returncode}: "
                            f"{err.strip()[-300:]}")
    return problems


def api_cli(faults: str):
    def scenario(stack: Stack, ref: dict, good: list[str]):
        stack.step("onboard")
        problems = cli_ingest(stack, good)
        got = stack.snapshot()
        problems += compare(ref, got, good)
        counts = stack.emulator_counts()
        wanted = {f.split("=")[0] for f in faults.split(",")}
        problems += [f"fault {name} never fired" for name in wanted - set(counts)]
        retries = sum(got[s]["_retries"] for s in good)
        return problems, f"faults fired {sum(counts.values())}, retries {retries}"
    return scenario


def api_worker(stack: Stack, ref: dict, good: list[str]):
    """Every fault at once through dispatch -> Redis -> two workers. Slow by design: each
    distinct request waits out five faults (RETRY_BASE), a tenant's Exchange ingest
    about 70 s of it, so the wait is long; `settled` also needs nothing left running."""
    stack.step("onboard")
    stack.worker(), stack.worker()
    stack.step("dispatch")
    if not stack.wait("settled", timeout=900):
        return ["did not settle"], ""
    got = stack.snapshot()
    counts = stack.emulator_counts()
    return compare(ref, got, good), (f"faults fired {sum(counts.values())}, retries "
                                     f"{sum(got[s]['_retries'] for s in good)}")


def permanent(stack: Stack, ref: dict, good: list[str]):
    """Refusals are recorded with what to fix and never retried: a wrong secret and a
    missing Exchange role fail (exit 1); no Entra ID P1 is a fact about the tenant,
    recorded as "unlicensed" for the sign-in logs (exit 0, Exchange still ingested)."""
    stack.step("onboard", "--wrong-secret", good[0])
    expected = {good[0]: (1, "secret is wrong"), "contoso-retail": (0, "Entra ID P1"),
                "adatum": (1, "role")}
    problems = []
    for slug, (code, words) in expected.items():
        done = stack.manage("ingest", "--tenant", slug)
        if done.returncode != code or words not in done.stdout + done.stderr:
            problems.append(f"{slug}: exit {done.returncode}, wanted {code} and a clear "
                            f"'{words}' message: {done.stderr.strip()[-200:]}")
    got = stack.snapshot()
    for slug in expected:
        if got[slug]["_retries"]:
            problems.append(f"{slug}: a permanent fault was retried")
    if got["contoso-retail"]["_unlicensed"] != 1:
        problems.append("no P1: the sign-in logs were not recorded as unlicensed")
    return problems, "wrong secret, no role: failed once each; no P1: unlicensed; none retried"


def sigkill_ingest(stack: Stack, ref: dict, good: list[str]):
    """SIGKILL the worker the moment an ingest runs; the run must be left "running" with
    no worker (else the kill fell between two ingests: try again, at most 3 times), the
    sweeper re-queues it, a new worker and beat's next dispatch finish everything."""
    stack.step("onboard")
    stack.step("dispatch")
    for _ in range(3):
        worker = stack.worker()
        if not stack.wait("running", 60):
            return ["no ingest started"], ""
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        if stack.step("running").returncode == 0:
            break  # a run left "running" by a dead worker: what the sweeper is for
        stack.step("dispatch")  # a message the dead worker had taken may be lost
    else:
        return ["three kills never landed mid-ingest"], ""
    stack.step("sweep")  # beat's sweeper, once the heartbeat is older than the bound
    stack.worker()
    stack.step("dispatch")  # beat's next tick
    if not stack.wait("settled"):
        return ["did not settle"], ""
    got = stack.snapshot()
    swept = sum(got[s]["_swept"] for s in got)
    problems = compare(ref, got, good) + ([] if swept else ["nothing was swept"])
    return problems, f"swept {swept}, then re-queued and finished"


# Large enough that the apply is still running 1.5 s after a worker took it: since the
# import got faster (2026-12-01, ~100,000 rows/s) a 150,000-row apply could finish
# before the kill, and the Redis scenario then waited for a re-queue that never came.
IMPORT_ROWS = 500_000


class ImportWatch:
    """One upload's state as the worker moves it, read from the scenario database."""

    def __init__(self, stack: Stack, pk: int):
        self.stack, self.pk = stack, pk

    def state(self) -> dict:
        return json.loads(self.stack.step("import-state", str(self.pk)).stdout)

    def until(self, what: str, predicate, timeout: float = 300) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.state()
            if predicate(state):
                return state
            time.sleep(0.3)
        raise RuntimeError(f"import {self.pk} never {what}: {state}")


def totals(stack: Stack, slug: str) -> dict:
    return json.loads(stack.step("import-totals", slug).stdout)


def nothing_counted(figures: dict) -> bool:
    return figures["messages"] == 0 and not any(row[4] for row in figures["usage"])


def upload(stack: Stack) -> ImportWatch:
    done = stack.step("import-upload", str(IMPORT_ROWS))
    if done.returncode:
        raise RuntimeError(f"upload refused: {done.stderr.strip()[-300:]}")
    watch = ImportWatch(stack, int(done.stdout))
    watch.until("became ready to confirm", lambda s: s["status"] == "preview_ready")
    return watch


def applies_received(stack: Stack) -> int:
    log = stack.dir / "worker.log"
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text().splitlines()
               if "imports.apply_report[" in line and line.endswith("received"))


def kill_mid_import(stack: Stack, worker: subprocess.Popen, received_before: int) -> None:
    """SIGKILL the worker 1.5 s after it took the apply task (its log says when): a
    500,000-row apply takes 5 s or more here, so the kill lands mid-import. (Polling the
    import's progress from another process was too slow: an 80,000-row re-queued pass
    finished in 4 s, before the kill.)"""
    deadline = time.monotonic() + 300
    while applies_received(stack) <= received_before:
        if time.monotonic() > deadline:
            raise RuntimeError("no worker took the apply task")
        time.sleep(0.1)
    time.sleep(1.5)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()


def sigkill_import(stack: Stack, ref: dict, good: list[str]):
    """A worker SIGKILLed mid-import, twice: the sweeper re-queues it once, then fails it
    ("worker lost"); the user deletes the failed one, uploads the same file again and
    imports it: the totals equal a clean pass of that file; deleting it leaves nothing."""
    problems = []
    stack.step("import-clean", str(IMPORT_ROWS))
    clean = totals(stack, "import-clean")
    worker = stack.worker()
    watch = upload(stack)
    received = applies_received(stack)
    stack.step("import-confirm", str(watch.pk))
    kill_mid_import(stack, worker, received)
    if watch.state()["status"] != "importing" or not nothing_counted(
            totals(stack, "import-kill")):
        problems.append("after the kill: not 'importing' with nothing counted")
    swept = json.loads(stack.step("import-sweep").stdout)
    if swept != {"requeued": 1}:
        problems.append(f"first sweep: {swept}, wanted one re-queue")
    received = applies_received(stack)
    worker = stack.worker()
    kill_mid_import(stack, worker, received)
    swept = json.loads(stack.step("import-sweep").stdout)
    lost = watch.state()
    if swept != {"failed": 1} or lost["status"] != "failed" or "worker running this was lost" \
            not in lost["error"]:
        problems.append(f"second sweep: {swept}, {lost['status']}: {lost['error'][:80]}")
    if not nothing_counted(totals(stack, "import-kill")):
        problems.append("a lost import left rows behind")
    worker = stack.worker()
    if stack.step("import-delete", str(watch.pk)).returncode:
        problems.append("the failed import could not be deleted")
    watch.until("was deleted", lambda s: s["status"] == "deleted")
    again = upload(stack)  # the same file: not "already imported"
    stack.step("import-confirm", str(again.pk))
    again.until("was imported", lambda s: s["status"] == "imported", timeout=600)
    if totals(stack, "import-kill") != clean:
        problems.append("the re-import's totals differ from the clean pass")
    stack.step("import-delete", str(again.pk))
    again.until("was deleted", lambda s: s["status"] == "deleted")
    if not nothing_counted(totals(stack, "import-kill")):
        problems.append("deleting the import left messages counted")
    return problems, (f"{IMPORT_ROWS:,} rows: killed twice, re-queued once, failed "
                      "'worker lost', deleted, imported again = clean pass, deleted")


def redis_restart(stack: Stack, ref: dict, good: list[str]):
    stack.step("onboard")
    stack.worker()
    stack.step("dispatch")
    stack.wait("running", 60)
    stack.redis.send_signal(signal.SIGKILL)  # queued messages are gone with it
    stack.redis.wait()
    time.sleep(2)
    stack.redis_start()
    time.sleep(3)
    stack.step("sweep")  # a run whose worker lost Redis mid-ingest
    # A run that errored while Redis was down could not publish its Celery retry: it is
    # ingested again in its next due period (an hour later in production; now here).
    lost = int(stack.step("next-period").stdout or 0)
    stack.step("dispatch")
    if not stack.wait("settled"):
        return ["did not settle"], ""
    got = stack.snapshot()
    return compare(ref, got, good), (f"swept {sum(got[s]['_swept'] for s in got)}, "
                                     f"{lost} errored ingest(s) redone in the next period")


def pg_drop(stack: Stack, ref: dict, good: list[str]):
    stack.step("onboard")
    stack.worker()
    stack.step("dispatch")
    stack.wait("running", 60)
    for _ in range(3):
        psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             f"WHERE datname = '{stack.db}' AND pid <> pg_backend_pid()")
        time.sleep(1.5)
    if not stack.wait("settled", 120):
        stack.step("sweep")
        stack.step("dispatch")
        if not stack.wait("settled"):
            return ["did not settle"], ""
    got = stack.snapshot()
    return compare(ref, got, good), "3 rounds of pg_terminate_backend on our database"


BEAT_SECONDS, BEAT_RUN_SECONDS = 5, 150


def beat_twice(stack: Stack, ref: dict, good: list[str]):
    """Two real `celery beat` processes on one schedule database (a deploy that started
    beat twice), sending the dispatcher every BEAT_SECONDS; ingests are due every minute
    (READINESS_INGEST_INTERVAL_MINUTES=1), two workers. For BEAT_RUN_SECONDS, so several
    due periods pass: one ingest per tenant and source per period, every extra one
    skipped with its reason, and the clean run's data at the end."""
    stack.step("onboard")
    stack.step("beat-every", str(BEAT_SECONDS))
    beats = [stack.spawn([CELERY, "-A", "readiness", "beat", "--loglevel=INFO",
                          "--max-interval", "1"], f"beat{i}") for i in (1, 2)]
    time.sleep(BEAT_SECONDS + 3)  # both beats have sent the dispatcher before any worker
    stack.worker(), stack.worker()
    time.sleep(BEAT_RUN_SECONDS)
    for beat in beats:
        beat.terminate()
        beat.wait(timeout=15)
    sent = [(stack.dir / f"beat{i}.log").read_text().count(f"({DISPATCH})") for i in (1, 2)]
    if not stack.wait("settled"):
        return ["did not settle"], ""
    time.sleep(5)  # the last dispatches' duplicates run too
    got = stack.snapshot()
    check = json.loads(stack.step("periods-check").stdout)
    problems = compare(ref, got, good) + check["doubled"]
    if min(sent) < 2:
        problems.append(f"the beats sent the dispatcher {sent} times")
    if not check["skipped"] or check["mute_skips"]:
        problems.append(f"{check['skipped']} skipped runs, {check['mute_skips']} without a "
                        "reason")
    most = max(check["periods"].values())
    return problems, (f"dispatcher sent {sent[0]} + {sent[1]} times, up to {most} due "
                      f"periods per tenant and source, {check['skipped']} skipped: "
                      f"{'; '.join(check['reasons'])}")


FUZZ_SHARDS = 2  # two processes: the machine has two cores


def importer_fuzzing(stack: Stack, ref: dict, good: list[str]):
    """FUZZ_COUNT generated and mutated files through the import service, each shard
    in one process with one tenant of its own, against the scenario's database."""
    shards = [subprocess.Popen([PY, STEPS, "fuzz", str(FUZZ_COUNT), "2026", str(k),
                                str(FUZZ_SHARDS)], cwd=ROOT, env=stack.env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
              for k in range(FUZZ_SHARDS)]
    problems, outcomes, count = [], {}, 0
    for shard in shards:
        out, err = shard.communicate()
        try:
            result = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            problems.append(f"fuzzing crashed: {err[-500:]}")
            continue
        problems += result["problems"]
        count += result["count"]
        for outcome, times in result["outcomes"].items():
            outcomes[outcome] = outcomes.get(outcome, 0) + times
    if count != FUZZ_COUNT or sum(outcomes.values()) != FUZZ_COUNT:
        problems.append(f"{sum(outcomes.values())} of {FUZZ_COUNT} files have an outcome")
    return problems, f"{count:,} files in {FUZZ_SHARDS} processes: {outcomes}"


FUZZ_COUNT = 10_000
SOAK_TENANTS = 500
SOAK_CONCURRENCY = 2  # per worker host; 2 cores on this machine
SOAK_TICK = 60  # seconds between the dispatcher's runs (beat), as in production
SOAK_FAULTS = "429=0.08,429-no-retry-after=0.04,503=0.08"  # 20% of Graph/Exchange requests
GRAPH_REPORTS_PER_10S = 122


def soak(root: Path) -> tuple[list[str], str, float]:
    """SOAK_TENANTS tenants through the dispatcher, 4 worker processes (as 4 hosts would
    be), each a prefork pool of SOAK_CONCURRENCY as production runs them (most of an
    ingest under 20% faults is waiting out Retry-After)."""
    extra = {"CHAOS_TENANTS": str(SOAK_TENANTS), "CHAOS_MAILBOXES": "5", "CHAOS_DAYS": "10"}
    stack = Stack("soak", redis=True, faults=SOAK_FAULTS, root=root, extra_env=extra)
    try:
        stack.step("onboard")
        for i in range(4):
            stack.worker(concurrency=SOAK_CONCURRENCY, log=f"worker{i}")
        # Real beat: the dispatcher sends at most 500 schedules a tick, so 1,000 take
        # several ticks (every SOAK_TICK seconds here, every minute in production).
        stack.step("beat-every", str(SOAK_TICK))
        t0 = time.monotonic()
        stack.spawn([CELERY, "-A", "readiness", "beat", "--loglevel=INFO",
                     "--max-interval", "1"], "beat")
        settled = stack.wait("settled", timeout=3600)
        elapsed = time.monotonic() - t0
        check = json.loads(stack.step("soak-check").stdout)
        emulator = stack.emulator_counts_full()
    finally:
        stack.stop()
        psql(f'DROP DATABASE IF EXISTS "{stack.db}" WITH (FORCE)')
    problems = [] if settled else ["did not settle within an hour"]
    problems += [f"{check[key]} {key}" for key in ("leases_held", "running",
                                                    "overlapping_runs") if check[key]]
    problems += [f"ingested twice in one due period: {d}" for d in check["doubled"][:5]]
    if emulator["signins_max_per_10s"] > GRAPH_REPORTS_PER_10S:
        problems.append(f"Graph report rate {emulator['signins_max_per_10s']}/10 s "
                        f"exceeded {GRAPH_REPORTS_PER_10S}")
    note = (f"{SOAK_TENANTS} tenants, {check['schedules']} schedules, outcomes "
            f"{check['outcomes']}, faults fired {sum(emulator['counts'].values())}, "
            f"peak {emulator['signins_max_per_10s']} report requests/10 s")
    return problems, note, elapsed

SCENARIOS = {
    **{f"api-{f.split('=')[0]}": (api_cli(f), False, f) for f in TRANSIENT},
    "api-all-cli": (api_cli(",".join(TRANSIENT)), False, ",".join(TRANSIENT)),
    "api-all-worker-redis": (api_worker, True, ",".join(TRANSIENT)),
    "permanent-faults": (permanent, False, ""),
    "sigkill-mid-ingest-redis": (sigkill_ingest, True, "latency=150ms"),
    "sigkill-mid-ingest-fs": (sigkill_ingest, False, "latency=150ms"),
    "sigkill-mid-import-redis": (sigkill_import, True, ""),
    "sigkill-mid-import-fs": (sigkill_import, False, ""),
    "redis-restart": (redis_restart, True, "latency=150ms"),
    "postgres-drops-connections": (pg_drop, True, "latency=150ms"),
    "beat-twice": (beat_twice, True, "", {"READINESS_INGEST_INTERVAL_MINUTES": "1"}),
    "importer-fuzzing": (importer_fuzzing, False, ""),
}


def prepare_template(root: Path) -> None:
    psql(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{TEMPLATE_DB}"')
    env = {**os.environ, "DATABASE_URL": PG + TEMPLATE_DB, "READINESS_DATA_DIR": str(root)}
    env.pop("REDIS_URL", None)
    subprocess.run([PY, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--keep", action="store_true", help="keep logs and databases")
    parser.add_argument("--fuzz-count", type=int, default=FUZZ_COUNT)
    parser.add_argument("--soak-tenants", type=int, default=SOAK_TENANTS)
    parser.add_argument("--soak-only", action="store_true", help="only the soak")
    args = parser.parse_args()
    globals()["FUZZ_COUNT"] = args.fuzz_count
    globals()["SOAK_TENANTS"] = args.soak_tenants
    root = Path(tempfile.mkdtemp(prefix="readiness-chaos-"))
    started = time.monotonic()
    prepare_template(root / "template")
    print(f"template database migrated in {time.monotonic() - started:.0f} s; logs in {root}")
    if args.soak_only:
        problems, note, elapsed = soak(root)
        print(f"{'PASS' if not problems else 'FAIL'}  {'soak':30} {elapsed:6.1f} s  {note}")
        for problem in problems:
            print(f"        {problem}")
        return 1 if problems else 0
    reference_stack = Stack("reference", redis=False, root=root)
    try:
        t0 = time.monotonic()
        reference_stack.step("onboard")
        for slug in ("contoso-retail", "adatum"):
            reference_stack.manage("ingest", "--tenant", slug)  # permanent: fail, recorded
        ref = reference_stack.snapshot()
        good = sorted(s for s in ref if not ref[s]["outcomes"] and s not in (
            "contoso-retail", "adatum"))
        problems = cli_ingest(reference_stack, good)
        ref = reference_stack.snapshot()
        print(f"{'PASS' if not problems else 'FAIL'}  reference (clean run)  "
              f"{time.monotonic() - t0:6.1f} s  tenants {', '.join(good)}", flush=True)
    finally:
        reference_stack.stop()
        if not args.keep:
            psql(f'DROP DATABASE IF EXISTS "{reference_stack.db}" WITH (FORCE)')
    results = []
    for name, (scenario, redis, faults, *extra) in SCENARIOS.items():
        if args.only and name not in args.only:
            continue
        t0 = time.monotonic()
        stack = Stack(name, redis=redis, faults=faults, root=root,
                      extra_env=extra[0] if extra else None)
        try:
            problems, note = scenario(stack, ref, good)
        except Exception as exc:  # a broken scenario is a failure, not a crash of the run
            problems, note = [f"{type(exc).__name__}: {exc}"], ""
        finally:
            stack.stop()
            if not args.keep:
                psql(f'DROP DATABASE IF EXISTS "{stack.db}" WITH (FORCE)')
        elapsed = time.monotonic() - t0
        results.append((name, not problems, elapsed))
        print(f"{'PASS' if not problems else 'FAIL'}  {name:30} {elapsed:6.1f} s  {note}",
              flush=True)
        for problem in problems[:5]:
            print(f"        {problem}", flush=True)
    if not args.only:
        problems, note, elapsed = soak(root)
        results.append(("soak", not problems, elapsed))
        print(f"{'PASS' if not problems else 'FAIL'}  {'soak':30} {elapsed:6.1f} s  {note}")
        for problem in problems[:5]:
            print(f"        {problem}", flush=True)
    failed = [name for name, ok, _ in results if not ok]
    print(f"{len(results) - len(failed)}/{len(results)} scenarios passed in "
          f"{time.monotonic() - started:.0f} s")
    if not args.keep:
        psql(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)')
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
