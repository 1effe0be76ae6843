"""Injected faults, selectable, deterministic, counted and readable (GET /_emulator/faults).

Spec: comma-separated `name[=value]`, e.g. `token-503-once,reset-once,429=0.2`.

Rate faults (per Graph/Exchange request, drawn from a seeded generator):
  429, 429-no-retry-after, 503   probability 0..1
  truncate                       probability an InvokeCommand page carries the
                                 truncation warning
  latency=200ms                  every Graph/Exchange answer waits this long

Deterministic faults (no randomness: each fires the first time its key is seen, so any
retry succeeds and a clean rerun of the same ingest meets the same faults):
  token-503-once         the token endpoint answers 503 temporarily_unavailable
                         (AADSTS90033) to each tenant's first token request
  429-once, 429-no-retry-after-once, 503-once
                         each distinct Graph/Exchange request (method, path, query,
                         body) is refused once
  reset-once             each distinct request's answer is cut off mid-body, once
  slow-once=3            each distinct request is answered after 3 s, once (set the
                         client's read timeout below it)
  expire-once            each tenant's second Graph and second Exchange request says the
                         token has expired (401), once
  truncate-once          each distinct InvokeCommand page carries the truncation warning
                         once
Every fault that fires is counted in `counts` ({name: times}).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field

RATES = {"429", "429-no-retry-after", "503", "truncate"}
ONCE = {"token-503-once", "429-once", "429-no-retry-after-once", "503-once", "reset-once",
        "slow-once", "expire-once", "truncate-once"}
KNOWN = RATES | ONCE | {"latency"}


@dataclass
class Faults:
    rates: dict[str, float] = field(default_factory=dict)
    latency_ms: int = 0
    seed: int = 0
    once: set[str] = field(default_factory=set)
    slow_seconds: float = 0.0
    spec: str = ""
    counts: Counter = field(default_factory=Counter)
    _seen: dict[str, set] = field(default_factory=dict, repr=False)
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def roll(self, name: str) -> bool:
        rate = self.rates.get(name, 0.0)
        with self._lock:
            hit = rate > 0 and self._rng.random() < rate
            if hit:
                self.counts[name] += 1
            return hit

    def first(self, name: str, key) -> bool:
        """True the first time `key` meets the enabled once-fault `name` (and counts it)."""
        if name not in self.once:
            return False
        with self._lock:
            seen = self._seen.setdefault(name, set())
            if key in seen:
                return False
            seen.add(key)
            self.counts[name] += 1
            return True

    def tally(self, name: str, key, *, at: int) -> bool:
        """True when `key` is seen for the `at`-th time (once-faults that fire mid-run)."""
        if name not in self.once:
            return False
        with self._lock:
            seen = self._seen.setdefault(name, Counter())
            seen[key] += 1
            if seen[key] != at:
                return False
            self.counts[name] += 1
            return True

    def report(self) -> dict:
        with self._lock:
            return {"spec": self.spec, "counts": dict(sorted(self.counts.items()))}


def faults_parse(spec: str, *, seed: int = 0) -> Faults:
    faults = Faults(seed=seed, spec=spec or "")
    for item in filter(None, (part.strip() for part in (spec or "").split(","))):
        name, _, value = item.partition("=")
        if name not in KNOWN:
            raise ValueError(f"Unknown fault {name!r}; known: {', '.join(sorted(KNOWN))}")
        if name == "latency":
            faults.latency_ms = int(value.removesuffix("ms") or 0)
        elif name in ONCE:
            faults.once.add(name)
            if name == "slow-once":
                faults.slow_seconds = float(value.removesuffix("s") or 3)
        else:
            rate = float(value or 1)
            if not 0 <= rate <= 1:
                raise ValueError(f"Fault {name} needs a probability between 0 and 1, got "
                                 f"{value}")
            faults.rates[name] = rate
    return faults
