"""Publishing article files to Kafka, line by line and unchanged, so the pipeline sees bad lines too."""

from __future__ import annotations

import threading
import time
from collections import Counter

from kafka import KafkaProducer
from kafka.errors import KafkaError

from pipelines.articles import article_key
from pipelines.io.files import expand_inputs, read_lines
from pipelines.io.kafka_config import KafkaConfig


def produce_files(inputs: list[str], topic: str, bootstrap_servers: str | None, rate: float | None,
                  progress=None) -> dict:
    """Send every non-blank line of `inputs` to `topic`.

    Returns counts of lines sent, acknowledged by the broker (`produced`), keyed and unkeyed, and `refused`: the
    sends the client or broker refused, by Kafka error class. Every send's outcome is counted (by callbacks, so
    no future is kept): a record over the broker's limit fails its whole batch, so "sent" alone says nothing.
    """
    config = KafkaConfig.from_settings(bootstrap_servers=bootstrap_servers)
    producer = KafkaProducer(acks="all", linger_ms=5, max_request_size=16 * 1024 * 1024, **config.client_kwargs())
    outcomes = Outcomes()
    counts = {"sent": 0, "keyed": 0, "unkeyed": 0}
    lines = (line for path in expand_inputs(inputs) for _, line in read_lines(path))
    if progress is not None:
        lines = progress(lines, unit=" msg", desc=f"-> {topic}")
    started = time.monotonic()
    try:
        for line in lines:
            key = article_key(line)
            outcomes.send(producer, topic, key, line)
            counts["sent"] += 1
            counts["keyed" if key else "unkeyed"] += 1
            if rate:
                time.sleep(max(0.0, started + counts["sent"] / rate - time.monotonic()))
        producer.flush()
    finally:
        producer.close()
    return {**counts, "produced": outcomes.produced, "refused": outcomes.refused}


class Outcomes:
    """Acknowledged and refused sends; callbacks run on the producer's I/O thread, hence the lock."""

    def __init__(self):
        self.produced, self.refused, self._lock = 0, Counter(), threading.Lock()

    def send(self, producer: KafkaProducer, topic: str, key: bytes | None, value: bytes) -> None:
        try:
            future = producer.send(topic, key=key, value=value)
        except KafkaError as error:  # refused at once, e.g. over max_request_size
            self._refuse(error)
            return
        future.add_callback(self._acknowledge).add_errback(self._refuse)

    def _acknowledge(self, _metadata) -> None:
        with self._lock:
            self.produced += 1

    def _refuse(self, error: Exception) -> None:
        with self._lock:
            self.refused[type(error).__name__] += 1
