"""`eventwire export`: the flat, labelled event rows of any output as CSV, Parquet or JSON lines.

Columns are the EventRow fields in schema order (schemas/event_row.avsc), so every format has the
same columns with the same names; Parquet keeps the types (strings, doubles, int quad class).
Files are written to a temporary name and renamed, mode 0644.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines import schemas
from pipelines.outputs import event_rows_of

FORMATS = ("csv", "parquet", "jsonl")
_ARROW_TYPES = {"string": pa.string(), "double": pa.float64(), "int": pa.int32(), "long": pa.int64(),
                "boolean": pa.bool_()}


def columns() -> list[str]:
    return [field["name"] for field in schemas.schema(schemas.EVENT_ROW)["fields"]]


def arrow_schema() -> pa.Schema:
    """The EventRow schema in Arrow types; a ["null", T] union is a nullable T."""
    fields = []
    for field in schemas.schema(schemas.EVENT_ROW)["fields"]:
        kinds = field["type"] if isinstance(field["type"], list) else [field["type"]]
        (kind,) = [k for k in kinds if k != "null"]
        fields.append(pa.field(field["name"], _ARROW_TYPES[kind], nullable="null" in kinds))
    return pa.schema(fields)


def encode(rows: list[dict], fmt: str) -> bytes:
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=columns(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return text.getvalue().encode()
    if fmt == "parquet":
        sink = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema()), sink)
        return sink.getvalue().to_pybytes()
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


def write_file(path: Path, content: bytes) -> Path:
    """Write `content` atomically (temporary file, rename) with mode 0644."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def export(output: Path, fmt: str, to: Path | None) -> int:
    """Write the event rows of `output` in `fmt` to `to` (stdout without one); returns the row count."""
    if fmt == "parquet" and to is None:
        raise ValueError("parquet is binary: give --to FILE")
    rows = event_rows_of(output)
    content = encode(rows, fmt)
    if to is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        write_file(to, content)
    return len(rows)
