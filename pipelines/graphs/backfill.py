"""The backfill graph: files, WARC archives or a Kafka offset range -> the same parse, dedup and
annotate composites as the stream -> Avro partitioned by publication date, event clusters and
dead letters.

Output layout under `--output`:
  articles/date=YYYY-MM-DD/part-00000.avro (+ _COMPLETE)   AnnotatedArticle, one file per date
  events/date=YYYY-MM-DD/part-00000.avro (+ _COMPLETE)     EventRow by event date, over every partition
  event_clusters.avro                                       EventCluster, over every partition
  dead_letters.avro                                         DeadLetter
With `resume`, articles of complete partitions are skipped (counted as `skipped_complete`) and
the clusters are computed over the new records plus those already in complete partitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import apache_beam as beam

from pipelines import counters, schemas
from pipelines.io.avro_files import WriteDatePartitionedAvro, WriteSingleAvroFile, complete_partitions, date_partition
from pipelines.io.files import ReadArticleFiles
from pipelines.io.kafka import OffsetBounds, ReadFromKafka
from pipelines.io.warc import warc_records
from pipelines.options import EventwireOptions
from pipelines.transforms.accounting import CountDurable
from pipelines.transforms.annotate import Annotate
from pipelines.transforms.clusters import ClusterEvents
from pipelines.transforms.dedup import DUPLICATES, Deduplicate
from pipelines.transforms.event_rows import EventRows, events_dir
from pipelines.transforms.parse import DEAD_LETTERS, ParseArticles
from pipelines.transforms.progress import ShowProgress


@dataclass(frozen=True)
class BackfillInputs:
    jsonl: list[str] = field(default_factory=list)
    warc: list[str] = field(default_factory=list)
    kafka_topic: str | None = None
    kafka_bounds: OffsetBounds = OffsetBounds()  # no ends set: the whole topic as it is now


def articles_dir(output: str) -> str:
    return str(Path(output) / "articles")


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
    complete = complete_partitions(articles_dir(output)) if resume else frozenset()
    parsed = _read(pipeline, options, inputs) | "ParseArticles" >> ParseArticles(options.limits())
    articles = parsed["articles"] | "SkipCompletePartitions" >> beam.ParDo(_SkipCompletePartitions(complete))
    deduplicated = articles | "Deduplicate" >> Deduplicate(whole_input=True)
    annotated = deduplicated["unique"] | "Annotate" >> Annotate(options.model, options.batch_size, options.annotate_processes)
    records = annotated["annotated"] | "DropReceipts" >> beam.Values() | "CountAnnotated" >> CountDurable()
    records | "WriteArticles" >> WriteDatePartitionedAvro(articles_dir(output), schemas.ANNOTATED_ARTICLE,
                                                          "article_id", "published_at", volatile_fields=("processed_at",))
    every_record = records
    if complete:
        earlier = [str(Path(articles_dir(output)) / partition / "part-00000.avro") for partition in sorted(complete)]
        every_record = (records, pipeline | "CompletePartitions" >> beam.Create(earlier)
                        | "ReadComplete" >> beam.FlatMap(lambda path: schemas.read_container(Path(path))))\
            | "NewAndEarlier" >> beam.Flatten()
    (
        every_record
        | "EventRows" >> EventRows()
        | "WriteEventRows" >> WriteDatePartitionedAvro(events_dir(output), schemas.EVENT_ROW, "event_id", "event_date")
    )
    (
        every_record
        | "ClusterEvents" >> ClusterEvents(bucket_days)
        | "WriteClusters" >> WriteSingleAvroFile(str(Path(output) / "event_clusters.avro"), "event_cluster", ("cluster_id",))
    )
    dead_letters = (parsed[DEAD_LETTERS], annotated[DEAD_LETTERS]) | "AllDeadLetters" >> beam.Flatten()
    finished = (annotated["annotated"], annotated[DEAD_LETTERS], parsed[DEAD_LETTERS], deduplicated[DUPLICATES])
    finished | "ShowProgress" >> ShowProgress(total)
    (
        dead_letters
        | "DeadLetterRecords" >> beam.Values()
        | "WriteDeadLetters" >> WriteSingleAvroFile(str(Path(output) / "dead_letters.avro"), schemas.DEAD_LETTER,
                                                    ("topic", "offset"), volatile_fields=("failed_at",))
    )
