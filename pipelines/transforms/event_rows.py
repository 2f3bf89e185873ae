"""Flat event rows (schemas/event_row.avsc) beside the article files, for analysts.

`TrackedEventRows` turns (receipt, AnnotatedArticle) into one (receipt, EventRow) per event, so
the stream's windowed writer files them by the same event time as their article and their
receipts join the offset commits. `EVENTS_DIR` is the folder under an output that holds them.
"""

from __future__ import annotations

from pathlib import Path

import apache_beam as beam

from pipelines.nlp.records import event_rows

EVENTS_DIR = "events"


def events_dir(output: str) -> str:
    return str(Path(output) / EVENTS_DIR)


class TrackedEventRows(beam.PTransform):
    """(receipt, AnnotatedArticle) -> (receipt, EventRow), one per event."""

    def expand(self, tracked):
        return tracked | "EventRows" >> beam.FlatMap(lambda item: [(item[0], row) for row in event_rows(item[1])])


class EventRows(beam.PTransform):
    """AnnotatedArticle -> EventRow, one per event."""

    def expand(self, records):
        return records | "EventRows" >> beam.FlatMap(event_rows)
