"""The one place each record of schemas/annotated_article.avsc is assembled: Event, Actor, Location, Entity and
AnnotatedArticle.

Each builder takes the record's fields as keyword arguments and returns a dict with exactly the fields of its
schema, in schema order: a field the caller leaves out takes the schema's default, a field without a default must
be given, and a name the schema does not know is an error. Fields and defaults are read from the .avsc file, so a
field added to the schema reaches every record without editing the callers (tests/unit/test_builders.py compares
each builder's output with its schema).
"""

from __future__ import annotations

import copy
import functools
import json

from pipelines import schemas

_NO_DEFAULT = object()


@functools.lru_cache(maxsize=None)
def _records_of(schema_name: str) -> dict[str, tuple[tuple[str, object], ...]]:
    """{record name: ((field, default or _NO_DEFAULT), ...)} of every named record in schemas/<schema_name>.avsc."""
    records: dict[str, tuple[tuple[str, object], ...]] = {}

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("type") == "record":
                records[node["name"]] = tuple((f["name"], f.get("default", _NO_DEFAULT)) for f in node["fields"])
                for item in node["fields"]:
                    walk(item["type"])
            else:
                for key in ("items", "values", "type"):
                    if key in node:
                        walk(node[key])

    walk(json.loads((schemas.SCHEMA_DIR / f"{schema_name}.avsc").read_text(encoding="utf-8")))
    return records


def field_names(record: str, schema_name: str = schemas.ANNOTATED_ARTICLE) -> tuple[str, ...]:
    return tuple(name for name, _ in _records_of(schema_name)[record])


def build(record: str, values: dict, schema_name: str = schemas.ANNOTATED_ARTICLE) -> dict:
    """`values` as the schema's `record`: every field in schema order, defaults filled, unknown names refused."""
    fields = _records_of(schema_name)[record]
    unknown = set(values) - {name for name, _ in fields}
    if unknown:
        raise TypeError(f"{record} has no field {', '.join(sorted(unknown))}")
    built = {}
    for name, default in fields:
        if name in values:
            built[name] = values[name]
        elif default is _NO_DEFAULT:
            raise TypeError(f"{record} needs {name!r} (its schema gives no default)")
        else:
            built[name] = copy.deepcopy(default)
    return built


def actor(**values) -> dict:
    return build("Actor", values)


def location(**values) -> dict:
    return build("Location", values)


def entity(**values) -> dict:
    return build("Entity", values)


def event(**values) -> dict:
    return build("Event", values)


def annotated_article(**values) -> dict:
    return build("AnnotatedArticle", values)


def event_row(**values) -> dict:
    return build("EventRow", values, schemas.EVENT_ROW)
