"""The connectors' ingest sources, registered with readiness.ingestion by name:
`(tenant, schedule, run) -> counts`.

"signins" and "exchange" read the real Microsoft 365 APIs through readiness.connectors
(in the demo, the local emulator serves them).
"""

from __future__ import annotations

from readiness.connectors.errors import ConnectorError, TransientError
from readiness.connectors.faultlog import collecting
from readiness.connectors.services import exchange_ingest, signins_ingest, source_outcome_record
from readiness.ingestion.services import register_source, run_heartbeat


def _connector_run(tenant, source: str, work) -> dict:
    """Run a connector ingest and record on the connection why it failed, if it did;
    the counts carry the transient faults met and the retries that absorbed them."""
    with collecting() as log:
        try:
            counts = work()
        except ConnectorError as exc:
            source_outcome_record(tenant=tenant, source=source, error=exc)
            raise
        except TransientError as exc:
            if log.faults:
                raise TransientError(f"{exc} (after {log.retries} retries: "
                                     f"{log.summary()})") from exc
            raise
    source_outcome_record(tenant=tenant, source=source, error=None)
    return {**counts, **log.as_counts()}


@register_source("signins")
def signins_source(tenant, schedule, run) -> dict:
    return _connector_run(tenant, "signins", lambda: signins_ingest(
        tenant=tenant, schedule=schedule, beat=lambda: run_heartbeat(run=run)))


@register_source("exchange")
def exchange_source(tenant, schedule, run) -> dict:
    return _connector_run(tenant, "exchange", lambda: exchange_ingest(
        tenant=tenant, beat=lambda: run_heartbeat(run=run)))
