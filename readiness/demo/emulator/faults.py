"""Injected faults: `429=0.2,429-no-retry-after=0.1,503=0.1,latency=200ms,truncate=1`.

Each probability applies per Graph/Exchange request (the login service is spared, as
msal does not retry). `truncate` adds an @adminapi.warnings entry to InvokeCommand.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

KNOWN = {"429", "429-no-retry-after", "503", "latency", "truncate"}


@dataclass
class Faults:
    rates: dict[str, float] = field(default_factory=dict)
    latency_ms: int = 0
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def roll(self, name: str) -> bool:
        rate = self.rates.get(name, 0.0)
        with self._lock:
            return rate > 0 and self._rng.random() < rate


def faults_parse(spec: str, *, seed: int = 0) -> Faults:
    faults = Faults(seed=seed)
    for item in filter(None, (part.strip() for part in (spec or "").split(","))):
        name, _, value = item.partition("=")
        if name not in KNOWN:
            raise ValueError(f"Unknown fault {name!r}; known: {', '.join(sorted(KNOWN))}")
        if name == "latency":
            faults.latency_ms = int(value.removesuffix("ms") or 0)
            continue
        rate = float(value or 1)
        if not 0 <= rate <= 1:
            raise ValueError(f"Fault {name} needs a probability between 0 and 1, got {value}")
        faults.rates[name] = rate
    return faults
