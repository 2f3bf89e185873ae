"""Issue 10: no record can make a publish fail. Real broker (fixture), real runner (Prism), real spaCy model."""

import json
import subprocess
import sys

import pytest

from pipelines import schemas
from tests.integration.streaming import REPO, avro_records, committed_offsets, produce, read_topic, run_stream

pytestmark = pytest.mark.integration

TOWNS = ("Kyiv", "Kharkiv", "Odesa", "Lviv", "Mariupol", "Dnipro", "Sumy")
DAYS = [f"{day} January 2022" for day in range(3, 32)] + [f"{day} February 2022" for day in range(1, 29)]
WAR = " ".join(f"Russian troops shelled {TOWNS[n % len(TOWNS)]} on {day}." for n, day in enumerate(DAYS))
"""57 attacks on 57 days: 57 events that do not merge into one (mentions merge only on the same date)."""
BASE = {"url": "https://x.org/a", "source": "Wire", "title": "News", "published_at": "2022-03-01T00:00:00Z",
        "language": "en"}
MAX_MESSAGE_BYTES = 8_000  # the raw article below is 3 KB, its AnnotatedArticle about 12 KB


def test_an_annotated_article_too_large_for_its_topic_is_dead_lettered_and_still_written(kafka_broker, fresh_topics,
                                                                                          tmp_path):
    small = json.dumps({**BASE, "id": "small", "body": "Police arrested protesters in Nairobi."}).encode()
    large = json.dumps({**BASE, "id": "large", "body": WAR}).encode()
    long_language = json.dumps({**BASE, "id": "lang", "body": "b", "language": "x" * 5_000}).encode()
    produce(kafka_broker.bootstrap, fresh_topics["articles.raw"], [small, large, long_language])
    output = tmp_path / "out"

    finished = run_stream(kafka_broker.bootstrap, fresh_topics, output, "it-sizes", "--until-idle", "8",
                          "--max-message-bytes", str(MAX_MESSAGE_BYTES))

    assert sorted(record["article_id"] for record in avro_records(output)) == ["large", "small"]
    on_topic = [schemas.decode_single_object(message.value, schemas.ANNOTATED_ARTICLE)["article_id"]
                for message in read_topic(kafka_broker.bootstrap, fresh_topics["articles.annotated"])]
    assert on_topic == ["small"]
    dead = [(message, schemas.decode_single_object(message.value, schemas.DEAD_LETTER))
            for message in read_topic(kafka_broker.bootstrap, fresh_topics["articles.dlq"])]
    assert sorted((letter["reason"], letter["stage"]) for _, letter in dead) == [
        ("field_too_long", "parse"), ("output_too_large", "publish")]
    assert all(len(message.value) <= MAX_MESSAGE_BYTES for message, _ in dead)
    too_long = next(letter for _, letter in dead if letter["reason"] == "field_too_long")
    assert too_long["error"] == "language is 5000 characters, limit 35" and too_long["payload"] == long_language
    too_large = next(letter for _, letter in dead if letter["reason"] == "output_too_large")
    assert json.loads(too_large["payload"])["article_id"] == "large"

    updates = [schemas.decode_single_object(message.value, "event_cluster")
               for message in read_topic(kafka_broker.bootstrap, fresh_topics["events"])]
    listed = [event_id for update in updates for event_id in update["event_ids"]]
    events = [event["event_id"] for record in avro_records(output) for event in record["events"]]
    assert all(update["delta"] for update in updates) and sorted(listed) == sorted(events)  # each id in one update
    latest = {update["cluster_id"]: update["num_mentions"] for update in updates}  # topic order: the latest wins
    assert sum(latest.values()) == len(events)

    summary = json.loads((output / "_summary.json").read_text())
    assert (summary["articles_in"], summary["annotated"], summary["dead_lettered"]) == (3, 2, 1) and summary["balanced"]
    assert summary["output_too_large"] == 1 and "output too large 1" in finished.stdout
    offsets = committed_offsets(kafka_broker.bootstrap, fresh_topics["articles.raw"], "it-sizes")
    assert offsets["committed"] == offsets["end"]


def test_produce_reports_refused_sends_and_exits_non_zero(kafka_broker, fresh_topics, tmp_path):
    """Issue 10: a 3 MB record among good ones made the batch fail, yet produce said "produced 2 messages", exit 0."""
    good = [json.dumps({**BASE, "id": f"ok-{i}", "body": "Police arrested protesters in Nairobi."}) for i in range(3)]
    huge = json.dumps({**BASE, "id": "huge", "body": "word " * 600_000})
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(good[:2] + [huge] + good[2:]) + "\n")
    topic = fresh_topics["articles.raw"]
    finished = subprocess.run([sys.executable, "-m", "pipelines.cli", "produce", "--input", str(path), "--topic", topic,
                               "--bootstrap-servers", kafka_broker.bootstrap], cwd=REPO, capture_output=True, text=True,
                              timeout=300)
    stored = len(read_topic(kafka_broker.bootstrap, topic))
    assert finished.returncode != 0
    assert f"produced {stored} messages" in finished.stdout and stored < 4
    assert f"refused {4 - stored} of 4 messages: " in finished.stderr
    assert "MessageSizeTooLargeError" in finished.stderr or "RecordListTooLargeError" in finished.stderr
