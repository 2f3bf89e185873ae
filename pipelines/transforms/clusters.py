"""ClusterEvents: AnnotatedArticles -> EventCluster records, one per real-world event.

In batch (backfill) all mentions of a cluster are merged at once and written once. In streaming,
mentions are merged in event-time windows as wide as the date bucket, firing on every new mention
and again for late mentions within `allowed_lateness_seconds`. Panes discard what they fired, so
each holds only the new mentions; per-cluster state keeps the totals (and the event ids seen, so a
replayed event counts once) and each update carries the totals plus only the ids it adds, split into
messages of at most `MAX_IDS_PER_UPDATE` ids (`clustering.cluster_updates`). Consumers keep the
latest totals per `cluster_id` and the union of its ids. The state lives until the window expires.
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.coders import PickleCoder
from apache_beam.transforms import trigger
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec
from apache_beam.transforms.window import FixedWindows
from apache_beam.utils.timestamp import Duration

from pipelines.clustering import add_mentions, cluster_id, cluster_record, cluster_updates, mentions, merge_mentions

SECONDS_PER_DAY = 86400


class _ClusterUpdates(beam.DoFn):
    """(cluster id, (key, new {event_id: Mention})) -> bounded EventCluster updates, with the totals in state."""

    TOTALS = ReadModifyWriteStateSpec("totals", PickleCoder())

    def process(self, element, totals_state=beam.DoFn.StateParam(TOTALS)):
        _, (key, new_mentions) = element
        totals, fresh = add_mentions(totals_state.read(), new_mentions)
        if fresh:
            totals_state.write(totals)
            yield from cluster_updates(key, totals, fresh)


class ClusterEvents(beam.PTransform):
    def __init__(self, bucket_days: int = 1, streaming: bool = False, allowed_lateness_seconds: int = SECONDS_PER_DAY):
        super().__init__()
        self._bucket_days, self._streaming, self._lateness = bucket_days, streaming, allowed_lateness_seconds

    def expand(self, annotated):
        bucket_days = self._bucket_days
        keyed = annotated | "Mentions" >> beam.FlatMap(
            lambda record: ((key, {mention.event_id: mention}) for key, mention in mentions(record, bucket_days)))
        if not self._streaming:
            return keyed | "MergeMentions" >> beam.CombinePerKey(merge_mentions) | "ToRecords" >> beam.MapTuple(cluster_record)
        return (
            keyed
            | "DateBucketWindows" >> beam.WindowInto(
                FixedWindows(bucket_days * SECONDS_PER_DAY),
                trigger=trigger.AfterWatermark(early=trigger.AfterCount(1), late=trigger.AfterCount(1)),
                accumulation_mode=trigger.AccumulationMode.DISCARDING,
                allowed_lateness=Duration(seconds=self._lateness))
            | "MergeMentions" >> beam.CombinePerKey(merge_mentions)
            | "ByClusterId" >> beam.MapTuple(lambda key, merged: (cluster_id(key), (key, merged)))
            | "ToUpdates" >> beam.ParDo(_ClusterUpdates())
        )
