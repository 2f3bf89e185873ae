"""The local broker is real Kafka: it round-trips records, and its CLI is idempotent with honest exit codes."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer

from pipelines.devtools.local_kafka import DEFAULT_TOPICS, REPO_ROOT, LocalKafka, LocalKafkaError


@pytest.mark.integration
def test_broker_round_trips_records_across_partitions(kafka_broker: LocalKafka, fresh_topics: dict[str, str]):
    topic = fresh_topics["articles.raw"]
    sent = {f"article-{number}".encode(): f'{{"id": "article-{number}"}}'.encode() for number in range(9)}

    producer = KafkaProducer(bootstrap_servers=kafka_broker.bootstrap, acks="all")
    for key, value in sent.items():
        producer.send(topic, key=key, value=value)
    producer.flush(timeout=30)
    producer.close()

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=kafka_broker.bootstrap,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        consumer_timeout_ms=30_000,
    )
    received = {}
    partitions = set()
    for record in consumer:
        received[record.key] = record.value
        partitions.add(record.partition)
        if len(received) == len(sent):
            break
    consumer.close()

    assert received == sent
    assert partitions <= set(range(DEFAULT_TOPICS["articles.raw"]))


@pytest.mark.integration
def test_fresh_topics_copy_every_default_topic_with_its_partitions(
    kafka_broker: LocalKafka, fresh_topics: dict[str, str]
):
    partitions = kafka_broker.topic_partitions()
    assert set(fresh_topics) == set(DEFAULT_TOPICS)
    assert {topic: partitions[name] for topic, name in fresh_topics.items()} == DEFAULT_TOPICS


@pytest.mark.integration
def test_up_on_a_running_broker_changes_nothing(kafka_broker: LocalKafka):
    pid = kafka_broker.pid()

    assert kafka_broker.up() is False
    assert kafka_broker.pid() == pid
    assert kafka_broker.is_up()


@pytest.mark.integration
def test_cli_up_status_down_lifecycle(tmp_path: Path, free_port_pair: tuple[int, int]):
    port, controller_port = free_port_pair
    options = ["--home", str(tmp_path / "kafka"), "--port", str(port), "--controller-port", str(controller_port)]

    def cli(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pipelines.devtools.local_kafka", command, *options],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    try:
        first_up = cli("up")
        assert first_up.returncode == 0, first_up.stderr
        assert "started" in first_up.stdout

        second_up = cli("up")
        assert second_up.returncode == 0, second_up.stderr
        assert "already running" in second_up.stdout

        running = cli("status")
        assert running.returncode == 0, running.stderr
        assert f"127.0.0.1:{port}" in running.stdout
        assert "articles.raw\t3 partitions" in running.stdout
        for topic in DEFAULT_TOPICS:
            assert topic in running.stdout
    finally:
        stopped = cli("down")
    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stdout

    assert cli("status").returncode == 1
    assert cli("down").returncode == 0


def test_missing_jars_name_the_fix(tmp_path: Path):
    broker = LocalKafka(home=tmp_path / "kafka", libs=tmp_path / "no-jars")

    with pytest.raises(LocalKafkaError, match="make setup"):
        broker.up()
