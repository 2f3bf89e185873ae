"""Every Beam counter eventwire reports, by name, in one place: the summary, `_summary.json`, the tests and the
metrics endpoint all read these names, so a typo in one DoFn cannot silently unbalance the accounting."""

from __future__ import annotations

from apache_beam.metrics import Metrics

NAMESPACE = "eventwire"

ARTICLES_IN = "articles_in"
KAFKA_RECORDS_READ = "kafka_records_read"
UNIQUE_ARTICLES = "unique_articles"
DUPLICATES = "duplicates"
REPLAYS = "replays"
ANNOTATED = "annotated"
ANNOTATE_FAILED = "annotate_failed"
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


def counter(name: str):
    """The Beam counter `name` in eventwire's namespace."""
    return Metrics.counter(NAMESPACE, name)


def dead_letter(reason: str):
    return counter(DEAD_LETTER_PREFIX + reason)


def events_root(root_code: str):
    return counter(EVENTS_ROOT_PREFIX + root_code)
