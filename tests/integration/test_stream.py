"""`eventwire stream` end to end: real broker (fixture), real runner (Prism), real spaCy model."""

import io
import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import fastavro
import pytest

from pipelines import schemas
from pipelines.io.avro_files import QUARANTINE, STALE_TEMPORARY_SECONDS
from tests.integration.streaming import (BAD_RECORDS, REPO, article_id, avro_records, committed_offsets, produce,
                                         read_topic, real_articles, rewind_group, run_stream, stream_command,
                                         stream_failure)

pytestmark = pytest.mark.integration


def test_stream_annotates_every_article_once_and_dead_letters_the_bad(kafka_broker, fresh_topics, tmp_path):
    articles = real_articles(200)
    duplicates = articles[:10]
    produce(kafka_broker.bootstrap, fresh_topics["articles.raw"], articles + [payload for payload, _ in BAD_RECORDS] + duplicates)
    output = tmp_path / "out"

    finished = run_stream(kafka_broker.bootstrap, fresh_topics, output, "it-stream", "--until-idle", "8")

    expected_ids = {article_id(line) for line in articles}
    records = avro_records(output)
    for record in records:
        schemas.check(record, schemas.ANNOTATED_ARTICLE)
    assert Counter(record["article_id"] for record in records) == Counter(expected_ids)
    assert all(record["origin"]["uri"] == f"kafka://{fresh_topics['articles.raw']}" for record in records)
    rows = avro_records(output, "events/window=*")  # the event rows, windowed like the articles
    assert sorted(row["event_id"] for row in rows) == sorted(e["event_id"] for r in records for e in r["events"])
    assert rows and all(row["event_description"] and row["quad_class_name"] for row in rows)

    annotated_messages = read_topic(kafka_broker.bootstrap, fresh_topics["articles.annotated"])
    decoded = [schemas.decode_single_object(message.value, schemas.ANNOTATED_ARTICLE) for message in annotated_messages]
    assert {record["article_id"] for record in decoded} == expected_ids
    assert all(message.key.decode() == record["article_id"] for message, record in zip(annotated_messages, decoded))

    dead = [schemas.decode_single_object(message.value, schemas.DEAD_LETTER)
            for message in read_topic(kafka_broker.bootstrap, fresh_topics["articles.dlq"])]
    assert Counter(letter["reason"] for letter in dead) == Counter(reason for _, reason in BAD_RECORDS)
    assert {letter["payload"][:1000] for letter in dead} == {payload[:1000] for payload, _ in BAD_RECORDS}
    assert all(letter["topic"] == fresh_topics["articles.raw"] and letter["offset"] is not None for letter in dead)

    latest_clusters = {}
    for message in read_topic(kafka_broker.bootstrap, fresh_topics["events"]):
        cluster = schemas.decode_single_object(message.value, "event_cluster")
        assert message.key.decode() == cluster["cluster_id"]
        previous = latest_clusters.get(cluster["cluster_id"])
        if previous is None or cluster["num_mentions"] > previous["num_mentions"]:
            latest_clusters[cluster["cluster_id"]] = cluster
    assert sum(cluster["num_mentions"] for cluster in latest_clusters.values()) == sum(
        event["mentions"] for record in records for event in record["events"])

    summary = json.loads((output / "_summary.json").read_text())
    assert summary["articles_in"] == 230 and summary["annotated"] == 200
    assert summary["dead_lettered"] == 20 and summary["duplicates"] == 10 and summary["balanced"]
    assert "accounting" in finished.stdout and "OK" in finished.stdout

    offsets = committed_offsets(kafka_broker.bootstrap, fresh_topics["articles.raw"], "it-stream")
    assert offsets["committed"] == offsets["end"], "offsets are committed up to the end once everything is durable"


