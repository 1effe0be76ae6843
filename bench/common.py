"""Shared by the benchmarks: peak RSS, percentiles, and the one result format run_all.py
collects. Each benchmark prints human lines, then one line `RESULT {json}` per target."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
# The benchmarks talk plain HTTP to localhost: the lab opt-out of the HTTPS defaults.
os.environ.setdefault("INSECURE_HTTP", "1")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def database(name: str) -> str:
    """A PostgreSQL URL for the benchmark's own database, created when missing."""
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
                   capture_output=True, check=False)
    return f"{PG}/{name}"


def percentile(samples: list[float], q: int) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def result(name: str, value: float, unit: str, *, target: float | None = None,
           op: str = "<=", note: str = "") -> dict:
    """Print and return one measured figure; with a target it is a pass/fail line."""
    passed = None
    if target is not None:
        passed = value <= target if op == "<=" else value >= target
    row = {"name": name, "value": round(value, 3), "unit": unit, "target": target, "op": op,
           "pass": passed, "note": note}
    print("RESULT " + json.dumps(row), flush=True)
    return row


def timed_command(args: list[str], *, env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Run a command under /usr/bin/time: wall seconds and the peak RSS (MB) of the
    process (the command itself, not this one)."""
    out = Path(f"/tmp/bench-time-{os.getpid()}.txt")
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(out), *args], env=env,
                          cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-4000:])
        raise SystemExit(f"{args[:3]}... failed with {proc.returncode}")
    peak_kb = int(out.read_text().split()[-1])
    out.unlink()
    return {"seconds": seconds, "peak_mb": peak_kb / 1024, "stdout": proc.stdout}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the app on a free localhost port (a separate process tree)."""

    def __init__(self, env: dict, workers: int = 4) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            # The production settings (timeouts, recycling, the worker's GC freeze),
            # on a free port, without the access log.
            [str(Path(sys.executable).with_name("gunicorn")), "readiness.wsgi:application",
             "--config", "python:readiness.gunicorn_conf",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--access-logfile", "/dev/null", "--log-level", "warning"], cwd=ROOT, env=env)

    def __enter__(self) -> Server:
        import urllib.request

        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit("gunicorn did not come up")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def session_cookie(env: dict, username: str) -> tuple[str, str]:
    """(cookie name, value) of a real logged-in session for `username` (a superuser
    created if missing), made by Django's own login in a child process."""
    code = (
        "import django, json; django.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.test import Client\n"
        f"user, _ = get_user_model().objects.get_or_create(username={username!r}, "
        "defaults={'is_superuser': True, 'is_staff': True})\n"
        "client = Client(); client.force_login(user, "
        "backend='django.contrib.auth.backends.ModelBackend')\n"
        "name = settings.SESSION_COOKIE_NAME\n"
        "print(json.dumps([name, client.cookies[name].value]))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                         capture_output=True, text=True,
                         env={**env, "DJANGO_SETTINGS_MODULE": "readiness.settings"})
    name, value = json.loads(out.stdout.strip().splitlines()[-1])
    return name, value
