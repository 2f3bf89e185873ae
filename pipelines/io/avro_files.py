"""Avro container files with deterministic names.

`WriteWindowedAvro` groups records into fixed event-time windows and writes one file per
window and shard, named from the window and a hash of the article ids it holds:
`window=<start>/part-<shard>-<content hash>.avro`. Writing the same records again replaces the
same file, and a file appears whole or not at all (`schemas.write_atomically`). Each written
record's receipt goes on downstream, back in the global window, so offsets are committed only
after the file exists and receipts from every sink can be flattened together.

Paths go through Beam's FileSystems, so the output folder may be a local or shared folder or an
object-store URL (gs://, s3://, when Beam's extras for it are installed). The folder upkeep done
at start lives here too: leftover temporary files are removed, damaged files are moved aside.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from datetime import datetime, timezone
from typing import Iterable

import apache_beam as beam
from apache_beam.io.filesystem import FileMetadata
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import FixedWindows, GlobalWindows

from pipelines import counters, schemas
from pipelines.io.windowing import never_drop_late

QUARANTINE = "_quarantine"
STALE_TEMPORARY_SECONDS = 15 * 60


def _relative(output_dir: str, path: str) -> str:
    return path[len(output_dir.rstrip("/")) + 1:] if path.startswith(output_dir.rstrip("/") + "/") else path


def _matching(output_dir: str, pattern: str) -> list[FileMetadata]:
    return FileSystems.match([FileSystems.join(output_dir, pattern)])[0].metadata_list


def output_files(output_dir: str, skip_folders: tuple[str, ...] = ()) -> list[FileMetadata]:
    """The Avro files under `output_dir`, with their modification times; not temporary or quarantined ones, nor
    those under the top-level `skip_folders`."""
    skipped = tuple(folder + "/" for folder in (QUARANTINE, *skip_folders))
    return [file for file in _matching(output_dir, "**.avro")
            if not FileSystems.split(file.path)[1].startswith(".")
            and not _relative(output_dir, file.path).startswith(skipped)]


def remove_stale_temporaries(output_dir: str, older_than_epoch: float) -> list[str]:
    """Delete the temporary files (`.tmp-*`) that writers killed mid-write left under `output_dir`.

    Only files last modified before `older_than_epoch` (callers use STALE_TEMPORARY_SECONDS ago): a
    younger one may be another writer's, still being written into the same folder, and stays. Every worker
    cleans up at start, so a file another one deleted first is no error; the list is of those this call deleted.
    """
    stale = [file.path for file in _matching(output_dir, f"**{schemas.TEMPORARY_PREFIX}*")
             if FileSystems.split(file.path)[1].startswith(schemas.TEMPORARY_PREFIX)
             and file.last_updated_in_seconds < older_than_epoch]
    deleted = []
    for path in stale:
        try:
            FileSystems.delete([path])
        except IOError:
            if FileSystems.exists(path):
                raise
            continue
        deleted.append(path)
    return deleted


def quarantine(output_dir: str, error: schemas.CorruptContainer) -> str | None:
    """Move a damaged file to `<output>/_quarantine/<its relative path>`, out of every reader's way, and say so
    in one WARNING line. None when another worker moved it first (each worker checks the folder at start)."""
    target = FileSystems.join(output_dir, QUARANTINE, _relative(output_dir, error.path))
    try:
        FileSystems.mkdirs(FileSystems.split(target)[0])
    except IOError:  # the folder is there already (LocalFileSystem raises then)
        pass
    try:
        FileSystems.rename([error.path], [target])
    except IOError:
        if FileSystems.exists(error.path):
            raise
        return None
    logging.getLogger(__name__).warning("damaged Avro file moved to %s: %s: %s", target, error.path, error.reason)
    return target


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
        path = FileSystems.join(self._output_dir, window_folder(float(window.start)), name)
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


def ids_digest(ids: Iterable[str]) -> dict:
    """Count and SHA-1 of a partition's distinct input article ids, kept in its `_COMPLETE` marker:
    `backfill --resume` skips the partition only while the input's ids for it stay the same."""
    distinct = sorted(set(ids))
    return {"input_ids": len(distinct), "input_ids_sha1": hashlib.sha1("\n".join(distinct).encode()).hexdigest()}


