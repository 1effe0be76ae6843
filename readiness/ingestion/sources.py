"""The demo source: loads the demo generator's "today" for a tenant.

Real sources (Graph sign-ins, Exchange settings) live in readiness.connectors and
register themselves the same way.
"""

from __future__ import annotations

from readiness.ingestion.services import register_source


@register_source("demo")
def demo_source(tenant, schedule, run) -> dict:
    from readiness.demo.services import demo_ingest_today

    return demo_ingest_today(tenant=tenant)
