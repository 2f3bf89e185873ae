"""The stream with partitions that behave as users make them: uneven, stamped in the future, added while running,
and a second instance started on the same consumer group (issue 10)."""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient

from tests.integration.streaming import (REPO, article_id, avro_records, committed_offsets, read_topic, real_articles,
                                         run_stream, stream_command)

pytestmark = pytest.mark.integration


def produce_to(bootstrap: str, topic: str, messages: list[bytes], partition: int, timestamp_ms: int | None = None):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for message in messages:
        producer.send(topic, key=article_id(message).encode(), value=message, partition=partition,
                      timestamp_ms=timestamp_ms)
    producer.flush()
    producer.close()


def assert_all_durable(bootstrap, topics, output, group, expected_ids):
    records = avro_records(output)
    assert sorted(record["article_id"] for record in records) == sorted(expected_ids)
    offsets = committed_offsets(bootstrap, topics["articles.raw"], group)
    assert offsets["committed"] == offsets["end"], offsets
    summary = json.loads((output / "_summary.json").read_text())
    assert summary["balanced"] and summary["annotated"] == len(expected_ids), summary


def test_uneven_partitions_are_written_and_committed(kafka_broker, fresh_topics, tmp_path):
    """All records in partition 1, partitions 0 and 2 empty: the idle ones must not make the busy one late."""
    articles = real_articles(60)
    produce_to(kafka_broker.bootstrap, fresh_topics["articles.raw"], articles, partition=1)
    output = tmp_path / "out"

    run_stream(kafka_broker.bootstrap, fresh_topics, output, "it-uneven", "--until-idle", "15")

    assert_all_durable(kafka_broker.bootstrap, fresh_topics, output, "it-uneven", [article_id(a) for a in articles])


def start_stream(bootstrap, topics, output, group, *extra) -> subprocess.Popen:
    return subprocess.Popen(stream_command(bootstrap, topics, output, group, *extra), cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for_annotated(bootstrap, topics, count: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(read_topic(bootstrap, topics["articles.annotated"])) >= count:
            return True
        time.sleep(1)
    return False


def finish(process: subprocess.Popen) -> str:
    stdout, stderr = process.communicate(timeout=900)
    assert process.returncode == 0, stderr[-3000:]
    return stdout


def test_a_record_stamped_in_the_future_does_not_make_others_late(kafka_broker, fresh_topics, tmp_path):
    """One record stamped 50 minutes ahead is read first; records read after it must still reach the files."""
    bootstrap, raw = kafka_broker.bootstrap, fresh_topics["articles.raw"]
    articles = real_articles(31)
    produce_to(bootstrap, raw, articles[:1], partition=0, timestamp_ms=int((time.time() + 50 * 60) * 1000))
    output = tmp_path / "out"
    stream = start_stream(bootstrap, fresh_topics, output, "it-future", "--until-idle", "15")
    assert wait_for_annotated(bootstrap, fresh_topics, 1, timeout=300), "the stream never read the first record"
    produce_to(bootstrap, raw, articles[1:16], partition=1)
    produce_to(bootstrap, raw, articles[16:], partition=2)
    finish(stream)

    assert_all_durable(bootstrap, fresh_topics, output, "it-future", [article_id(a) for a in articles])


def test_a_partition_added_while_streaming_is_read_from_its_beginning(kafka_broker, fresh_topics, tmp_path):
    bootstrap, raw = kafka_broker.bootstrap, fresh_topics["articles.raw"]
    articles = real_articles(20)
    for number, article in enumerate(articles[:9]):
        produce_to(bootstrap, raw, [article], partition=number % 3)
    output = tmp_path / "out"
    stream = start_stream(bootstrap, fresh_topics, output, "it-added", "--until-idle", "20")
    assert wait_for_annotated(bootstrap, fresh_topics, 9, timeout=300)
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_partitions({raw: 4})
    admin.close()
    produce_to(bootstrap, raw, articles[9:], partition=3)
    created = time.monotonic()
    assert wait_for_annotated(bootstrap, fresh_topics, 20, timeout=30), "the new partition was not read within 30 s"
    assert time.monotonic() - created <= 30
    finish(stream)

    assert_all_durable(bootstrap, fresh_topics, output, "it-added", [article_id(a) for a in articles])


def test_start_from_latest_never_skips_a_partition_added_while_the_stream_was_down(kafka_broker, fresh_topics, tmp_path):
    bootstrap, raw = kafka_broker.bootstrap, fresh_topics["articles.raw"]
    output = tmp_path / "out"
    run_stream(bootstrap, fresh_topics, output, "it-latest", "--start-from", "latest", "--until-idle", "5")
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_partitions({raw: 4})
    admin.close()
    articles = real_articles(6)
    produce_to(bootstrap, raw, articles, partition=3)

    run_stream(bootstrap, fresh_topics, output, "it-latest", "--start-from", "latest", "--until-idle", "8")

    assert sorted(r["article_id"] for r in avro_records(output)) == sorted(article_id(a) for a in articles)
    offsets = committed_offsets(bootstrap, raw, "it-latest")
    assert offsets["committed"] == offsets["end"], offsets


def test_a_second_stream_on_the_same_group_refuses_to_start_and_doubles_nothing(kafka_broker, fresh_topics, tmp_path):
    bootstrap, raw = kafka_broker.bootstrap, fresh_topics["articles.raw"]
    articles = real_articles(12)
    for number, article in enumerate(articles):
        produce_to(bootstrap, raw, [article], partition=number % 3)
    first = start_stream(bootstrap, fresh_topics, tmp_path / "first", "it-twice", "--until-idle", "20")
    assert wait_for_annotated(bootstrap, fresh_topics, 1, timeout=300)

    second = subprocess.run(stream_command(bootstrap, fresh_topics, tmp_path / "second", "it-twice", "--until-idle", "5"),
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    finish(first)

    assert second.returncode == 1
    errors = [line for line in second.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "consumer group 'it-twice' is already read by another eventwire stream" in errors[0]
    assert "Traceback" not in second.stderr
    assert not list((tmp_path / "second").rglob("*.avro"))
    annotated = read_topic(bootstrap, fresh_topics["articles.annotated"])
    assert len(annotated) == len(articles), "every article published once"
    assert_all_durable(bootstrap, fresh_topics, tmp_path / "first", "it-twice", [article_id(a) for a in articles])
