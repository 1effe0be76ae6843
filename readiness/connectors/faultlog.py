"""Which transient faults one ingest met and how many retries absorbed them.

Every retry in the clients (token, Graph, Exchange) calls `fault_record`; the source
wraps its work in `collecting()` and puts the tally in the run's counts, so the run
history, the worker log and the command line all name the fault and the retries it took.
A context variable, not a global: two ingests in one process never mix their tallies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

_current: ContextVar[FaultLog | None] = ContextVar("readiness_fault_log", default=None)


@dataclass
class FaultLog:
    faults: Counter = field(default_factory=Counter)

    @property
    def retries(self) -> int:
        return sum(self.faults.values())

    def as_counts(self) -> dict:
        """Run counts: `retries` and `faults` ({name: times}), empty when nothing went wrong."""
        if not self.faults:
            return {}
        return {"retries": self.retries, "faults": dict(sorted(self.faults.items()))}

    def summary(self) -> str:
        return ", ".join(f"{name} ({times})" for name, times in sorted(self.faults.items()))


def fault_record(name: str) -> None:
    """One transient fault, about to be retried."""
    log = _current.get()
    if log is not None:
        log.faults[name] += 1


def fault_summary() -> str:
    """What the current ingest has retried so far ('' outside an ingest)."""
    log = _current.get()
    return log.summary() if log is not None else ""


@contextmanager
def collecting() -> Iterator[FaultLog]:
    log = FaultLog()
    token = _current.set(log)
    try:
        yield log
    finally:
        _current.reset(token)
