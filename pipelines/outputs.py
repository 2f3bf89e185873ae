"""Reading what eventwire wrote, whatever wrote it: flat event rows and summaries of an output.

An output is an Avro file, a JSONL file written by `extract`, or a folder holding any of them
(stream windows, backfill partitions, `events/` event-row files, clusters, dead letters). Each
Avro file says what it holds in its header (the writer schema's name), so no layout is assumed.
`event_rows_of` gives one labelled EventRow per event: from event-row files where they exist,
else derived from the AnnotatedArticle records (the same `event_rows()` the pipeline uses);
an event found in both counts once.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterator

import fastavro

from pipelines import schemas
from pipelines.nlp import labels
from pipelines.nlp.records import event_rows

ANNOTATED_ARTICLE, EVENT_ROW, EVENT_CLUSTER, DEAD_LETTER = "AnnotatedArticle", "EventRow", "EventCluster", "DeadLetter"
_SCHEMA_FILES = {ANNOTATED_ARTICLE: schemas.ANNOTATED_ARTICLE, EVENT_ROW: schemas.EVENT_ROW,
                 EVENT_CLUSTER: "event_cluster", DEAD_LETTER: schemas.DEAD_LETTER}


def output_files(path: Path) -> list[Path]:
    """The Avro and JSONL record files of an output (a file, or every such file under a folder)."""
    path = Path(path)
    if path.is_file():
        return [path]
    found = [p for pattern in ("*.avro", "*.jsonl") for p in path.rglob(pattern)]
    return sorted(p for p in found if not p.name.startswith(".") and not p.name.endswith(".dead_letters.jsonl"))


def record_type(path: Path) -> str | None:
    """'AnnotatedArticle', 'EventRow', ... for a file eventwire wrote; None for any other file."""
    if path.suffix == ".avro":
        with open(path, "rb") as source:
            name = fastavro.reader(source).writer_schema["name"]
        return name.rsplit(".", 1)[-1]
    with open(path, encoding="utf-8") as source:
        first = source.readline()
    try:
        record = json.loads(first)
    except ValueError:
        return None
    if isinstance(record, dict) and "article_id" in record:
        return ANNOTATED_ARTICLE if "events" in record else EVENT_ROW if "event_id" in record else None
    return None


def records(path: Path, kind: str) -> Iterator[dict]:
    """The records of one file, Avro ones resolved to the current schema of their kind."""
    if path.suffix == ".avro":
        yield from schemas.read_container(path, _SCHEMA_FILES.get(kind))
        return
    with open(path, encoding="utf-8") as source:
        for line in source:
            if line.strip():
                yield json.loads(line)


def with_labels(row: dict) -> dict:
    """The row with every label field filled from its codes (rows written before labels existed have none)."""
    filled = dict(row)
    filled["event_description"] = labels.cameo_description(row["event_code"])
    filled["event_root_description"] = labels.cameo_description(row["event_root_code"])
    filled["quad_class_name"] = labels.quad_class_name(row["quad_class"])
    filled["plover_type"] = row.get("plover_type") or labels.plover(row["event_code"])
    for prefix in ("actor1", "actor2", "location"):
        filled[f"{prefix}_country_name"] = labels.country_name(row.get(f"{prefix}_country_code"))
    for prefix in ("actor1", "actor2"):
        filled[f"{prefix}_type_name"] = labels.actor_type_name(row.get(f"{prefix}_type_code"))
    return {field["name"]: filled.get(field["name"]) for field in schemas.schema(schemas.EVENT_ROW)["fields"]}


def event_rows_of(path: Path) -> list[dict]:
    """Every event of an output as a labelled EventRow, once each, sorted by date and id."""
    rows: dict[str, dict] = {}
    files = [(file, record_type(file)) for file in output_files(path)]
    for file, kind in files:
        if kind == EVENT_ROW:
            for row in records(file, kind):
                rows[row["event_id"]] = with_labels(row)
    for file, kind in files:
        if kind == ANNOTATED_ARTICLE:
            for article in records(file, kind):
                for row in event_rows(article):
                    rows.setdefault(row["event_id"], with_labels(row))
    return sorted(rows.values(), key=lambda row: (row["event_date"] or "", row["event_id"]))


def _root_label(code: str) -> str:
    return f"{code} {labels.cameo_description(code)}"


def summarise(files: list[Path]) -> dict:
    """Counts per record type in `files` (see output_files), with CAMEO, QuadClass and PLOVER labels."""
    by_type: dict[str, dict] = {}
    for file in files:
        kind = record_type(file) or "other"
        summary = by_type.setdefault(kind, {"files": 0, "records": 0})
        summary["files"] += 1
        if kind == "other":
            continue
        for record in records(file, kind):
            summary["records"] += 1
            _count(summary, kind, record)
    for summary in by_type.values():
        for key, value in summary.items():
            if isinstance(value, Counter):
                summary[key] = dict(sorted(value.items())) if key != "entities_by_label" else dict(value.most_common())
    return {"files": len(files), "records": sum(s["records"] for s in by_type.values()), "by_type": by_type}


def _count(summary: dict, kind: str, record: dict) -> None:
    def counter(name: str) -> Counter:
        return summary.setdefault(name, Counter())

    if kind == ANNOTATED_ARTICLE:
        counter("events_by_root_code").update(_root_label(e["event_root_code"]) for e in record["events"])
        counter("events_by_quad_class").update(
            f"{e['quad_class']} {labels.quad_class_name(e['quad_class'])}" for e in record["events"])
        counter("entities_by_label").update(entity["label"] for entity in record["entities"])
        summary["events"] = summary.get("events", 0) + len(record["events"])
    elif kind == EVENT_ROW:
        counter("events_by_root_code").update([_root_label(record["event_root_code"])])
        counter("events_by_quad_class").update([f"{record['quad_class']} {labels.quad_class_name(record['quad_class'])}"])
        counter("events_by_plover_type").update([record.get("plover_type") or "none (statement)"])
    elif kind == EVENT_CLUSTER:
        counter("clusters_by_root_code").update([_root_label(record["event_root_code"])])
        summary["mentions"] = summary.get("mentions", 0) + record["num_mentions"]
    elif kind == DEAD_LETTER:
        counter("by_reason").update([record["reason"]])
