"""Container health probe: `python -m readiness.healthcheck [--url U] [--beat-max-age S]`.

Exits 0 when /healthz answers 200 (and, with --beat-max-age, when beat ticked recently).
It sends a Host header from ALLOWED_HOSTS, because Django refuses any other host, and
plain HTTP, because /healthz is exempt from the HTTPS redirect.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request

from readiness import config


def probe_host() -> str:
    hosts = config.env_list("ALLOWED_HOSTS", ["localhost"])
    first = hosts[0].lstrip(".")
    return "localhost" if first in {"", "*"} else first


def fetch(url: str, timeout: float) -> tuple[int, dict]:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"Host": probe_host()})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:  # 503 still carries the report
        return exc.code, json.loads(exc.read() or b"{}")


def verdict(status: int, report: dict, beat_max_age: int | None) -> str | None:
    """None when healthy, else the reason (printed into `docker inspect`)."""
    if status != 200:
        return f"/healthz answered {status}: {report}"
    if beat_max_age is not None:
        age = (report.get("beat") or {}).get("age_seconds")
        if age is None or age > beat_max_age:
            return f"beat has not ticked for {age} s (limit {beat_max_age} s)"
    return None


def main(argv: list[str] | None = None) -> int:
    port = config.env_int("READINESS_WEB_PORT", 8000, minimum=1)
    parser = argparse.ArgumentParser(prog="python -m readiness.healthcheck")
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}/healthz")
    parser.add_argument("--beat-max-age", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=5)
    args = parser.parse_args(argv)
    try:
        problem = verdict(*fetch(args.url, args.timeout), args.beat_max_age)
    except (OSError, ValueError) as exc:
        problem = f"{args.url}: {type(exc).__name__}: {exc}"
    print(problem or "healthy")
    return 1 if problem else 0


if __name__ == "__main__":
    sys.exit(main())
