"""Health of the moving parts, for /healthz."""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from readiness.celery import app as celery_app
from readiness.ingestion.tasks import BEAT_TICK_KEY


def health_report() -> dict:
    checks = {"database": _database(), "broker": _broker(), "beat": _beat()}
    ok = checks["database"]["ok"] and checks["broker"]["ok"]
    return {"ok": ok, **checks}


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # report, never raise: this is the health endpoint
        return {"ok": False, "error": type(exc).__name__}


def _broker() -> dict:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return {"ok": True, "transport": conn.transport_cls}
    except Exception as exc:  # report, never raise
        return {"ok": False, "error": type(exc).__name__}


def _beat() -> dict:
    raw = cache.get(BEAT_TICK_KEY)
    if not raw:
        return {"last_tick": None, "age_seconds": None}
    tick = datetime.fromisoformat(raw)
    return {"last_tick": raw, "age_seconds": round((timezone.now() - tick).total_seconds())}
