"""Helpers for the integration tests: real news, bad records, running the CLI, reading the outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from pipelines import schemas
from pipelines.io.avro_files import QUARANTINE
from tests.shared_data import WIKINEWS_2019

REPO = Path(__file__).resolve().parents[2]
PRISM = Path(os.environ.get("EVENTWIRE_PRISM", REPO / ".cache" / "bin" / "prism"))

GOOD_BASE = {"id": "x", "url": "https://x.org", "source": "test", "title": "t", "body": "Body text."}
BAD_RECORDS = [
    (b'{"id": "bad-1", "title": "cut off', "malformed_json"),
    (b"{not json at all", "malformed_json"),
    (b"[1, 2, 3]", "not_an_object"),
    (b"42", "not_an_object"),
    (b'{"id": "bad-5", "body": "caf\xe9 au lait"}', "invalid_utf8"),
    (b"\xff\xfe\x00garbage", "invalid_utf8"),
    (json.dumps({**GOOD_BASE, "id": "bad-7", "body": None}).encode(), "missing_field"),
    (json.dumps({"id": "bad-8", "title": "no url"}).encode(), "missing_field"),
    (json.dumps({**GOOD_BASE, "id": "bad-9", "title": 2020}).encode(), "wrong_type"),
    (json.dumps({**GOOD_BASE, "id": "bad-10", "body": ["a", "list"]}).encode(), "wrong_type"),
    (json.dumps({**GOOD_BASE, "id": "bad-11", "body": ""}).encode(), "empty_body"),
    (json.dumps({**GOOD_BASE, "id": "bad-12", "body": "   \n\t "}).encode(), "empty_body"),
    (json.dumps({**GOOD_BASE, "id": "bad-13", "body": "x" * 300_000}).encode(), "oversized"),
    (json.dumps({**GOOD_BASE, "id": "bad-14", "body": "word " * 60_000}).encode(), "oversized"),
    (json.dumps({**GOOD_BASE, "id": "bad-15", "language": "fr"}).encode(), "unsupported_language"),
    (json.dumps({**GOOD_BASE, "id": "bad-16", "language": "de"}).encode(), "unsupported_language"),
    (json.dumps({**GOOD_BASE, "id": "bad-17", "published_at": "someday"}).encode(), "bad_date"),
    (json.dumps({**GOOD_BASE, "id": "bad-18", "published_at": 1577836800}).encode(), "wrong_type"),
    (b'{"id": "bad-19", "url": "u", "source": "s", "title": "t", "body": "b"', "malformed_json"),
    (b'<html><body>Not JSON</body></html>', "malformed_json"),
]


def real_articles(count: int) -> list[bytes]:
    with open(WIKINEWS_2019, "rb") as lines:
        return [line.rstrip(b"\n") for line, _ in zip(lines, range(count))]


def article_id(line: bytes) -> str:
    return json.loads(line)["id"]


def produce(bootstrap: str, topic: str, messages: list[bytes]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=4 * 1024 * 1024)
    for message in messages:
        key = None
        try:
            key = json.loads(message)["id"].encode()
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
        producer.send(topic, key=key, value=message)
    producer.flush()
    producer.close()


def stream_command(bootstrap: str, topics: dict, output: Path, group: str, *extra: str) -> list[str]:
    assert PRISM.is_file(), f"Prism binary missing at {PRISM}: run `make setup`"
    return [
        sys.executable, "-m", "pipelines.cli", "stream",
        "--runner=PrismRunner", f"--prism_location={PRISM}", "--environment_type=LOOPBACK",
        "--bootstrap-servers", bootstrap, "--input-topic", topics["articles.raw"],
        "--annotated-topic", topics["articles.annotated"], "--dlq-topic", topics["articles.dlq"],
        "--events-topic", topics["events"],
        "--consumer-group", group, "--output", str(output), "--window-seconds", "5", *extra,
    ]


def stream_failure(stderr: str) -> str:
    """What a failed stream run said: its first traceback (the cause; later ones are often the harness shutting
    down around it) and its last lines."""
    first = stderr.find("Traceback")
    head = stderr[first:first + 6000] if first >= 0 else ""
    return f"{head}\n...\n{stderr[-3000:]}" if head else stderr[-5000:]


def run_stream(bootstrap: str, topics: dict, output: Path, group: str, *extra: str, timeout: float = 900):
    return subprocess.run(stream_command(bootstrap, topics, output, group, *extra), cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, check=True)


def read_topic(bootstrap: str, topic: str) -> list:
    """Every message of `topic`, from the beginning to the end offsets at call time."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    ends = consumer.end_offsets(partitions)
    messages = []
    while any(consumer.position(tp) < ends[tp] for tp in partitions):
        for batch in consumer.poll(timeout_ms=1000).values():
            messages.extend(batch)
    consumer.close()
    return messages


def avro_records(output: Path, folder: str = "window=*") -> list[dict]:
    """The records of the article files (`window=*`) or, with folder="events/window=*", of the event-row files."""
    return [record for path in sorted(output.glob(f"{folder}/*.avro")) if not path.name.startswith(".")
            for record in schemas.read_container(path)]


def committed_offsets(bootstrap: str, topic: str, group: str) -> dict:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
    result = {tp.partition: consumer.committed(tp) for tp in partitions}
    ends = {tp.partition: offset for tp, offset in consumer.end_offsets(partitions).items()}
    consumer.close()
    return {"committed": result, "end": ends}


def rewind_group(bootstrap: str, topic: str, group: str) -> None:
    """Commit offset 0 on every partition for `group`: as if a crash came before any commit."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    consumer.commit({TopicPartition(topic, p): OffsetAndMetadata(0, "", -1) for p in consumer.partitions_for_topic(topic)})
    consumer.close()
