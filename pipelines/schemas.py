"""Avro schemas, loaded from the repository's `schemas/*.avsc` (the single source of truth).

Also the two wire forms eventwire writes: Avro container files (atomic and fsynced, so a crash
never leaves half a file; read and written through Beam's FileSystems, so any scheme Beam
serves works) and Avro single-object encoding for Kafka messages. Single-object encoding
(Avro spec: 0xC3 0x01, then the 8-byte little-endian CRC-64-AVRO fingerprint of the writer
schema, then the binary datum) identifies the schema in every message without a schema
registry; `SCHEMA_HEADER` carries the schema's full name beside it for humans.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import struct
import uuid
import zlib
from pathlib import Path
from typing import Iterable, Iterator

import fastavro
from apache_beam.io.filesystems import FileSystems
from fastavro.schema import SchemaParseException, fingerprint, load_schema, to_parsing_canonical_form
from fastavro.validation import validate

# Installed from a wheel, the schemas ship as package data (pipelines/_schemas, see setup.py); in a source
# checkout or an editable install they are read from the top-level schemas/ folder, their source of truth.
_PACKAGED_SCHEMAS = Path(__file__).resolve().parent / "_schemas"
SCHEMA_DIR = Path(os.environ.get("EVENTWIRE_SCHEMA_DIR", _PACKAGED_SCHEMAS if _PACKAGED_SCHEMAS.is_dir()
                                 else Path(__file__).resolve().parent.parent / "schemas"))
SINGLE_OBJECT_MAGIC = b"\xc3\x01"
SCHEMA_HEADER = "eventwire.schema"

ARTICLE = "article"
ANNOTATED_ARTICLE = "annotated_article"
EVENT_ROW = "event_row"
DEAD_LETTER = "dead_letter"


@functools.lru_cache(maxsize=None)
def schema(name: str) -> dict:
    """The parsed schema of `schemas/<name>.avsc`."""
    return load_schema(str(SCHEMA_DIR / f"{name}.avsc"))


@functools.lru_cache(maxsize=None)
def schema_fingerprint(name: str) -> bytes:
    """CRC-64-AVRO fingerprint of the schema's parsing canonical form, as 8 little-endian bytes."""
    return struct.pack("<Q", int(fingerprint(to_parsing_canonical_form(schema(name)), "CRC-64-AVRO"), 16))


def full_name(name: str) -> str:
    return schema(name)["name"]


def check(record: dict, name: str) -> None:
    """Raise fastavro's ValidationError unless `record` fits the schema."""
    validate(record, schema(name), raise_errors=True, strict=True)


def encode_single_object(record: dict, name: str) -> bytes:
    buffer = io.BytesIO()
    buffer.write(SINGLE_OBJECT_MAGIC + schema_fingerprint(name))
    fastavro.schemaless_writer(buffer, schema(name), record)
    return buffer.getvalue()


def decode_single_object(message: bytes, name: str) -> dict:
    """Decode a single-object-encoded message written with schema `name` (or a compatible one)."""
    if message[:2] != SINGLE_OBJECT_MAGIC:
        raise ValueError("not Avro single-object encoded (missing 0xC3 0x01 marker)")
    if message[2:10] != schema_fingerprint(name):
        raise ValueError(f"message schema fingerprint {message[2:10].hex()} is not {full_name(name)}'s")
    return fastavro.schemaless_reader(io.BytesIO(message[10:]), schema(name), schema(name))


CONTENT_DIGEST_KEY = "eventwire.content_sha1"
RECORD_COUNT_KEY = "eventwire.records"
TEMPORARY_PREFIX = ".tmp-"
# What fastavro raises on a container that was cut short, emptied or damaged (measured by cutting a
# file at every byte and flipping random bits): one tuple, so such a file is reported, not a crash.
DECODE_ERRORS = (ValueError, EOFError, IndexError, KeyError, zlib.error, SchemaParseException)


class CorruptContainer(ValueError):
    """An Avro container file that cannot be read whole: damaged, emptied, or cut short."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def content_digest(records: list[dict], volatile_fields: tuple[str, ...] = ()) -> str:
    """SHA-1 of the records' content, leaving out fields that change on every run (e.g. processed_at)."""
    digest = hashlib.sha1()
    for record in records:
        stable = {key: value for key, value in record.items() if key not in volatile_fields}
        digest.update(repr(sorted(stable.items())).encode())
    return digest.hexdigest()


