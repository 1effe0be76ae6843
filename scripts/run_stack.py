"""Runs the whole product in the foreground: the local Microsoft 365 emulator, then web,
Celery worker and beat pointed at it (READINESS_EMULATOR=0 skips the emulator and uses
the configured Microsoft endpoints). Ctrl-C stops them all.

Used by `make run`; each child inherits this environment.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CELERY = str(Path(PY).with_name("celery"))


EMULATOR_PORT = int(os.environ.get("READINESS_EMULATOR_PORT", "8443"))
WEB_PORT = int(os.environ.get("READINESS_WEB_PORT", "8000"))


def emulator_env(data_dir: Path) -> dict:
    """Point the product at the local emulator: configuration only, no code path differs."""
    base = f"https://127.0.0.1:{EMULATOR_PORT}"
    return {"M365_LOGIN_URL": base, "M365_GRAPH_URL": f"{base}/graph",
            "M365_EXCHANGE_URL": f"{base}/exchange",
            "REQUESTS_CA_BUNDLE": str(data_dir / "emulator" / "ca.pem")}


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"[run] the emulator exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise SystemExit(f"[run] the emulator did not open port {port} within {timeout:.0f}s")


def require_free(port: int, variable: str) -> None:
    """Fail clearly when a port is taken: a leftover process on it would answer in place
    of ours (an old emulator with another CA, an old web server with old code)."""
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"[run] port {port} is already in use: stop what listens there "
                             f"or set {variable} to another port")


def data_dir() -> Path:
    raw = os.environ.get("READINESS_DATA_DIR")
    return Path(raw).resolve() if raw else ROOT / "var"


def commands() -> list[tuple[str, list[str]]]:
    procs = [
        ("web", [PY, "manage.py", "runserver", f"127.0.0.1:{WEB_PORT}", "--noreload"]),
        ("worker", [CELERY, "-A", "readiness", "worker", "--loglevel=INFO",
                    "--concurrency=2", "--without-gossip", "--without-mingle"]),
        ("beat", [CELERY, "-A", "readiness", "beat", "--loglevel=INFO"]),
    ]
    return procs


def start(name: str, argv: list[str], env: dict) -> subprocess.Popen:
    print(f"[run] starting {name}: {' '.join(argv[1:])}", flush=True)
    # A new process group per child, so Ctrl-C reaches us once and we stop them in order.
    return subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True)


def stop(children: dict[str, subprocess.Popen]) -> None:
    for name, proc in children.items():
        if proc.poll() is None:
            print(f"[run] stopping {name}", flush=True)
            # The main process only: a Celery worker then shuts its pool down cleanly.
            proc.terminate()
    deadline = time.monotonic() + 10
    for proc in children.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def main() -> int:
    env = dict(os.environ)
    # runserver speaks plain HTTP on 127.0.0.1: the lab opt-out from the HTTPS defaults
    # (docs/security.md, "Production defaults"), unless the caller decided otherwise.
    env.setdefault("INSECURE_HTTP", "1")
    env.setdefault("PYTHONUNBUFFERED", "1")
    children = {}
    use_emulator = os.environ.get("READINESS_EMULATOR", "1") != "0"
    require_free(WEB_PORT, "READINESS_WEB_PORT")
    if use_emulator:
        require_free(EMULATOR_PORT, "READINESS_EMULATOR_PORT")
    if use_emulator:
        # Five tenants while seed_demo onboards three: Contoso Retail (no Entra ID P1)
        # and Adatum Health are left for the MSP onboarding demo (docs/operations.md).
        emulator = start("emulator", [PY, "manage.py", "m365_emulator", "--tenants", "5",
                                      "--port", str(EMULATOR_PORT)], env)
        children["emulator"] = emulator
        wait_for_port(EMULATOR_PORT, emulator)
        env.update(emulator_env(data_dir()))
        # A first ingest now, so the dashboard opens on data that came through msal,
        # Graph and InvokeCommand; beat keeps it fresh from here on.
        print("[run] first ingest of every tenant through the emulator", flush=True)
        subprocess.run([PY, "manage.py", "ingest", "--all"], cwd=ROOT, env=env, check=False)
    children.update({name: start(name, argv, env) for name, argv in commands()})
    # Explicit handlers: a shell may start us with SIGINT ignored (background jobs).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    print(f"[run] dashboard at http://127.0.0.1:{WEB_PORT} — press Ctrl-C to stop everything",
          flush=True)
    try:
        while True:
            for name, proc in children.items():
                if proc.poll() is not None:
                    print(f"[run] {name} exited with {proc.returncode}; stopping the rest")
                    return proc.returncode or 1
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        # A second signal (Ctrl-C twice, or `timeout` forwarding its own) must not cut
        # the shutdown short and orphan a child still holding its port.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        stop(children)


if __name__ == "__main__":
    sys.exit(main())
