"""Every Beam counter eventwire reports, by name, in one place: the summary, `_summary.json`, the tests and the
metrics endpoint all read these names, so a typo in one DoFn cannot silently unbalance the accounting."""

from __future__ import annotations

from apache_beam.metrics import Metrics

from pipelines import live

NAMESPACE = "eventwire"

ARTICLES_IN = "articles_in"
KAFKA_RECORDS_READ = "kafka_records_read"
UNIQUE_ARTICLES = "unique_articles"
DUPLICATES = "duplicates"
REPLAYS = "replays"
ANNOTATED = "annotated"
"""Articles durable in every sink (stream: written to its file after the Kafka publish)."""
ANNOTATED_BY_MODEL = "annotated_by_model"
"""Articles the model finished; more than ANNOTATED only while work is in flight, or when something was lost."""
ANNOTATE_FAILED = "annotate_failed"
OUTPUT_TOO_LARGE = "output_too_large"  # messages not published for their size; not part of the in = ... balance
ENTITIES = "entities"
EVENTS = "events"
SKIPPED_COMPLETE = "skipped_complete"
OFFSET_COMMITS = "offset_commits"
AVRO_FILES_WRITTEN = "avro_files_written"
PARTITIONS_WRITTEN = "partitions_written"
PARTITIONS_UNCHANGED = "partitions_unchanged"
PARTITIONS_REPROCESSED = "partitions_reprocessed"
DEAD_LETTER_PREFIX = "dead_letter."
EVENTS_ROOT_PREFIX = "events_root."

# Prometheus names (pipelines/metrics.py) of the counters above, and of the live gauges and histogram.
PROMETHEUS = {ARTICLES_IN: "eventwire_records_read", ANNOTATED: "eventwire_annotated", DUPLICATES: "eventwire_duplicates",
              EVENTS: "eventwire_events", ENTITIES: "eventwire_entities", OFFSET_COMMITS: "eventwire_offset_commits"}
PROMETHEUS_DEAD_LETTERED = "eventwire_dead_lettered"
PROMETHEUS_LAG = "eventwire_consumer_lag"
PROMETHEUS_LATENCY = "eventwire_end_to_end_latency_seconds"


class _Counter:
    """A Beam counter that also counts in `pipelines.live` (progress lines, the Prometheus endpoint)."""

    def __init__(self, name: str):
        self.name, self._beam = name, Metrics.counter(NAMESPACE, name)

    def inc(self, n: int = 1) -> None:
        self._beam.inc(n)
        live.inc(self.name, n)


def counter(name: str) -> _Counter:
    """The Beam counter `name` in eventwire's namespace."""
    return _Counter(name)


def dead_letter(reason: str):
    return counter(DEAD_LETTER_PREFIX + reason)


def events_root(root_code: str):
    return counter(EVENTS_ROOT_PREFIX + root_code)
