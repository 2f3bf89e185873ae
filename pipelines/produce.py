"""Publishing article files to Kafka, line by line and unchanged, so the pipeline sees bad lines too."""

from __future__ import annotations

import time

from kafka import KafkaProducer

from pipelines.articles import article_key
from pipelines.io.files import expand_inputs, read_lines
from pipelines.io.kafka_config import KafkaConfig


def produce_files(inputs: list[str], topic: str, bootstrap_servers: str | None, rate: float | None,
                  progress=None) -> dict:
    """Send every non-blank line of `inputs` to `topic`; returns counts of sent, keyed and unkeyed lines."""
    config = KafkaConfig.from_settings(bootstrap_servers=bootstrap_servers)
    producer = KafkaProducer(acks="all", linger_ms=5, max_request_size=16 * 1024 * 1024, **config.client_kwargs())
    counts = {"sent": 0, "keyed": 0, "unkeyed": 0}
    lines = (line for path in expand_inputs(inputs) for _, line in read_lines(path))
    if progress is not None:
        lines = progress(lines, unit=" msg", desc=f"-> {topic}")
    started = time.monotonic()
    try:
        for line in lines:
            key = article_key(line)
            producer.send(topic, key=key, value=line)
            counts["sent"] += 1
            counts["keyed" if key else "unkeyed"] += 1
            if rate:
                time.sleep(max(0.0, started + counts["sent"] / rate - time.monotonic()))
        producer.flush()
    finally:
        producer.close()
    return counts
