"""Runs the whole product in the foreground: web, Celery worker, beat, and the local
Microsoft 365 emulator when it is available. Ctrl-C stops them all.

Used by `make run`; each child inherits this environment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CELERY = str(Path(PY).with_name("celery"))


def commands(extra_env: dict) -> list[tuple[str, list[str]]]:
    procs = [
        ("web", [PY, "manage.py", "runserver", "127.0.0.1:8000", "--noreload"]),
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
    env.setdefault("PYTHONUNBUFFERED", "1")
    children = {name: start(name, argv, env) for name, argv in commands(env)}
    # Explicit handlers: a shell may start us with SIGINT ignored (background jobs).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    print("[run] dashboard at http://127.0.0.1:8000 — press Ctrl-C to stop everything",
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
        stop(children)


if __name__ == "__main__":
    sys.exit(main())
