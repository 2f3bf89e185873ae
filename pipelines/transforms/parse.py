"""ParseArticles: raw Kafka records (or file lines) -> (receipt, Article), bad ones -> dead letters."""

from __future__ import annotations

import apache_beam as beam

from pipelines import counters
from pipelines.articles import Limits, Rejected, dead_letter, parse_article

DEAD_LETTERS = "dead_letters"


class _ParseRecord(beam.DoFn):
    def __init__(self, limits: Limits):
        self._limits = limits
        self.articles_in = counters.counter(counters.ARTICLES_IN)

    def process(self, record):
        receipt, value = record.receipt, record.value
        self.articles_in.inc()
        try:
            yield receipt, parse_article(value or b"", self._limits)
        except Rejected as rejected:
            counters.dead_letter(rejected.reason).inc()
            yield beam.pvalue.TaggedOutput(DEAD_LETTERS, (receipt, dead_letter(
                value or b"", rejected.reason, str(rejected), "parse", topic=receipt.uri.removeprefix("kafka://"),
                partition=receipt.partition, offset=receipt.offset, max_message_bytes=self._limits.max_message_bytes)))


class ParseArticles(beam.PTransform):
    """Outputs `articles` ((receipt, Article)) and `dead_letters` ((receipt, DeadLetter))."""

    def __init__(self, limits: Limits = Limits()):
        super().__init__()
        self._limits = limits

    def expand(self, records):
        outputs = records | "Parse" >> beam.ParDo(_ParseRecord(self._limits)).with_outputs(DEAD_LETTERS, main="articles")
        return {"articles": outputs.articles, DEAD_LETTERS: outputs[DEAD_LETTERS]}
