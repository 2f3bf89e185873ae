"""ClusterEvents: AnnotatedArticles -> EventCluster records, one per real-world event.

In batch (backfill) all mentions of a cluster are merged at once. In streaming, mentions are
merged in event-time windows as wide as the date bucket, firing on every new mention (so the
`events` topic always holds the cluster's latest counts; consumers keep the latest record per
`cluster_id`) and again for late mentions within `allowed_lateness_seconds`.
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.transforms import trigger
from apache_beam.transforms.window import FixedWindows
from apache_beam.utils.timestamp import Duration

from pipelines.clustering import cluster_record, mentions, merge_mentions

SECONDS_PER_DAY = 86400


class ClusterEvents(beam.PTransform):
    def __init__(self, bucket_days: int = 1, streaming: bool = False, allowed_lateness_seconds: int = SECONDS_PER_DAY):
        super().__init__()
        self._bucket_days, self._streaming, self._lateness = bucket_days, streaming, allowed_lateness_seconds

    def expand(self, annotated):
        bucket_days = self._bucket_days
        keyed = annotated | "Mentions" >> beam.FlatMap(
            lambda record: ((key, {mention.event_id: mention}) for key, mention in mentions(record, bucket_days)))
        if self._streaming:
            keyed = keyed | "DateBucketWindows" >> beam.WindowInto(
                FixedWindows(bucket_days * SECONDS_PER_DAY),
                trigger=trigger.AfterWatermark(early=trigger.AfterCount(1), late=trigger.AfterCount(1)),
                accumulation_mode=trigger.AccumulationMode.ACCUMULATING,
                allowed_lateness=Duration(seconds=self._lateness))
        return (
            keyed
            | "MergeMentions" >> beam.CombinePerKey(merge_mentions)
            | "ToRecords" >> beam.MapTuple(cluster_record)
        )
