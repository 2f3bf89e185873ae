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
import zlib
from datetime import datetime, timezone
from pathlib import Path

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import FixedWindows, GlobalWindows

from pipelines import schemas


def window_folder(window_start_epoch: float) -> str:
    return "window=" + datetime.fromtimestamp(window_start_epoch, timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")


def content_file_name(shard: int, record_ids: list[str]) -> str:
    digest = hashlib.sha1("\n".join(sorted(record_ids)).encode()).hexdigest()[:16]
    return f"part-{shard:03d}-{digest}.avro"


class _WriteWindowFile(beam.DoFn):
    def __init__(self, output_dir: str, schema_name: str, id_field: str):
        self._output_dir, self._schema_name, self._id_field = output_dir, schema_name, id_field
        self.files = Metrics.counter("eventwire", "avro_files_written")

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
            | "Window" >> beam.WindowInto(FixedWindows(self._window_seconds))
            | "KeyByShard" >> beam.Map(lambda item: (zlib.crc32(item[1][id_field].encode()) % shards, item))
            | "GroupByShard" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(_WriteWindowFile(self._output_dir, self._schema_name, id_field))
            | "ReceiptsInGlobalWindow" >> beam.WindowInto(GlobalWindows())
        )
