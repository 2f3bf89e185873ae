"""Avro schemas, loaded from the repository's `schemas/*.avsc` (the single source of truth).

Also the two wire forms eventwire writes: Avro container files (atomic, so a crash never
leaves half a file) and Avro single-object encoding for Kafka messages. Single-object
encoding (Avro spec: 0xC3 0x01, then the 8-byte little-endian CRC-64-AVRO fingerprint of the
writer schema, then the binary datum) identifies the schema in every message without a
schema registry; `SCHEMA_HEADER` carries the schema's full name beside it for humans.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import struct
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

import fastavro
from fastavro.schema import fingerprint, load_schema, to_parsing_canonical_form
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


def content_digest(records: list[dict], volatile_fields: tuple[str, ...] = ()) -> str:
    """SHA-1 of the records' content, leaving out fields that change on every run (e.g. processed_at)."""
    digest = hashlib.sha1()
    for record in records:
        stable = {key: value for key, value in record.items() if key not in volatile_fields}
        digest.update(repr(sorted(stable.items())).encode())
    return digest.hexdigest()


def container_digest(path: Path) -> str | None:
    """The content digest stored in an Avro container file's header, if any."""
    if not path.is_file():
        return None
    with open(path, "rb") as source:
        return fastavro.reader(source).metadata.get(CONTENT_DIGEST_KEY)


def write_container_atomically(path: Path, name: str, records: Iterable[dict], digest: str | None = None) -> Path:
    """Write an Avro container file via a temporary file and rename, so readers see all or nothing.

    With a content `digest`, the file is byte-for-byte reproducible: the digest goes in the header
    and seeds the sync marker (which fastavro otherwise draws at random).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".avro")
    extra = {"metadata": {CONTENT_DIGEST_KEY: digest}, "sync_marker": bytes.fromhex(digest)[:16]} if digest else {}
    try:
        with os.fdopen(handle, "wb") as out:
            fastavro.writer(out, schema(name), records, codec="deflate", validator=True, **extra)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; output files are for other users and tools too
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_container_if_changed(path: Path, name: str, records: list[dict], volatile_fields: tuple[str, ...] = ()) -> bool:
    """Write `records` unless the file already holds the same content (ignoring volatile fields).

    Re-running a job on the same input then changes no file, while a changed coder's output
    replaces it. Returns whether the file was written.
    """
    digest = content_digest(records, volatile_fields)
    if container_digest(path) == digest:
        return False
    write_container_atomically(path, name, records, digest)
    return True


def read_container(path: Path, reader_name: str | None = None) -> Iterator[dict]:
    """Records of an Avro container file, optionally resolved to the current schema `reader_name`."""
    with open(path, "rb") as source:
        reader_schema = schema(reader_name) if reader_name else None
        yield from fastavro.reader(source, reader_schema=reader_schema)
