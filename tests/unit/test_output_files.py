"""The output folder: verified reads, quarantine, durable writes, stale temporary files, any Beam FileSystem."""

import io
import logging
import os
import stat
import time
from pathlib import Path

import apache_beam as beam
import fastavro
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue

from pipelines import schemas
from pipelines.io.avro_files import (QUARANTINE, STALE_TEMPORARY_SECONDS, WriteDatePartitionedAvro, WriteWindowedAvro,
                                     complete_partitions, remove_stale_temporaries)
from pipelines.io.records import Receipt
from pipelines.transforms.dedup import ids_already_written
from tests.unit.memory_filesystem import MemoryFileSystem

ANNOTATED = {"article_id": "", "url": "u", "source": "s", "title": "t", "published_at": None,
             "processed_at": "2020-01-01T00:00:00Z", "language": "en", "entities": [], "events": [],
             "model": "m", "pipeline_version": "0", "origin": None}


def articles(*ids: str, title: str = "t") -> list[dict]:
    return [{**ANNOTATED, "article_id": article_id, "title": title} for article_id in ids]


def many_blocks(path: Path) -> bytes:
    """A container of several blocks (fastavro starts a block every ~16 kB of records)."""
    schemas.write_container_atomically(path, schemas.ANNOTATED_ARTICLE,
                                       articles(*(f"id-{i:04d}" for i in range(400)), title="x" * 200))
    return path.read_bytes()


def last_block_offset(data: bytes) -> int:
    blocks = list(fastavro.block_reader(io.BytesIO(data)))
    assert len(blocks) > 1
    return blocks[-1].offset


def test_a_file_cut_at_a_block_boundary_is_caught_by_its_record_count(tmp_path):
    data = many_blocks(tmp_path / "whole.avro")
    cut = tmp_path / "cut.avro"
    cut.write_bytes(data[:last_block_offset(data)])
    assert sum(1 for _ in fastavro.reader(io.BytesIO(cut.read_bytes()))) < 400, "fastavro alone reads it silently"
    with pytest.raises(schemas.CorruptContainer, match="cut.avro.*header says 400"):
        list(schemas.read_container(cut))


def test_a_file_without_a_record_count_is_read_as_it_is(tmp_path):
    path = tmp_path / "old.avro"
    with open(path, "wb") as out:
        fastavro.writer(out, schemas.schema(schemas.ANNOTATED_ARTICLE), articles("a", "b"))
    assert [record["article_id"] for record in schemas.read_container(path)] == ["a", "b"]


def test_damaged_files_are_quarantined_each_named_in_one_warning_and_the_rest_is_read(tmp_path, caplog):
    schemas.write_container_atomically(tmp_path / "window=1" / "good.avro", schemas.ANNOTATED_ARTICLE, articles("a"))
    data = many_blocks(tmp_path / "window=2" / "whole.avro")
    damaged = {"window=2/whole.avro": data[:last_block_offset(data)],  # cut at a block boundary
               "window=2/mid-block.avro": data[:len(data) - 100],
               "window=3/empty.avro": b"",
               "garbage.avro": b"not avro at all"}
    for name, content in damaged.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(content)

    with caplog.at_level(logging.WARNING):
        assert ids_already_written(str(tmp_path), 0) == {"a"}

    for name, content in damaged.items():
        assert not (tmp_path / name).exists()
        assert (tmp_path / QUARANTINE / name).read_bytes() == content
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == len(damaged) and all("\n" not in line for line in warnings)
    assert sorted(name for name in damaged if any(str(tmp_path / name) in line for line in warnings)) == sorted(damaged)
    caplog.clear()
    assert ids_already_written(str(tmp_path), 0) == {"a"} and not caplog.records, "the quarantine is not read again"


