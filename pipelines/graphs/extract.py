"""The extract graph: files -> parse -> annotate -> one JSONL or Avro file, with no Kafka.

Every input line ends as one annotated record or one dead letter (written beside the output
as `<output>.dead_letters.jsonl`); no de-duplication, so the output has one record per article line.
"""

from __future__ import annotations

import base64
import json

import apache_beam as beam

from pipelines import schemas
from pipelines.io.files import ReadArticleFiles
from pipelines.options import EventwireOptions
from pipelines.transforms.accounting import CountDurable
from pipelines.transforms.annotate import Annotate
from pipelines.transforms.parse import DEAD_LETTERS, ParseArticles
from pipelines.transforms.progress import ShowProgress


def annotated_json(record: dict) -> str:
    """The JSON form of an AnnotatedArticle: its fields as they are, one object per line."""
    return json.dumps(record, ensure_ascii=False)


def dead_letter_json(record: dict) -> str:
    return json.dumps({**record, "payload": base64.b64encode(record["payload"]).decode()}, ensure_ascii=False)


def dead_letters_path(output: str) -> str:
    return output + ".dead_letters.jsonl"


def build(pipeline: beam.Pipeline, options: EventwireOptions, inputs: list[str], output: str,
          total: int | None = None) -> None:
    records = pipeline | "ReadArticles" >> ReadArticleFiles(inputs)
    parsed = records | "ParseArticles" >> ParseArticles(options.limits())
    annotated = parsed["articles"] | "Annotate" >> Annotate(options.model, options.batch_size, options.annotate_processes,
                                                        options.allow_partial, **options.event_selection())
    articles = annotated["annotated"] | "DropReceipts" >> beam.Values() | "CountAnnotated" >> CountDurable()
    if output.endswith(".avro"):
        articles | "WriteAvro" >> beam.io.WriteToAvro(output, schemas.schema(schemas.ANNOTATED_ARTICLE),
                                                      num_shards=1, shard_name_template="")
    else:
        (articles | "ToJson" >> beam.Map(annotated_json)
         | "WriteJsonl" >> beam.io.WriteToText(output, num_shards=1, shard_name_template=""))
    (annotated["annotated"], annotated[DEAD_LETTERS], parsed[DEAD_LETTERS]) | "ShowProgress" >> ShowProgress(total, "extract")
    (
        (parsed[DEAD_LETTERS], annotated[DEAD_LETTERS])
        | "AllDeadLetters" >> beam.Flatten()
        | "DeadLetterJson" >> beam.Map(lambda tracked: dead_letter_json(tracked[1]))
        | "WriteDeadLetters" >> beam.io.WriteToText(dead_letters_path(output), num_shards=1, shard_name_template="")
    )
