"""The backfill graph: files, WARC archives or a Kafka offset range -> the same parse, dedup and
annotate composites as the stream -> Avro partitioned by publication date, event clusters and
dead letters.

Output layout under `--output`:
  articles/date=YYYY-MM-DD/part-00000.avro (+ _COMPLETE)   AnnotatedArticle, one file per date
  event_clusters.avro                                       EventCluster, over every partition
  dead_letters.avro                                         DeadLetter
With `resume`, articles of complete partitions are skipped (counted as `skipped_complete`) and
the clusters are computed over the new records plus those already in complete partitions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from pipelines import counters, schemas
from pipelines.io.avro_files import (STALE_TEMPORARY_SECONDS, WriteDatePartitionedAvro, WriteSingleAvroFile,
                                     complete_partitions, date_partition, remove_stale_temporaries)
from pipelines.io.files import ReadArticleFiles
from pipelines.io.kafka import OffsetBounds, ReadFromKafka
from pipelines.io.warc import warc_records
from pipelines.options import EventwireOptions
from pipelines.transforms.annotate import Annotate
from pipelines.transforms.clusters import ClusterEvents
from pipelines.transforms.dedup import DUPLICATES, Deduplicate
from pipelines.transforms.parse import DEAD_LETTERS, ParseArticles
from pipelines.transforms.progress import ShowProgress


@dataclass(frozen=True)
class BackfillInputs:
    jsonl: list[str] = field(default_factory=list)
    warc: list[str] = field(default_factory=list)
    kafka_topic: str | None = None
    kafka_bounds: OffsetBounds = OffsetBounds()  # no ends set: the whole topic as it is now


def articles_dir(output: str) -> str:
    return FileSystems.join(output, "articles")


class _SkipCompletePartitions(beam.DoFn):
    def __init__(self, complete: frozenset[str]):
        self._complete = complete
        self.skipped = counters.counter(counters.SKIPPED_COMPLETE)

    def process(self, tracked):
        if date_partition(tracked[1]["published_at"]) in self._complete:
            self.skipped.inc()
            return
        yield tracked


def _read(pipeline: beam.Pipeline, options: EventwireOptions, inputs: BackfillInputs):
    sources = []
    if inputs.jsonl:
        sources.append(pipeline | "ReadJsonl" >> ReadArticleFiles(inputs.jsonl))
    if inputs.warc:
        sources.append(pipeline | "WarcPaths" >> beam.Create(inputs.warc) | "ReadWarc" >> beam.FlatMap(warc_records))
    if inputs.kafka_topic:
        sources.append(pipeline | "ReadKafkaRange" >> ReadFromKafka(options.kafka_config(), inputs.kafka_topic, None,
                                                                   bounds=inputs.kafka_bounds))
    if not sources:
        raise ValueError("backfill needs at least one input: --input, --warc or --kafka-topic")
    return sources | "AllInputs" >> beam.Flatten()


def build(pipeline: beam.Pipeline, options: EventwireOptions, inputs: BackfillInputs, output: str,
          resume: bool = False, bucket_days: int = 1, total: int | None = None) -> None:
    remove_stale_temporaries(output, time.time() - STALE_TEMPORARY_SECONDS)
    complete = complete_partitions(articles_dir(output)) if resume else {}
    parsed = _read(pipeline, options, inputs) | "ParseArticles" >> ParseArticles(options.limits())
    articles = parsed["articles"] | "SkipCompletePartitions" >> beam.ParDo(_SkipCompletePartitions(complete))
    deduplicated = articles | "Deduplicate" >> Deduplicate(whole_input=True)
    annotated = deduplicated["unique"] | "Annotate" >> Annotate(options.model, options.batch_size, options.annotate_processes)
    records = annotated["annotated"] | "DropReceipts" >> beam.Values()
    records | "WriteArticles" >> WriteDatePartitionedAvro(articles_dir(output), schemas.ANNOTATED_ARTICLE,
                                                          "article_id", "published_at", volatile_fields=("processed_at",))
    every_record = records
    if complete:
        earlier = [FileSystems.join(articles_dir(output), partition, "part-00000.avro") for partition in sorted(complete)]
        every_record = (records, pipeline | "CompletePartitions" >> beam.Create(earlier)
                        | "ReadComplete" >> beam.FlatMap(schemas.read_container))\
            | "NewAndEarlier" >> beam.Flatten()
    (
        every_record
        | "ClusterEvents" >> ClusterEvents(bucket_days)
        | "WriteClusters" >> WriteSingleAvroFile(FileSystems.join(output, "event_clusters.avro"), "event_cluster", ("cluster_id",))
    )
    dead_letters = (parsed[DEAD_LETTERS], annotated[DEAD_LETTERS]) | "AllDeadLetters" >> beam.Flatten()
    finished = (annotated["annotated"], annotated[DEAD_LETTERS], parsed[DEAD_LETTERS], deduplicated[DUPLICATES])
    finished | "ShowProgress" >> ShowProgress(total)
    (
        dead_letters
        | "DeadLetterRecords" >> beam.Values()
        | "WriteDeadLetters" >> WriteSingleAvroFile(FileSystems.join(output, "dead_letters.avro"), schemas.DEAD_LETTER,
                                                    ("topic", "offset"), volatile_fields=("failed_at",))
    )
