"""`make run`'s foreground supervisor: everything comes up, and Ctrl-C stops it all."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(port: int, proc, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return json.loads(r.read())
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the stack never answered /healthz")


def test_it_starts_everything_and_ctrl_c_stops_it_all(tmp_path):
    web, emulator = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(READINESS_DATA_DIR=str(tmp_path), READINESS_WEB_PORT=str(web),
               READINESS_EMULATOR_PORT=str(emulator))
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=180)
    proc = subprocess.Popen([sys.executable, "scripts/run_stack.py"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        health = wait_for_health(web, proc)
        assert health["database"]["ok"] and health["broker"]["ok"]
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                  text=True).stdout.split()
        assert len(children) == 4, children  # emulator, web, worker, beat
        grandchildren = [pid for child in children for pid in subprocess.run(
            ["pgrep", "-P", child], capture_output=True, text=True).stdout.split()]
        proc.send_signal(signal.SIGINT)
        time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)  # a second signal must not cut the shutdown short
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    output = proc.stdout.read()
    assert "[run] stopping web" in output and "[run] stopping worker" in output
    time.sleep(1)
    left = [pid for pid in children + grandchildren if Path(f"/proc/{pid}").exists()]
    assert left == [], output[-2000:]
