"""Prometheus metrics of a running stream (`eventwire stream --metrics-port N`), and the stream's progress line.

Values come from `pipelines.live` at scrape time; names from `pipelines.counters.PROMETHEUS*`. A
`LagMonitor` thread reads, every few seconds, each partition's end offset and the consumer group's
committed offset (consumer lag as `kafka-consumer-groups` reports it) and prints the progress line.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from pipelines import counters as names
from pipelines import live

LOG = logging.getLogger(__name__)


class _LiveCollector:
    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

        counts = live.counts()
        for counter_name, metric in names.PROMETHEUS.items():
            yield CounterMetricFamily(metric, f"eventwire counter {counter_name}", value=counts[counter_name])
        dead = CounterMetricFamily(names.PROMETHEUS_DEAD_LETTERED, "records dead-lettered, by reason", labels=["reason"])
        for name, value in sorted(counts.items()):
            if name.startswith(names.DEAD_LETTER_PREFIX):
                dead.add_metric([name.removeprefix(names.DEAD_LETTER_PREFIX)], value)
        yield dead
        lag = GaugeMetricFamily(names.PROMETHEUS_LAG, "end offset minus committed offset", labels=["topic", "partition"])
        for (topic, partition), value in sorted(live.lag().items()):
            lag.add_metric([topic, str(partition)], value)
        yield lag
        latency = live.latency()
        buckets = [(str(bound), count) for bound, count in zip(live.LATENCY_BUCKETS, latency["buckets"])]
        yield HistogramMetricFamily(names.PROMETHEUS_LATENCY, "Kafka append time to publish on articles.annotated",
                                    buckets=[*buckets, ("+Inf", latency["count"])], sum_value=latency["sum"])


def serve(port: int) -> None:
    """Serve /metrics on 0.0.0.0:`port` from a daemon thread."""
    from prometheus_client import REGISTRY, start_http_server

    REGISTRY.register(_LiveCollector())
    start_http_server(port)


def consumer_lag(config, topic: str, group: str) -> dict[tuple[str, int], int]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(group_id=group, enable_auto_commit=False, request_timeout_ms=5000,
                             **config.client_kwargs())
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        ends = consumer.end_offsets(partitions)
        return {(tp.topic, tp.partition): ends[tp] - (consumer.committed(tp) or 0) for tp in partitions}
    finally:
        consumer.close()


class LagMonitor(threading.Thread):
    """Every `interval` s: consumer lag into `pipelines.live`, and a progress line (on a terminal, rewritten in
    place; otherwise a log line every `log_every` s)."""

    def __init__(self, config, topic: str, group: str, interval: float = 2.0, log_every: float = 30.0):
        super().__init__(name="eventwire-lag", daemon=True)
        self._config, self._topic, self._group = config, topic, group
        self._interval, self._log_every = interval, log_every
        self._stopped = threading.Event()
        self._tty = sys.stderr.isatty()

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=10)
        if self._tty:
            sys.stderr.write("\n")

    def run(self) -> None:
        rate, last_log = live.Rate(), time.monotonic()
        while not self._stopped.wait(self._interval):
            try:
                live.set_lag(consumer_lag(self._config, self._topic, self._group))
            except Exception as error:  # noqa: BLE001 - a broker outage must not end monitoring
                LOG.debug("consumer lag: %s", error)
            counts = live.counts()
            line = progress_line(counts, rate(counts[names.ARTICLES_IN]), live.lag())
            if self._tty:
                sys.stderr.write("\r\033[K" + line)
                sys.stderr.flush()
            elif time.monotonic() - last_log >= self._log_every:
                LOG.info("progress: %s", line)
                last_log = time.monotonic()


def progress_line(counts, per_second: float, lag: dict) -> str:
    dead = sum(value for name, value in counts.items() if name.startswith(names.DEAD_LETTER_PREFIX))
    lags = " ".join(f"p{partition}={value}" for (_, partition), value in sorted(lag.items())) or "-"
    return (f"read {counts[names.ARTICLES_IN]}  annotated {counts[names.ANNOTATED]}  dead-lettered {dead}  "
            f"duplicates {counts[names.DUPLICATES]}  {per_second:.1f} articles/s  lag {lags}")
