"""The backfill graph: files, WARC archives or a Kafka offset range -> the same parse, dedup and
annotate composites as the stream -> Avro partitioned by publication date, event clusters and
dead letters.

Output layout under `--output`:
  articles/date=YYYY-MM-DD/part-00000.avro (+ _COMPLETE)   AnnotatedArticle, one file per date
  events/date=YYYY-MM-DD/part-00000.avro (+ _COMPLETE)     EventRow by event date, over every partition
  event_clusters.avro                                       EventCluster, over every partition
  dead_letters.avro                                         DeadLetter
With `resume`, articles of complete partitions are skipped (counted as `skipped_complete`) and
the clusters are computed over the new records plus those already in complete partitions. A
partition is skipped only while the input's article ids for it are those its `_COMPLETE` marker
recorded (count and SHA-1); a partition whose input changed, or whose marker predates the digest,
is reprocessed, keeping the articles it held that are not in the input, and counted in
`partitions_reprocessed`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from pipelines import counters, schemas
from pipelines.io.avro_files import (STALE_TEMPORARY_SECONDS, WriteDatePartitionedAvro, WriteSingleAvroFile,
                                     complete_partitions, date_partition, ids_digest, remove_stale_temporaries)
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
    return FileSystems.join(output, "articles")


def same_input(marker: dict, digest: dict) -> bool:
    """Whether a partition's input ids are those its `_COMPLETE` marker recorded (a marker without them never is)."""
    return all(marker.get(key) == value for key, value in digest.items())


KEPT = "kept"


class _ChangedPartitions(beam.DoFn):
    """(partition, input ids) -> the complete partitions whose input ids changed, counted and logged, and as
    output `kept` the records such a partition already holds for ids not in the input, so reprocessing it
    from a smaller or different input adds to it instead of dropping what earlier runs wrote."""

    def __init__(self, complete: dict[str, dict], articles: str):
        self._complete, self._articles = complete, articles
        self.reprocessed = counters.counter(counters.PARTITIONS_REPROCESSED)

    def process(self, element):
        partition, ids = element
        ids, marker = set(ids), self._complete.get(partition)
        if marker is None or same_input(marker, ids_digest(ids)):
            return
        self.reprocessed.inc()
        logging.getLogger(__name__).warning("resume: %s is reprocessed, its input changed (%d ids, marker says %s)",
                                            partition, len(ids), marker.get("input_ids"))
        yield partition
        for record in schemas.read_container(FileSystems.join(self._articles, partition, "part-00000.avro")):
            if record["article_id"] not in ids:
                yield beam.pvalue.TaggedOutput(KEPT, record)


class _SkipCompletePartitions(beam.DoFn):
    def __init__(self, complete: dict[str, dict]):
        self._complete = complete
        self.skipped = counters.counter(counters.SKIPPED_COMPLETE)

    def process(self, tracked, changed):
        partition = date_partition(tracked[1]["published_at"])
        if partition in self._complete and partition not in changed:
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
    articles_folder = articles_dir(output)
    complete = complete_partitions(articles_folder) if resume else {}
    parsed = _read(pipeline, options, inputs) | "ParseArticles" >> ParseArticles(options.limits())
    ids_by_partition = (
        parsed["articles"]
        | "IdByPartition" >> beam.Map(lambda tracked: (date_partition(tracked[1]["published_at"]), tracked[1]["id"]))
        | "GroupIdsByPartition" >> beam.GroupByKey()
    )
    input_digests = ids_by_partition | "DigestIds" >> beam.MapTuple(lambda partition, ids: (partition, ids_digest(ids)))
    changes = ids_by_partition | "ChangedPartitions" >> beam.ParDo(
        _ChangedPartitions(complete, articles_folder)).with_outputs(KEPT, main="partitions")
    changed = beam.pvalue.AsList(changes.partitions)
    articles = parsed["articles"] | "SkipCompletePartitions" >> beam.ParDo(_SkipCompletePartitions(complete), changed)
    deduplicated = articles | "Deduplicate" >> Deduplicate(whole_input=True)
    annotated = deduplicated["unique"] | "Annotate" >> Annotate(options.model, options.batch_size, options.annotate_processes,
                                                        options.allow_partial, **options.event_selection())
    new_records = annotated["annotated"] | "DropReceipts" >> beam.Values() | "CountAnnotated" >> CountDurable()
    records = (new_records, changes[KEPT]) | "NewAndKept" >> beam.Flatten()
    records | "WriteArticles" >> WriteDatePartitionedAvro(articles_folder, schemas.ANNOTATED_ARTICLE, "article_id",
                                                          "published_at", volatile_fields=("processed_at",),
                                                          input_digests=input_digests)
    every_record = records
    if complete:
        earlier = (
            pipeline
            | "CompletePartitions" >> beam.Create(sorted(complete))
            | "UnchangedPartitions" >> beam.Filter(lambda partition, changed: partition not in changed, changed)
            | "ReadComplete" >> beam.FlatMap(lambda partition: schemas.read_container(
                FileSystems.join(articles_folder, partition, "part-00000.avro")))
        )
        every_record = (records, earlier) | "NewAndEarlier" >> beam.Flatten()
    (
        every_record
        | "EventRows" >> EventRows()
        | "WriteEventRows" >> WriteDatePartitionedAvro(events_dir(output), schemas.EVENT_ROW, "event_id", "event_date")
    )
    (
        every_record
        | "ClusterEvents" >> ClusterEvents(bucket_days)
        | "WriteClusters" >> WriteSingleAvroFile(FileSystems.join(output, "event_clusters.avro"), "event_cluster",
                                                 ("cluster_id",))
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