def test_a_write_fsyncs_the_file_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    path = tmp_path / "w" / "f.avro"
    synced = []
    real_fsync = os.fsync

    def fsync(handle):
        is_folder = stat.S_ISDIR(os.fstat(handle).st_mode)
        synced.append(("folder" if is_folder else "file", os.readlink(f"/proc/self/fd/{handle}"), path.exists()))
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", fsync)
    schemas.write_container_atomically(path, schemas.ANNOTATED_ARTICLE, articles("a"))

    [(kind, temporary, renamed_yet), (folder_kind, folder, renamed_then)] = synced
    assert (kind, Path(temporary).parent, Path(temporary).name.startswith(".tmp-"), renamed_yet) == (
        "file", path.parent, True, False), "the data is on disk before the rename makes it visible"
    assert (folder_kind, folder, renamed_then) == ("folder", str(path.parent), True), "the rename itself is on disk"


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_files_are_created_with_the_mode_the_umask_gives(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        path = schemas.write_container_atomically(tmp_path / "f.avro", schemas.ANNOTATED_ARTICLE, articles("a"))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode


def test_only_stale_temporary_files_are_removed(tmp_path):
    now = time.time()
    folder = tmp_path / "window=1"
    stale, live, kept = folder / ".tmp-dead.avro", folder / ".tmp-live.avro", tmp_path / "x.avro"
    stale.parent.mkdir()
    for path in (stale, live, kept):
        path.write_bytes(b"partial")
    os.utime(stale, (now - STALE_TEMPORARY_SECONDS - 60, now - STALE_TEMPORARY_SECONDS - 60))
    os.utime(kept, (now - 10 * STALE_TEMPORARY_SECONDS, now - 10 * STALE_TEMPORARY_SECONDS))

    assert remove_stale_temporaries(str(tmp_path), now - STALE_TEMPORARY_SECONDS) == [str(stale)]
    assert not stale.exists() and live.exists() and kept.exists()


def test_a_temporary_file_another_worker_removed_first_is_no_error(tmp_path, monkeypatch):
    """Every worker cleans up at start: one that lists a stale file another has just deleted goes on."""
    from pipelines.io import avro_files

    now = time.time()
    stale, gone = tmp_path / ".tmp-dead.avro", tmp_path / ".tmp-gone.avro"
    for path in (stale, gone):
        path.write_bytes(b"partial")
        os.utime(path, (now - 2 * STALE_TEMPORARY_SECONDS, now - 2 * STALE_TEMPORARY_SECONDS))
    listed = avro_files._matching(str(tmp_path), "**.tmp-*")
    gone.unlink()  # the other worker was quicker
    monkeypatch.setattr(avro_files, "_matching", lambda *_: listed)

    assert remove_stale_temporaries(str(tmp_path), now - STALE_TEMPORARY_SECONDS) == [str(stale)]
    assert not stale.exists()


@pytest.fixture
def memory_output():
    MemoryFileSystem.FILES.clear()
    yield "memtest://bucket/out"
    MemoryFileSystem.FILES.clear()


def test_writers_and_the_start_of_a_stream_go_through_beam_filesystems(memory_output):
    items = [TimestampedValue((Receipt("kafka://raw", 0, i), {**ANNOTATED, "article_id": f"a{i}"}), t)
             for i, t in [(0, 1), (1, 65)]]
    with TestPipeline() as pipeline:
        receipts = (pipeline | beam.Create(items)
                    | WriteWindowedAvro(memory_output, schemas.ANNOTATED_ARTICLE, "article_id", window_seconds=60))
        assert_that(receipts | beam.Map(lambda receipt: receipt.offset), equal_to([0, 1]))
    written = sorted(MemoryFileSystem.FILES)
    assert len(written) == 2 and all(path.startswith(memory_output + "/window=") for path in written)

    MemoryFileSystem.FILES[memory_output + "/window=x/cut.avro"] = (MemoryFileSystem.FILES[written[0]][0][:-20], 0.0)
    assert ids_already_written(memory_output, -1) == {"a0", "a1"}
    assert memory_output + "/" + QUARANTINE + "/window=x/cut.avro" in MemoryFileSystem.FILES


def test_date_partitions_and_their_markers_go_through_beam_filesystems(memory_output):
    records = articles("a", "b")
    records[1]["published_at"] = "2020-01-02T00:00:00Z"
    with TestPipeline() as pipeline:
        pipeline | beam.Create(records) | WriteDatePartitionedAvro(memory_output, schemas.ANNOTATED_ARTICLE,
                                                                   "article_id", "published_at")
    markers = complete_partitions(memory_output)
    assert sorted(markers) == ["date=2020-01-02", "date=unknown"] and markers["date=unknown"]["records"] == 1
    assert [r["article_id"] for r in schemas.read_container(memory_output + "/date=2020-01-02/part-00000.avro")] == ["b"]


def test_a_file_moved_away_by_a_concurrent_scan_is_skipped(tmp_path, monkeypatch):
    """Several Deduplicate instances scan the output at setup; one may quarantine a file another has just listed."""
    from pipelines.transforms import dedup

    output = tmp_path / "out"
    path = output / "window=2020-01-01T00-00-00Z" / "part-000-a.avro"
    schemas.write_container_atomically(path, schemas.ANNOTATED_ARTICLE, articles("kept"))
    gone = output / "window=2020-01-01T00-01-00Z" / "part-000-b.avro"
    schemas.write_container_atomically(gone, schemas.ANNOTATED_ARTICLE, articles("gone"))
    listed = dedup.output_files(str(output), skip_folders=("events",))
    gone.unlink()  # the other instance's quarantine moved it after this scan listed it
    monkeypatch.setattr(dedup, "output_files", lambda *args, **kwargs: listed)

    assert dedup.ids_already_written(str(output), 0) == frozenset({"kept"})