def container_digest(path: str | Path) -> str | None:
    """The content digest in an Avro container file's header, if any (None for a damaged file, so it is rewritten)."""
    path = str(path)
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path) as source:
        try:
            return fastavro.reader(source).metadata.get(CONTENT_DIGEST_KEY)
        except DECODE_ERRORS:
            return None


def container_bytes(name: str, records: Iterable[dict], digest: str | None = None) -> bytes:
    """An Avro container file of `records`. Its header holds the record count, so a file cut at a block
    boundary (which reads without error, only shorter) is detected; with a content `digest`, the file is
    byte-for-byte reproducible: the digest goes in the header and seeds the sync marker (else random)."""
    records = list(records)
    metadata = {RECORD_COUNT_KEY: str(len(records))}
    extra = {}
    if digest:
        metadata[CONTENT_DIGEST_KEY] = digest
        extra["sync_marker"] = bytes.fromhex(digest)[:16]
    buffer = io.BytesIO()
    fastavro.writer(buffer, schema(name), records, codec="deflate", validator=True, metadata=metadata, **extra)
    return buffer.getvalue()


def write_atomically(path: str, data: bytes) -> str:
    """Put `data` at `path` (a local path or any URL Beam's FileSystems serves) whole or not at all.

    Local paths, a shared mount included: a temporary file `.tmp-*` in the same folder is written and
    fsynced, renamed over `path`, then the folder is fsynced, so once this returns a power loss can
    neither empty the file nor undo the rename (on a disk that honours fsync). The file's mode is
    0o666 less the umask, like any file the process creates. Other schemes (gs://, s3://, ...): the
    object is written in place; object stores make it visible only once its upload completes, so
    readers still see all or nothing, but Beam has no atomic rename there and durability is the store's.
    """
    if FileSystems.get_scheme(path) is not None:
        with FileSystems.create(path) as out:
            out.write(data)
        return path
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}-{name}")
    try:
        with FileSystems.create(temporary) as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        FileSystems.rename([temporary], [path])
    except BaseException:
        if FileSystems.exists(temporary):
            FileSystems.delete([temporary])
        raise
    _fsync_folder(folder or ".")
    return path


def read_if_exists(path: str) -> bytes | None:
    """The bytes of the file at `path` (local path or URL), None when there is none."""
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path) as source:
        return source.read()


def _fsync_folder(folder: str) -> None:
    """Make a rename in `folder` durable: the new entry is on disk, not only in the page cache."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def write_container_atomically(path: str | Path, name: str, records: Iterable[dict], digest: str | None = None) -> str:
    """Write an Avro container file durably, whole or not at all (see `write_atomically`): every Avro writer's path."""
    return write_atomically(str(path), container_bytes(name, records, digest))


def write_container_if_changed(path: str | Path, name: str, records: list[dict],
                               volatile_fields: tuple[str, ...] = ()) -> bool:
    """Write `records` unless the file already holds the same content (ignoring volatile fields).

    Re-running a job on the same input then changes no file, while a changed coder's output
    replaces it. Returns whether the file was written.
    """
    digest = content_digest(records, volatile_fields)
    if container_digest(path) == digest:
        return False
    write_container_atomically(path, name, records, digest)
    return True


def read_container(path: str | Path, reader_name: str | None = None) -> Iterator[dict]:
    """Records of an Avro container file, optionally resolved to the current schema `reader_name`.

    Raises CorruptContainer, naming the file, when it cannot be decoded or holds fewer records than its
    header says (files written before the count was kept are taken as they are).
    """
    path = str(path)
    with FileSystems.open(path) as source:
        count = 0
        try:
            reader = fastavro.reader(source, reader_schema=schema(reader_name) if reader_name else None)
            for record in reader:
                count += 1
                yield record
        except DECODE_ERRORS as error:
            raise CorruptContainer(path, f"unreadable after {count} records ({type(error).__name__}: {error})") from None
        expected = reader.metadata.get(RECORD_COUNT_KEY)
        if expected is not None and int(expected) != count:
            raise CorruptContainer(path, f"{count} records, but its header says {expected} (cut short)")
