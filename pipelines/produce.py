"""Publishing article files to Kafka, line by line and unchanged, so the pipeline sees bad lines too."""

from __future__ import annotations

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

    Returns counts of lines sent and acknowledged (`produced`), keyed and unkeyed, and `refused`: the sends the
    client or broker refused, by Kafka error class. Every send's future is checked: a record over the broker's
    limit fails its whole batch, so "sent" alone says nothing.
    """
    config = KafkaConfig.from_settings(bootstrap_servers=bootstrap_servers)
    producer = KafkaProducer(acks="all", linger_ms=5, max_request_size=16 * 1024 * 1024, **config.client_kwargs())
    counts = {"sent": 0, "produced": 0, "keyed": 0, "unkeyed": 0, "refused": Counter()}
    lines = (line for path in expand_inputs(inputs) for _, line in read_lines(path))
    if progress is not None:
        lines = progress(lines, unit=" msg", desc=f"-> {topic}")
    started = time.monotonic()
    outcomes = []
    try:
        for line in lines:
            key = article_key(line)
            outcomes.append(send(producer, topic, key, line))
            counts["sent"] += 1
            counts["keyed" if key else "unkeyed"] += 1
            if rate:
                time.sleep(max(0.0, started + counts["sent"] / rate - time.monotonic()))
        producer.flush()
    finally:
        producer.close()
    for outcome in outcomes:
        error = refusal(outcome)
        if error is None:
            counts["produced"] += 1
        else:
            counts["refused"][error] += 1
    return counts


def send(producer: KafkaProducer, topic: str, key: bytes | None, value: bytes):
    """The send's future, or the Kafka error that refused it at once (e.g. over `max_request_size`)."""
    try:
        return producer.send(topic, key=key, value=value)
    except KafkaError as error:
        return error


def refusal(outcome) -> str | None:
    """The Kafka error class that refused a send (after `flush`), or None when the broker acknowledged it."""
    if isinstance(outcome, KafkaError):
        return type(outcome).__name__
    try:
        outcome.get(timeout=0)
    except KafkaError as error:
        return type(error).__name__
    return None
