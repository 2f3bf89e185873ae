"""Schemas load from schemas/*.avsc; wire forms round-trip; old files read with the current schema."""

import json
from pathlib import Path

import fastavro
import pytest
from fastavro.validation import ValidationError

from pipelines import schemas

OLD_ANNOTATED_SCHEMA = Path(__file__).parent.parent / "fixtures" / "annotated_article.v0.avsc"
V1_ANNOTATED_SCHEMA = OLD_ANNOTATED_SCHEMA.parent / "annotated_article.v1.avsc"
V1_EVENT_ROW_SCHEMA = OLD_ANNOTATED_SCHEMA.parent / "event_row.v1.avsc"
V1_EVENT_FIELDS = {f["name"] for f in json.loads(V1_ANNOTATED_SCHEMA.read_text())["fields"][8]["type"]["items"]["fields"]}

ANNOTATED = {
    "article_id": "a1", "url": "https://x.org/1", "source": "Wire", "title": "t", "published_at": None,
    "processed_at": "2020-01-01T00:00:00Z", "language": "en",
    "entities": [{"text": "Kyiv", "label": "GPE", "canonical": "Kyiv", "country_code": "UKR", "lat": 50.45,
                  "lon": 30.52, "count": 2, "start_char": 0}],
    "events": [{"event_id": "e1", "event_code": "190", "event_root_code": "19", "quad_class": 4, "goldstein": -10.0,
                "actor1": {"name": "Russian troops", "code": "RUSMIL", "country_code": "RUS", "type_code": "MIL"},
                "actor2": None, "location": {"name": "Kyiv", "country_code": "UKR", "lat": 50.45, "lon": 30.52},
                "event_date": "2020-01-01", "sentence": "Russian troops attacked Kyiv.", "sentence_start": 0,
                "trigger": "attacked", "confidence": 0.8, "plover_type": "ASSAULT", "event_date_precision": "day",
                "background": False, "mentions": 2, "mention_sentences": [{"start": 0, "end": 29}, {"start": 31, "end": 60}]}],
    "model": "en_core_web_sm-3.8.0", "pipeline_version": "0.1.0",
    "origin": {"uri": "kafka://articles.raw", "partition": 0, "offset": 5},
}


@pytest.mark.parametrize("name", [schemas.ARTICLE, schemas.ANNOTATED_ARTICLE, schemas.EVENT_ROW, schemas.DEAD_LETTER])
def test_every_schema_loads_from_its_file(name):
    assert schemas.schema(name)["name"].startswith("io.eventwire.")


def test_single_object_round_trip_and_fingerprint():
    message = schemas.encode_single_object(ANNOTATED, schemas.ANNOTATED_ARTICLE)
    assert message[:2] == b"\xc3\x01" and message[2:10] == schemas.schema_fingerprint(schemas.ANNOTATED_ARTICLE)
    assert schemas.decode_single_object(message, schemas.ANNOTATED_ARTICLE) == ANNOTATED
    with pytest.raises(ValueError, match="fingerprint"):
        schemas.decode_single_object(message, schemas.ARTICLE)


def test_check_rejects_a_record_that_breaks_the_contract():
    with pytest.raises(ValidationError):
        schemas.check({**ANNOTATED, "entities": [{"text": "x"}]}, schemas.ANNOTATED_ARTICLE)


def test_container_is_written_atomically_and_reads_back(tmp_path):
    path = schemas.write_container_atomically(tmp_path / "a" / "f.avro", schemas.ANNOTATED_ARTICLE, [ANNOTATED])
    assert list(schemas.read_container(path)) == [ANNOTATED]
    assert [p.name for p in Path(path).parent.iterdir()] == ["f.avro"]


def test_failed_write_leaves_no_file(tmp_path):
    with pytest.raises(Exception):
        schemas.write_container_atomically(tmp_path / "f.avro", schemas.ANNOTATED_ARTICLE, [{"bad": 1}])
    assert list(tmp_path.iterdir()) == []


