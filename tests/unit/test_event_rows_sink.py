"""Event rows are written beside the article files: windowed in the stream, by event date in backfill."""

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue

from pipelines import schemas
from pipelines.io.avro_files import WriteDatePartitionedAvro, WriteWindowedAvro
from pipelines.io.records import Receipt
from pipelines.transforms.dedup import ids_already_written
from pipelines.transforms.event_rows import EventRows, TrackedEventRows, events_dir
from tests.unit.test_schemas import ANNOTATED

EVENT = ANNOTATED["events"][0]


def article(i: int, events: int) -> dict:
    return {**ANNOTATED, "article_id": f"a{i}",
            "events": [{**EVENT, "event_id": f"a{i}-e{j}", "event_date": f"2020-01-0{j + 1}"} for j in range(events)]}


def test_stream_event_rows_are_windowed_like_their_articles_and_pass_receipts_on(tmp_path):
    items = [TimestampedValue((Receipt("kafka://raw", 0, i), article(i, n)), t) for i, n, t in [(0, 2, 1), (1, 0, 2), (2, 1, 65)]]
    with TestPipeline() as pipeline:
        receipts = (pipeline | beam.Create(items) | TrackedEventRows()
                    | WriteWindowedAvro(events_dir(str(tmp_path)), schemas.EVENT_ROW, "event_id", window_seconds=60))
        assert_that(receipts | beam.Map(lambda r: r.offset), equal_to([0, 0, 2]))
    files = {str(p.relative_to(tmp_path).parent): [r["event_id"] for r in schemas.read_container(p)]
             for p in tmp_path.rglob("*.avro")}
    assert files == {"events/window=1970-01-01T00-00-00Z": ["a0-e0", "a0-e1"],
                     "events/window=1970-01-01T00-01-00Z": ["a2-e0"]}
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in tmp_path.rglob("*.avro"))


def test_backfill_event_rows_are_partitioned_by_event_date(tmp_path):
    with TestPipeline() as pipeline:
        (pipeline | beam.Create([article(0, 2), article(1, 1)]) | EventRows()
         | WriteDatePartitionedAvro(events_dir(str(tmp_path)), schemas.EVENT_ROW, "event_id", "event_date"))
    partitions = {p.parent.name: sorted(r["event_id"] for r in schemas.read_container(p))
                  for p in (tmp_path / "events").glob("date=*/part-00000.avro")}
    assert partitions == {"date=2020-01-01": ["a0-e0", "a1-e0"], "date=2020-01-02": ["a0-e1"]}
    assert (tmp_path / "events" / "date=2020-01-01" / "_COMPLETE").is_file()


def test_event_row_files_are_not_taken_for_written_articles(tmp_path):
    rows = [{"event_id": "e", "article_id": "only-in-events", "url": "u", "source": "s", "event_code": "190",
             "event_root_code": "19", "quad_class": 4, "goldstein": -10.0, "sentence": "x", "confidence": 0.5}]
    schemas.write_container_atomically(tmp_path / "events" / "window=x" / "f.avro", schemas.EVENT_ROW, rows)
    schemas.write_container_atomically(tmp_path / "window=x" / "f.avro", schemas.ANNOTATED_ARTICLE, [article(1, 0)])
    assert ids_already_written(str(tmp_path), 0) == {"a1"}
