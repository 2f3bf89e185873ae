"""Fixtures that give integration tests a real Kafka broker (never a mock).

One broker per test session, on free ports in a temporary home, so it never collides with
a developer's broker on 9092; each test gets its own uniquely named topics on it.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest

from pipelines.devtools.local_kafka import DEFAULT_TOPICS, LocalKafka, LocalKafkaError


def free_ports(count: int) -> list[int]:
    """Ports the OS reports free on 127.0.0.1, held together so they differ from each other."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka]:
    """A running broker; `.bootstrap` is "127.0.0.1:PORT". Stopped when the session ends."""
    port, controller_port = free_ports(2)
    broker = LocalKafka(home=tmp_path_factory.mktemp("kafka"), port=port, controller_port=controller_port)
    try:
        broker.up()
    except LocalKafkaError as error:
        broker.down()
        pytest.fail(f"could not start the test Kafka broker: {error}", pytrace=False)
    try:
        yield broker
    finally:
        broker.down()


@pytest.fixture
def free_port_pair() -> tuple[int, int]:
    """A client port and a controller port for a test that runs a broker of its own."""
    port, controller_port = free_ports(2)
    return port, controller_port


@pytest.fixture
def fresh_topics(kafka_broker: LocalKafka) -> dict[str, str]:
    """Maps each DEFAULT_TOPICS name to a copy unique to this test, so tests never see each other's records."""
    prefix = f"test-{uuid.uuid4().hex[:12]}."
    names = {topic: prefix + topic for topic in DEFAULT_TOPICS}
    kafka_broker.create_topics({names[topic]: partitions for topic, partitions in DEFAULT_TOPICS.items()})
    return names