def test_killed_stream_restarts_without_loss_or_duplicates(kafka_broker, fresh_topics, tmp_path):
    """Kill the whole process group (runner included) after the first window file, mid-way through the rest."""
    articles = real_articles(120)
    first_half, second_half = articles[:60], articles[60:]
    produce(kafka_broker.bootstrap, fresh_topics["articles.raw"], first_half)
    output = tmp_path / "out"
    command = stream_command(kafka_broker.bootstrap, fresh_topics, output, "it-restart", "--until-idle", "8")

    first = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    deadline = time.monotonic() + 600
    while not list(output.rglob("*.avro")) and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.5)
    assert first.poll() is None, "the first run ended before it could be killed mid-way"
    produce(kafka_broker.bootstrap, fresh_topics["articles.raw"], second_half)
    time.sleep(3)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    written_before_kill = len(avro_records(output))
    assert 0 < written_before_kill < len(articles)

    run_stream(kafka_broker.bootstrap, fresh_topics, output, "it-restart", "--until-idle", "8")

    assert Counter(record["article_id"] for record in avro_records(output)) == Counter(article_id(a) for a in articles)
    offsets = committed_offsets(kafka_broker.bootstrap, fresh_topics["articles.raw"], "it-restart")
    assert offsets["committed"] == offsets["end"]


EARLIER = {"article_id": "", "url": "u", "source": "s", "title": "x" * 200, "published_at": None,
           "processed_at": "2020-01-01T00:00:00Z", "language": "en", "entities": [], "events": [],
           "model": "m", "pipeline_version": "0", "origin": None}


def test_stream_starts_with_damaged_files_in_its_output_and_moves_them_aside(kafka_broker, fresh_topics, tmp_path):
    """A file cut at a block boundary, a file emptied by a power loss and a killed writer's temporary files."""
    output = tmp_path / "out"
    whole = Path(schemas.write_container_atomically(output / "window=2020-01-01T00-00-00Z" / "part-000-a.avro",
                                                    schemas.ANNOTATED_ARTICLE,
                                                    [{**EARLIER, "article_id": f"old-{i}"} for i in range(400)]))
    data = whole.read_bytes()
    last_block = list(fastavro.block_reader(io.BytesIO(data)))[-1].offset
    damaged = {"window=2020-01-01T00-00-00Z/part-000-a.avro": data[:last_block],
               "window=2020-01-01T00-01-00Z/part-000-b.avro": b""}
    for name, content in damaged.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_bytes(content)
    stale, live = output / "window=2020-01-01T00-00-00Z" / ".tmp-dead.avro", output / ".tmp-live.avro"
    stale.write_bytes(data[:100])
    live.write_bytes(data[:100])
    old = time.time() - 2 * STALE_TEMPORARY_SECONDS
    os.utime(stale, (old, old))
    articles = real_articles(20)
    produce(kafka_broker.bootstrap, fresh_topics["articles.raw"], articles)

    command = stream_command(kafka_broker.bootstrap, fresh_topics, output, "it-damaged", "--until-idle", "8")
    finished = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert finished.returncode == 0, stream_failure(finished.stderr)

    assert Counter(record["article_id"] for record in avro_records(output)) == Counter(article_id(a) for a in articles)
    for name, content in damaged.items():
        assert (output / QUARANTINE / name).read_bytes() == content and not (output / name).exists()
        assert len([line for line in finished.stderr.splitlines() if name in line]) == 1, finished.stderr[-3000:]
    assert "Traceback" not in finished.stderr
    assert not stale.exists() and live.exists(), "only temporary files older than the safe age are removed"
    summary = json.loads((output / "_summary.json").read_text())
    assert summary["annotated"] == len(articles) and summary["balanced"]


def test_articles_read_again_after_uncommitted_offsets_are_replays_and_their_offsets_are_committed(
        kafka_broker, fresh_topics, tmp_path):
    """Offsets rewound to the start, as when a crash comes after the files but before the commit."""
    articles = real_articles(20)
    produce(kafka_broker.bootstrap, fresh_topics["articles.raw"], articles)
    output = tmp_path / "out"
    run_stream(kafka_broker.bootstrap, fresh_topics, output, "it-replay", "--until-idle", "8")
    rewind_group(kafka_broker.bootstrap, fresh_topics["articles.raw"], "it-replay")

    finished = run_stream(kafka_broker.bootstrap, fresh_topics, output, "it-replay", "--until-idle", "8")

    summary = json.loads((output / "_summary.json").read_text())
    assert (summary["articles_in"], summary["replays"], summary["duplicates"], summary["annotated"]) == (20, 20, 0, 0)
    assert summary["balanced"] and "  replays          20" in finished.stdout.splitlines()
    assert Counter(record["article_id"] for record in avro_records(output)) == Counter(article_id(a) for a in articles)
    offsets = committed_offsets(kafka_broker.bootstrap, fresh_topics["articles.raw"], "it-replay")
    assert offsets["committed"] == offsets["end"], "replays' offsets are committed"
