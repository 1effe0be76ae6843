"""Sliding-window rate limits shared by every worker.

Graph's identity and access reports allow 5 requests per 10 s per app and tenant, and
122 per 10 s per app across tenants. With REDIS_URL set the windows live in Redis
(sorted sets, checked and recorded by one Lua script so concurrent workers cannot both
take the last slot); without it, an in-process limiter keeps a single worker polite.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings

from readiness.connectors.errors import TransientError


@dataclass(frozen=True)
class Rule:
    key: str
    limit: int
    window: float  # seconds


def graph_report_rules(*, directory_id: str) -> list[Rule]:
    return [Rule(f"graph-reports:{directory_id.lower()}", 5, 10.0),
            Rule("graph-reports:all", 122, 10.0)]


class LocalLimiter:
    """In-process windows: correct for one worker process, used when Redis is absent."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock, self._lock = clock, threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def try_acquire(self, rules: Sequence[Rule]) -> float:
        """0 when admitted (and recorded under every rule), else seconds to wait."""
        with self._lock:
            now, wait = self._clock(), 0.0
            for rule in rules:
                hits = self._hits.setdefault(rule.key, deque())
                while hits and hits[0] <= now - rule.window:
                    hits.popleft()
                if len(hits) >= rule.limit:
                    wait = max(wait, hits[0] + rule.window - now)
            if wait <= 0:
                for rule in rules:
                    self._hits[rule.key].append(now)
            return wait


_REDIS_SCRIPT = """
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now)
  end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[#ARGV] .. ':' .. i)
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[2 * i + 1]) * 1000))
end
return '0'
"""


class RedisLimiter:
    """The same windows in Redis, shared by every worker; Redis's clock is the judge."""

    def __init__(self, client, prefix: str = "readiness:ratelimit:"):
        self._client, self._prefix = client, prefix
        self._script = client.register_script(_REDIS_SCRIPT)

    def try_acquire(self, rules: Sequence[Rule]) -> float:
        seconds, micros = self._client.time()
        args: list = [seconds + micros / 1_000_000]
        for rule in rules:
            args += [rule.limit, rule.window]
        args.append(uuid.uuid4().hex)
        keys = [self._prefix + rule.key for rule in rules]
        return float(self._script(keys=keys, args=args))


def acquire(limiter, rules: Sequence[Rule], *, sleep: Callable[[float], None],
            max_wait: float = 120.0) -> None:
    """Block until every rule admits one more request (bounded: never waits forever)."""
    waited = 0.0
    while (wait := limiter.try_acquire(rules)) > 0:
        if waited + wait > max_wait:
            raise TransientError("Rate limit window did not free up in time")
        sleep(wait)
        waited += wait


_local = LocalLimiter()


def limiter_default():
    if getattr(settings, "REDIS_URL", ""):
        import redis

        return RedisLimiter(redis.Redis.from_url(settings.REDIS_URL))
    return _local
