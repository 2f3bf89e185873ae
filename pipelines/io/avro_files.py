"""Avro container files with deterministic names.

`WriteWindowedAvro` groups records into fixed event-time windows and writes one file per
window and shard, named from the window and a hash of the article ids it holds:
`window=<start>/part-<shard>-<content hash>.avro`. Writing the same records again replaces the
same file, and a file appears whole or not at all (temporary file, then rename). Each written
record's receipt goes on downstream, back in the global window, so offsets are committed only
after the file exists and receipts from every sink can be flattened together.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import datetime, timezone
from pathlib import Path

import apache_beam as beam
from apache_beam.transforms.window import FixedWindows, GlobalWindows

from pipelines import counters, schemas
from pipelines.io.windowing import never_drop_late


def window_folder(window_start_epoch: float) -> str:
    return "window=" + datetime.fromtimestamp(window_start_epoch, timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")


def content_file_name(shard: int, record_ids: list[str]) -> str:
    digest = hashlib.sha1("\n".join(sorted(record_ids)).encode()).hexdigest()[:16]
    return f"part-{shard:03d}-{digest}.avro"


class _WriteWindowFile(beam.DoFn):
    def __init__(self, output_dir: str, schema_name: str, id_field: str):
        self._output_dir, self._schema_name, self._id_field = output_dir, schema_name, id_field
        self.files = counters.counter(counters.AVRO_FILES_WRITTEN)

    def process(self, element, window=beam.DoFn.WindowParam):
        shard, tracked = element
        tracked = sorted(tracked, key=lambda item: item[1][self._id_field])
        records = [record for _, record in tracked]
        name = content_file_name(shard, [record[self._id_field] for record in records])
        path = Path(self._output_dir) / window_folder(float(window.start)) / name
        schemas.write_container_atomically(path, self._schema_name, records)
        self.files.inc()
        for receipt, _ in tracked:
            yield receipt


class WriteWindowedAvro(beam.PTransform):
    """(receipt, record) -> Avro files per window and shard; outputs the receipts of written records."""

    def __init__(self, output_dir: str, schema_name: str, id_field: str, window_seconds: int = 60, shards: int = 1):
        super().__init__()
        self._output_dir, self._schema_name, self._id_field = output_dir, schema_name, id_field
        self._window_seconds, self._shards = window_seconds, shards

    def expand(self, tracked):
        shards, id_field = self._shards, self._id_field
        return (
            tracked
            | "Window" >> beam.WindowInto(FixedWindows(self._window_seconds), **never_drop_late())
            | "KeyByShard" >> beam.Map(lambda item: (zlib.crc32(item[1][id_field].encode()) % shards, item))
            | "GroupByShard" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(_WriteWindowFile(self._output_dir, self._schema_name, id_field))
            | "ReceiptsInGlobalWindow" >> beam.WindowInto(GlobalWindows())
        )


UNKNOWN_DATE = "unknown"
COMPLETE_MARKER = "_COMPLETE"


def date_partition(published_at: str | None) -> str:
    """`date=YYYY-MM-DD` of an ISO-8601 timestamp; `date=unknown` when there is none."""
    return f"date={published_at[:10] if published_at else UNKNOWN_DATE}"


def complete_partitions(output_dir: str) -> frozenset[str]:
    """Partitions (`date=...`) whose file and completion marker were both written."""
    root = Path(output_dir)
    return frozenset(marker.parent.name for marker in root.glob(f"date=*/{COMPLETE_MARKER}")) if root.is_dir() else frozenset()


class _WritePartitionFile(beam.DoFn):
    def __init__(self, output_dir: str, schema_name: str, id_field: str, volatile_fields: tuple[str, ...]):
        self._output_dir, self._schema_name, self._id_field = output_dir, schema_name, id_field
        self._volatile_fields = volatile_fields
        self.rewritten = counters.counter(counters.PARTITIONS_WRITTEN)
        self.unchanged = counters.counter(counters.PARTITIONS_UNCHANGED)

    def process(self, element):
        partition, records = element
        records = sorted(records, key=lambda record: record[self._id_field])
        folder = Path(self._output_dir) / partition
        if schemas.write_container_if_changed(folder / "part-00000.avro", self._schema_name, records, self._volatile_fields):
            self.rewritten.inc()
        else:
            self.unchanged.inc()
        marker = folder / COMPLETE_MARKER
        content = json.dumps({"records": len(records), "content_sha1": schemas.container_digest(folder / "part-00000.avro")}) + "\n"
        if not marker.is_file() or marker.read_text() != content:
            marker.write_text(content)
        yield partition


class WriteDatePartitionedAvro(beam.PTransform):
    """Records -> one Avro file per publication date, `date=YYYY-MM-DD/part-00000.avro`, plus `_COMPLETE`.

    Each partition is written whole from one group, so running the same input again targets
    the same files; a file whose content (ignoring `volatile_fields` such as processed_at) is
    unchanged is left as it is, so a re-run changes no file. A partition with its marker is
    complete. Outputs the names of the partitions.
    """

    def __init__(self, output_dir: str, schema_name: str, id_field: str, date_field: str,
                 volatile_fields: tuple[str, ...] = ()):
        super().__init__()
        self._output_dir, self._schema_name, self._id_field, self._date_field = output_dir, schema_name, id_field, date_field
        self._volatile_fields = volatile_fields

    def expand(self, records):
        date_field = self._date_field
        return (
            records
            | "KeyByDate" >> beam.Map(lambda record: (date_partition(record[date_field]), record))
            | "GroupByDate" >> beam.GroupByKey()
            | "WritePartitions" >> beam.ParDo(_WritePartitionFile(self._output_dir, self._schema_name, self._id_field,
                                                                  self._volatile_fields))
        )


class WriteSingleAvroFile(beam.PTransform):
    """All records into one Avro file, sorted by `sort_field`, rewritten only when its content changed."""

    def __init__(self, path: str, schema_name: str, sort_fields: tuple[str, ...], volatile_fields: tuple[str, ...] = ()):
        super().__init__()
        self._path, self._schema_name, self._sort_fields, self._volatile_fields = path, schema_name, sort_fields, volatile_fields

    def expand(self, records):
        path, schema_name, sort_fields, volatile = Path(self._path), self._schema_name, self._sort_fields, self._volatile_fields
        return (
            records
            | "Gather" >> beam.combiners.ToList()
            | "Write" >> beam.Map(lambda gathered: schemas.write_container_if_changed(
                path, schema_name, sorted(gathered, key=lambda r: tuple(str(r[f]) for f in sort_fields)), volatile))
        )
