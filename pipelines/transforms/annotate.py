"""Annotate: (receipt, Article) -> (receipt, AnnotatedArticle) with spaCy, batched with `nlp.pipe`.

The model is loaded once per worker process (Beam's `Shared` handle, opened in `setup`) and shared
by every DoFn instance there. With `processes` > 1 the worker instead keeps a pool of that many
child processes, each with the model loaded once, and splits every batch between them: one
Python worker is bound to one core by the GIL, and spaCy's own `n_process` would fork per call.

Articles are batched within a bundle (up to `batch_size`, the rest at `finish_bundle`) and keep
their own timestamp and window: Beam's `BatchElements` would stamp a global-window batch with
the end of time, which breaks event-time windows downstream. An article that makes the
annotator fail is dead-lettered with stage `annotate`; the rest of its batch goes on.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple

import apache_beam as beam
from apache_beam.utils.shared import Shared
from apache_beam.utils.timestamp import Timestamp
from apache_beam.utils.windowed_value import WindowedValue

from pipelines import __version__, counters
from pipelines.devtools import stage_log
from pipelines.articles import dead_letter, utc_now
from pipelines.nlp.model import load_nlp, model_id
from pipelines.nlp.coder import load_lexicon, set_allow_partial
from pipelines.nlp.records import annotated_record, article_text, with_selected_events
from pipelines.transforms.parse import DEAD_LETTERS

LOG = logging.getLogger(__name__)


class AnnotationFailure(NamedTuple):
    receipt: object
    article_id: str
    url: str
    error: str


class Annotator:
    """The spaCy pipeline and the Doc -> record step; the same in a worker or in a child process."""

    def __init__(self, model_name: str, allow_partial: bool = False):
        set_allow_partial(allow_partial)  # events without a source: left out, or kept and flagged
        self.nlp = load_nlp(model_name)
        self.model_id = model_id(self.nlp)
        self.lexicon = load_lexicon()  # once per worker (or child process), passed to the coder explicitly

    def annotate(self, items: list) -> list:
        """One outcome per (receipt, Article), in order: (receipt, AnnotatedArticle) or an AnnotationFailure."""
        try:
            docs = list(self.nlp.pipe([article_text(article) for _, article in items]))
        except Exception:  # noqa: BLE001 - isolate the article that breaks the batch
            LOG.exception("nlp.pipe failed on a batch of %d; annotating one by one", len(items))
            return [self._annotate_one(item) for item in items]
        return [self._to_record(item, doc) for item, doc in zip(items, docs)]

    def _annotate_one(self, item):
        try:
            doc = self.nlp(article_text(item[1]))
        except Exception as err:  # noqa: BLE001 - an article must never stop the pipeline
            return self._failure(item, err)
        return self._to_record(item, doc)

    def _to_record(self, item, doc):
        receipt, article = item
        try:
            return receipt, annotated_record(doc, article, model=self.model_id, pipeline_version=__version__,
                                             processed_at=utc_now(), origin=receipt.origin(), include_background=True,
                                             lexicon=self.lexicon)
        except Exception as err:  # noqa: BLE001
            return self._failure(item, err)

    @staticmethod
    def _failure(item, err) -> AnnotationFailure:
        receipt, article = item
        return AnnotationFailure(receipt, article["id"], article["url"], f"{type(err).__name__}: {err}")


_CHILD_ANNOTATOR: Annotator | None = None


def _load_in_child(model_name: str, allow_partial: bool = False) -> None:
    global _CHILD_ANNOTATOR
    _CHILD_ANNOTATOR = Annotator(model_name, allow_partial)


def _annotate_in_child(items: list) -> list:
    return _CHILD_ANNOTATOR.annotate(items)


class _AnnotatorPool:
    """Child processes with the model loaded, started once per worker process (weak-referenceable for `Shared`)."""

    def __init__(self, model_name: str, processes: int, allow_partial: bool = False):
        self.processes = processes
        self.executor = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_load_in_child, initargs=(model_name, allow_partial))
        atexit.register(self.executor.shutdown, cancel_futures=True)

    def annotate(self, items: list) -> list:
        chunk = -(-len(items) // self.processes)
        futures = [self.executor.submit(_annotate_in_child, items[start:start + chunk])
                   for start in range(0, len(items), chunk)]
        return [outcome for future in futures for outcome in future.result()]


class _AnnotateInBatches(beam.DoFn):
    def __init__(self, model_name: str, batch_size: int, processes: int, shared: Shared, selection: dict,
                 allow_partial: bool = False):
        self._model_name, self._batch_size, self._processes, self._shared = model_name, batch_size, processes, shared
        self._selection, self._allow_partial = selection, allow_partial
        self.annotated = counters.counter(counters.ANNOTATED_BY_MODEL)
        self.events = counters.counter(counters.EVENTS)
        self.entities = counters.counter(counters.ENTITIES)
        self.failed = counters.counter(counters.ANNOTATE_FAILED)

    def setup(self):
        model, processes, partial = self._model_name, self._processes, self._allow_partial
        set_allow_partial(partial)
        if processes > 1:
            self._annotator = self._shared.acquire(lambda: _AnnotatorPool(model, processes, partial),
                                                   tag=f"{model}/{processes}/{partial}")
        else:
            self._annotator = self._shared.acquire(lambda: Annotator(model, partial), tag=f"{model}/{partial}")

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
        if not batch:
            return
        stage_log.reached("annotate_start", (item[1]["id"] for item, _, _ in batch))
        outcomes = self._annotator.annotate([item for item, _, _ in batch])
        stage_log.reached("annotate_end", (item[1]["id"] for item, _, _ in batch))
        for outcome, (_, timestamp, window) in zip(outcomes, batch):
            if isinstance(outcome, AnnotationFailure):
                yield beam.pvalue.TaggedOutput(DEAD_LETTERS, WindowedValue(self._dead_letter(outcome), timestamp, [window]))
            else:
                outcome = outcome[0], with_selected_events(outcome[1], **self._selection)
                self._count(outcome[1])
                yield WindowedValue(outcome, timestamp, [window])

    def _count(self, record: dict) -> None:
        self.annotated.inc()
        self.entities.inc(len(record["entities"]))
        self.events.inc(len(record["events"]))
        for event in record["events"]:
            counters.events_root(event['event_root_code']).inc()

    def _dead_letter(self, failure: AnnotationFailure):
        self.failed.inc()
        counters.dead_letter("annotation_failed").inc()
        receipt = failure.receipt
        payload = repr({"id": failure.article_id, "url": failure.url}).encode()
        return receipt, dead_letter(payload, "annotation_failed", failure.error, "annotate",
                                    topic=receipt.uri.removeprefix("kafka://"), partition=receipt.partition,
                                    offset=receipt.offset)


class Annotate(beam.PTransform):
    """Outputs `annotated` ((receipt, AnnotatedArticle)) and `dead_letters`. Background events are left out unless
    include_background (then kept, flagged), and so are events with confidence below min_confidence."""

    def __init__(self, model_name: str, batch_size: int = 32, processes: int = 1, allow_partial: bool = False, *,
                 include_background: bool = False, min_confidence: float = 0.0):
        super().__init__()
        self._model_name, self._batch_size, self._processes = model_name, batch_size, processes
        self._allow_partial = allow_partial
        self._selection = {"include_background": include_background, "min_confidence": min_confidence}

    def expand(self, articles):
        outputs = articles | "Annotate" >> beam.ParDo(
            _AnnotateInBatches(self._model_name, self._batch_size, self._processes, Shared(), self._selection,
                               self._allow_partial)
        ).with_outputs(DEAD_LETTERS, main="annotated")
        return {"annotated": outputs.annotated, DEAD_LETTERS: outputs[DEAD_LETTERS]}
