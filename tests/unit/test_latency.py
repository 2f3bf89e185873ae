"""End-to-end latency is measured from the Kafka record's timestamp, not from the element's event time (which is the
time it was read, issue 10)."""

import time

from pipelines import live
from pipelines.io.records import Receipt
from pipelines.transforms.progress import ObserveLatency


def test_latency_runs_from_the_kafka_timestamp_not_the_read_time():
    live.reset()
    appended_ms = int((time.time() - 30) * 1000)
    element = (Receipt("kafka://articles.raw", 0, 7, appended_ms), {"article_id": "a"})

    passed = list(ObserveLatency().process(element))

    assert passed == [element]
    seen = live.latency()
    assert seen["count"] == 1 and 29 < seen["sum"] < 60


def test_records_without_a_kafka_timestamp_are_not_observed():
    live.reset()
    list(ObserveLatency().process((Receipt("file.jsonl", None, 3), {"article_id": "b"})))
    assert live.latency()["count"] == 0

