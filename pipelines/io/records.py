"""What every reader hands the pipeline, whatever it reads (Kafka, JSON lines, WARC): the raw bytes and a receipt."""

from __future__ import annotations

from typing import NamedTuple


class Receipt(NamedTuple):
    """Where a record came from: enough to trace it and, for Kafka, to commit its offset."""

    uri: str
    partition: int | None
    offset: int
    appended_ms: int | None = None
    """The broker's record timestamp (Kafka append or producer time), for latency; event time is the read time."""

    def origin(self) -> dict:
        return {"uri": self.uri, "partition": self.partition, "offset": self.offset}


class KafkaRecord(NamedTuple):
    """A raw input record; file and WARC readers use it too (partition None, offset = line or record number)."""

    receipt: Receipt
    key: bytes | None
    value: bytes
    timestamp_ms: int