def complete_partitions(output_dir: str) -> dict[str, dict]:
    """Partitions (`date=...`) whose file and completion marker were both written, with the marker's content."""
    markers = _matching(output_dir, f"date=*/{COMPLETE_MARKER}")
    return {FileSystems.split(FileSystems.split(marker.path)[0])[1]: json.loads(schemas.read_if_exists(marker.path))
            for marker in markers}


class _WritePartitionFile(beam.DoFn):
    def __init__(self, output_dir: str, schema_name: str, id_field: str, volatile_fields: tuple[str, ...]):
        self._output_dir, self._schema_name, self._id_field = output_dir, schema_name, id_field
        self._volatile_fields = volatile_fields
        self.rewritten = counters.counter(counters.PARTITIONS_WRITTEN)
        self.unchanged = counters.counter(counters.PARTITIONS_UNCHANGED)

    def process(self, element, input_digests=None):
        partition, records = element
        records = sorted(records, key=lambda record: record[self._id_field])
        path = FileSystems.join(self._output_dir, partition, "part-00000.avro")
        if schemas.write_container_if_changed(path, self._schema_name, records, self._volatile_fields):
            self.rewritten.inc()
        else:
            self.unchanged.inc()
        marker = FileSystems.join(self._output_dir, partition, COMPLETE_MARKER)
        content = (json.dumps({"records": len(records), "content_sha1": schemas.container_digest(path),
                               **(input_digests or {}).get(partition, {})}) + "\n").encode()
        if schemas.read_if_exists(marker) != content:
            schemas.write_atomically(marker, content)
        yield partition


class WriteDatePartitionedAvro(beam.PTransform):
    """Records -> one Avro file per publication date, `date=YYYY-MM-DD/part-00000.avro`, plus `_COMPLETE`.

    Each partition is written whole from one group, so running the same input again targets
    the same files; a file whose content (ignoring `volatile_fields` such as processed_at) is
    unchanged is left as it is, so a re-run changes no file. A partition with its marker is
    complete; `input_digests`, (partition, `ids_digest`) pairs of the whole input, go in the marker.
    Outputs the names of the partitions.
    """

    def __init__(self, output_dir: str, schema_name: str, id_field: str, date_field: str,
                 volatile_fields: tuple[str, ...] = (), input_digests=None):
        super().__init__()
        self._output_dir, self._schema_name, self._id_field, self._date_field = output_dir, schema_name, id_field, date_field
        self._volatile_fields, self._input_digests = volatile_fields, input_digests

    def expand(self, records):
        date_field = self._date_field
        side_inputs = {"input_digests": beam.pvalue.AsDict(self._input_digests)} if self._input_digests is not None else {}
        return (
            records
            | "KeyByDate" >> beam.Map(lambda record: (date_partition(record[date_field]), record))
            | "GroupByDate" >> beam.GroupByKey()
            | "WritePartitions" >> beam.ParDo(_WritePartitionFile(self._output_dir, self._schema_name, self._id_field,
                                                                  self._volatile_fields), **side_inputs)
        )


class WriteSingleAvroFile(beam.PTransform):
    """All records into one Avro file, sorted by `sort_field`, rewritten only when its content changed."""

    def __init__(self, path: str, schema_name: str, sort_fields: tuple[str, ...], volatile_fields: tuple[str, ...] = ()):
        super().__init__()
        self._path, self._schema_name, self._sort_fields, self._volatile_fields = path, schema_name, sort_fields, volatile_fields

    def expand(self, records):
        path, schema_name, sort_fields, volatile = self._path, self._schema_name, self._sort_fields, self._volatile_fields
        return (
            records
            | "Gather" >> beam.combiners.ToList()
            | "Write" >> beam.Map(lambda gathered: schemas.write_container_if_changed(
                path, schema_name, sorted(gathered, key=lambda r: tuple(str(r[f]) for f in sort_fields)), volatile))
        )
