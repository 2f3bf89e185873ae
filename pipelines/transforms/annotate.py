"""Annotate: (receipt, Article) -> (receipt, AnnotatedArticle) with spaCy, batched with `nlp.pipe`.

The model is loaded once per worker process (Beam's `Shared` handle, opened in `setup`) and shared
by every DoFn instance there. Articles are batched within a bundle (up to `batch_size`, the rest
at `finish_bundle`) and keep their own timestamp and window: Beam's `BatchElements` would stamp
a global-window batch with the end of time, which breaks event-time windows downstream. An
article that makes the annotator fail is dead-lettered with stage `annotate`; the rest of its
batch goes on.
"""

from __future__ import annotations

import logging

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.utils.shared import Shared
from apache_beam.utils.timestamp import Timestamp
from apache_beam.utils.windowed_value import WindowedValue

from pipelines import __version__
from pipelines.articles import dead_letter, utc_now
from pipelines.nlp.model import load_nlp, model_id
from pipelines.nlp.records import annotated_record, article_text
from pipelines.transforms.parse import DEAD_LETTERS

LOG = logging.getLogger(__name__)


class _LoadedModel:
    """A weak-referenceable holder, as `Shared` requires, for the spaCy pipeline."""

    def __init__(self, model_name: str):
        self.nlp = load_nlp(model_name)
        self.model_id = model_id(self.nlp)


class _AnnotateInBatches(beam.DoFn):
    def __init__(self, model_name: str, batch_size: int, shared: Shared):
        self._model_name, self._batch_size, self._shared = model_name, batch_size, shared
        self.annotated = Metrics.counter("eventwire", "annotated")
        self.events = Metrics.counter("eventwire", "events")
        self.entities = Metrics.counter("eventwire", "entities")
        self.failed = Metrics.counter("eventwire", "annotate_failed")

    def setup(self):
        self._model = self._shared.acquire(lambda: _LoadedModel(self._model_name), tag=self._model_name)

    def start_bundle(self):
        self._batch: list[tuple[object, Timestamp, object]] = []

    def process(self, item, timestamp=beam.DoFn.TimestampParam, window=beam.DoFn.WindowParam):
        self._batch.append((item, timestamp, window))
        if len(self._batch) >= self._batch_size:
            yield from self._flush()

    def finish_bundle(self):
        yield from self._flush()

    def _flush(self):
        batch, self._batch = self._batch, []
        for output, (_, timestamp, window) in zip(self._annotate([item for item, _, _ in batch]), batch):
            if isinstance(output, beam.pvalue.TaggedOutput):
                yield beam.pvalue.TaggedOutput(output.tag, WindowedValue(output.value, timestamp, [window]))
            else:
                yield WindowedValue(output, timestamp, [window])

    def _annotate(self, items):
        """One output per item, in order: (receipt, AnnotatedArticle) or a tagged dead letter."""
        try:
            docs = list(self._model.nlp.pipe([article_text(article) for _, article in items]))
        except Exception:  # noqa: BLE001 - isolate the article that breaks the batch
            LOG.exception("nlp.pipe failed on a batch of %d; annotating one by one", len(items))
            return [self._annotate_one(item) for item in items]
        return [self._to_record(item, doc) for item, doc in zip(items, docs)]

    def _annotate_one(self, item):
        try:
            doc = self._model.nlp(article_text(item[1]))
        except Exception as err:  # noqa: BLE001 - an article must never stop the pipeline
            return self._failure(item, err)
        return self._to_record(item, doc)

    def _to_record(self, item, doc):
        receipt, article = item
        try:
            record = annotated_record(doc, article, model=self._model.model_id, pipeline_version=__version__,
                                      processed_at=utc_now(), origin=receipt.origin())
        except Exception as err:  # noqa: BLE001
            return self._failure(item, err)
        self.annotated.inc()
        self.entities.inc(len(record["entities"]))
        self.events.inc(len(record["events"]))
        for event in record["events"]:
            Metrics.counter("eventwire", f"events_root.{event['event_root_code']}").inc()
        return receipt, record

    def _failure(self, item, err):
        receipt, article = item
        self.failed.inc()
        Metrics.counter("eventwire", "dead_letter.annotation_failed").inc()
        payload = repr({"id": article["id"], "url": article["url"]}).encode()
        return beam.pvalue.TaggedOutput(DEAD_LETTERS, (receipt, dead_letter(
            payload, "annotation_failed", f"{type(err).__name__}: {err}", "annotate",
            topic=receipt.uri.removeprefix("kafka://"), partition=receipt.partition, offset=receipt.offset)))


class Annotate(beam.PTransform):
    """Outputs `annotated` ((receipt, AnnotatedArticle)) and `dead_letters`."""

    def __init__(self, model_name: str, batch_size: int = 32):
        super().__init__()
        self._model_name, self._batch_size = model_name, batch_size

    def expand(self, articles):
        outputs = articles | "Annotate" >> beam.ParDo(
            _AnnotateInBatches(self._model_name, self._batch_size, Shared())).with_outputs(DEAD_LETTERS, main="annotated")
        return {"annotated": outputs.annotated, DEAD_LETTERS: outputs[DEAD_LETTERS]}
