"""The streaming graph: Kafka -> parse -> deduplicate -> annotate -> Avro files + Kafka, then commit.

Event clusters go to the events topic as they change; they are derived data, recomputable from
the annotated articles, so offset commits do not wait for them.

`run()` only wires composites; each has a stable step name so a runner can restore its state.
"""

from __future__ import annotations

import time

import apache_beam as beam

from pipelines import schemas
from pipelines.articles import output_too_large
from pipelines.io.avro_files import WriteWindowedAvro
from pipelines.io.kafka import CommitOffsets, PublishToKafka, ReadFromKafka, StopPolicy
from pipelines.io.messages import avro_message
from pipelines.options import EventwireOptions
from pipelines.transforms.accounting import CountDurable
from pipelines.transforms.annotate import Annotate
from pipelines.transforms.clusters import ClusterEvents
from pipelines.transforms.dedup import DUPLICATES, REPLAYS, Deduplicate
from pipelines.transforms.event_rows import TrackedEventRows, events_dir
from pipelines.transforms.parse import DEAD_LETTERS, ParseArticles
from pipelines.transforms.progress import ObserveLatency


def build(pipeline: beam.Pipeline, options: EventwireOptions) -> None:
    kafka = options.kafka_config()
    deadline = time.time() + options.max_seconds if options.max_seconds else None
    stop = StopPolicy(idle_seconds=options.until_idle, deadline=deadline)

    records = pipeline | "ReadArticles" >> ReadFromKafka(kafka, options.input_topic, options.consumer_group,
                                                         start_from=options.start_from, stop=stop)
    parsed = records | "ParseArticles" >> ParseArticles(options.limits())
    deduplicated = parsed["articles"] | "Deduplicate" >> Deduplicate(options.dedup_ttl_seconds, options.output)
    annotated = deduplicated["unique"] | "Annotate" >> Annotate(options.model, options.batch_size, options.annotate_processes,
                                                        options.allow_partial, **options.event_selection())

    published = annotated["annotated"] | "PublishAnnotated" >> beam.ParDo(PublishToKafka(
        kafka, options.annotated_topic, avro_message(schemas.ANNOTATED_ARTICLE, "article_id"), options.max_message_bytes,
        too_large=output_too_large)).with_outputs(PublishToKafka.TOO_LARGE, main="published")

    dead_letters = ((parsed[DEAD_LETTERS], annotated[DEAD_LETTERS], published[PublishToKafka.TOO_LARGE])
                    | "AllDeadLetters" >> beam.Flatten())
    dead_lettered = (
        dead_letters
        | "PublishDeadLetters" >> beam.ParDo(PublishToKafka(kafka, options.dlq_topic, avro_message(schemas.DEAD_LETTER, None),
                                                            options.max_message_bytes))
        | "DeadLetterReceipts" >> beam.Keys()
    )
    written = (
        published.published
        | "ObserveLatency" >> beam.ParDo(ObserveLatency())
        | "WriteAvroFiles" >> WriteWindowedAvro(options.output, schemas.ANNOTATED_ARTICLE, "article_id",
                                                options.window_seconds, options.shards)
        | "CountDurable" >> CountDurable()
    )
    events_written = (
        annotated["annotated"]
        | "TrackedEventRows" >> TrackedEventRows()
        | "WriteEventRows" >> WriteWindowedAvro(events_dir(options.output), schemas.EVENT_ROW, "event_id",
                                                options.window_seconds, options.shards)
    )
    (
        annotated["annotated"]
        | "Articles" >> beam.Values()
        | "ClusterEvents" >> ClusterEvents(options.cluster_bucket_days, streaming=True,
                                           allowed_lateness_seconds=options.cluster_lateness_seconds)
        | "PublishClusters" >> beam.ParDo(PublishToKafka(kafka, options.events_topic,
                                                         avro_message("event_cluster", "cluster_id", tracked=False),
                                                         options.max_message_bytes))
    )
    duplicate_receipts = deduplicated[DUPLICATES] | "DuplicateReceipts" >> beam.Keys()
    replay_receipts = deduplicated[REPLAYS] | "ReplayReceipts" >> beam.Keys()
    (
        (written, events_written, dead_lettered, duplicate_receipts, replay_receipts)
        | "AllReceipts" >> beam.Flatten()
        | "CommitOffsets" >> CommitOffsets(kafka, options.consumer_group, options.window_seconds)
    )
