"""Event-time windows of the stream's sinks (Avro files, offset commits), shared so both close alike."""

from __future__ import annotations

from apache_beam.transforms import trigger
from apache_beam.utils.timestamp import Duration

LATE_DATA_SECONDS = 7 * 24 * 3600


def never_drop_late() -> dict:
    """WindowInto settings under which a late element is not dropped but fires in a pane of its own.

    Ingestion-time stamping (see `_ReadPartition`) means no element should ever be late; this is the second
    line of defence, so that a stalled bundle costs an extra small file, never a lost record."""
    return {"trigger": trigger.AfterWatermark(late=trigger.AfterCount(1)),
            "accumulation_mode": trigger.AccumulationMode.DISCARDING,
            "allowed_lateness": Duration(seconds=LATE_DATA_SECONDS)}