def test_file_written_with_the_previous_schema_reads_with_the_current_one(tmp_path):
    old_schema = fastavro.parse_schema(json.loads(OLD_ANNOTATED_SCHEMA.read_text()))
    old_record = {key: value for key, value in ANNOTATED.items() if key not in ("title", "origin")}
    old_record["events"] = [{k: v for k, v in event.items() if k in V1_EVENT_FIELDS
                             and k not in ("sentence_start", "trigger", "plover_type")} for event in ANNOTATED["events"]]
    path = tmp_path / "old.avro"
    with open(path, "wb") as out:
        fastavro.writer(out, old_schema, [old_record])
    [record] = list(schemas.read_container(path, schemas.ANNOTATED_ARTICLE))
    assert record["title"] == "" and record["origin"] is None
    assert record["events"][0]["trigger"] == "" and record["events"][0]["sentence_start"] == 0
    assert record["events"][0]["plover_type"] is None
    schemas.check(record, schemas.ANNOTATED_ARTICLE)


def test_files_written_before_merged_mentions_and_date_precision_read_with_the_current_schema(tmp_path):
    old_schema = fastavro.parse_schema(json.loads(V1_ANNOTATED_SCHEMA.read_text()))
    old_record = {**ANNOTATED, "events": [{k: v for k, v in event.items() if k in V1_EVENT_FIELDS}
                                          for event in ANNOTATED["events"]]}
    path = tmp_path / "v1.avro"
    with open(path, "wb") as out:
        fastavro.writer(out, old_schema, [old_record])
    [record] = list(schemas.read_container(path, schemas.ANNOTATED_ARTICLE))
    [event] = record["events"]
    assert (event["event_date_precision"], event["background"], event["mentions"], event["mention_sentences"]) == (
        "day", False, 1, [])
    schemas.check(record, schemas.ANNOTATED_ARTICLE)
    row_schema = fastavro.parse_schema(json.loads(V1_EVENT_ROW_SCHEMA.read_text()))
    row = {name: None for name in (f["name"] for f in row_schema["fields"])}
    row.update(event_id="e1", article_id="a1", event_code="190", event_root_code="19", quad_class=4, goldstein=-10.0,
               sentence="s", confidence=0.5)
    with open(tmp_path / "rows.avro", "wb") as out:
        fastavro.writer(out, row_schema, [row])
    [read_row] = list(schemas.read_container(tmp_path / "rows.avro", schemas.EVENT_ROW))
    assert (read_row["event_date_precision"], read_row["background"], read_row["mentions"]) == ("day", False, 1)


def test_dead_letter_written_before_payload_truncated_reads_with_the_current_schema(tmp_path):
    old_schema = fastavro.parse_schema(json.loads((OLD_ANNOTATED_SCHEMA.parent / "dead_letter.v0.avsc").read_text()))
    old_record = {"payload": b"{bad", "reason": "malformed_json", "error": "e", "stage": "parse", "topic": "t",
                  "partition": 0, "offset": 3, "failed_at": "2020-01-01T00:00:00Z"}
    path = tmp_path / "old.avro"
    with open(path, "wb") as out:
        fastavro.writer(out, old_schema, [old_record])
    [record] = list(schemas.read_container(path, schemas.DEAD_LETTER))
    assert record == {**old_record, "payload_truncated": False, "payload_bytes": 0}
    schemas.check(record, schemas.DEAD_LETTER)


def test_event_cluster_written_before_delta_reads_with_the_current_schema(tmp_path):
    old_schema = fastavro.parse_schema(json.loads((OLD_ANNOTATED_SCHEMA.parent / "event_cluster.v0.avsc").read_text()))
    old_record = {"cluster_id": "c1", "event_date": "2020-03-02", "actor1_code": "RUS", "actor2_code": None,
                  "event_root_code": "19", "location_country_code": "UKR", "event_code": "190", "quad_class": 4,
                  "goldstein": -10.0, "num_mentions": 1, "num_sources": 1, "num_articles": 1, "first_seen": None,
                  "last_seen": None, "article_ids": ["a1"], "event_ids": ["e1"], "mean_confidence": 0.8}
    path = tmp_path / "old.avro"
    with open(path, "wb") as out:
        fastavro.writer(out, old_schema, [old_record])
    [record] = list(schemas.read_container(path, "event_cluster"))
    assert record == {**old_record, "delta": False}
