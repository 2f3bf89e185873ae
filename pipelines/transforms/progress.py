"""ShowProgress: a progress bar (done/total, articles/s) on stderr for batch jobs, or on a log line every 30 s
when stderr is not a terminal; ObserveLatency: end-to-end latency into `pipelines.live` (stream).

It counts finished records in the process that runs this step: exact on the in-process runners
(FnApiRunner in memory, Prism with LOOPBACK); with several worker processes each shows its share.
"""

from __future__ import annotations

import logging
import sys
import time

import apache_beam as beam
from tqdm import tqdm

from pipelines import live

LOG = logging.getLogger(__name__)
LOG_EVERY_SECONDS = 30.0

_BARS: dict[str, tqdm] = {}


class _Tick(beam.DoFn):
    def __init__(self, total: int | None, description: str):
        self._total, self._description = total, description

    def setup(self):
        if self._description not in _BARS:
            _BARS[self._description] = tqdm(total=self._total, desc=self._description, unit=" articles", file=sys.stderr,
                                            smoothing=0.1, disable=not sys.stderr.isatty())
        self._bar = _BARS[self._description]
        self._logged = _STARTED.setdefault(self._description, time.monotonic())

    def process(self, element):
        self._bar.update(1)
        done = _DONE[self._description] = _DONE.get(self._description, 0) + 1
        if self._bar.disable and time.monotonic() - self._logged >= LOG_EVERY_SECONDS:
            self._logged = time.monotonic()
            LOG.info("%s: %d%s articles done, %.1f articles/s", self._description, done,
                     f" of {self._total}" if self._total else "", done / (self._logged - _STARTED[self._description]))


_STARTED: dict[str, float] = {}
_DONE: dict[str, int] = {}


class ObserveLatency(beam.DoFn):
    """Passes (receipt, record) elements on; records now minus the receipt's Kafka record timestamp as latency
    (the element's event time is when it was read, not when it was appended)."""

    def process(self, element):
        appended_ms = element[0].appended_ms
        if appended_ms is not None:
            live.observe_latency(max(0.0, time.time() - appended_ms / 1000.0))
        yield element


class ShowProgress(beam.PTransform):
    """Ticks one shared bar for every element of each PCollection in a tuple.

    Each PCollection gets its own step (no Flatten), so the tick stays fused with the step that
    produced the element and the bar moves while that step runs, not when it has finished.
    """

    def __init__(self, total: int | None, description: str = "backfill"):
        super().__init__()
        self._total, self._description = total, description

    def expand(self, finished):
        return tuple(pcollection | f"Tick{index}" >> beam.ParDo(_Tick(self._total, self._description))
                     for index, pcollection in enumerate(finished))
