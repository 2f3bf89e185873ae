"""ShowProgress: a progress bar (done/total, articles/s) on stderr for batch jobs.

It counts finished records in the process that runs this step: exact on the in-process runners
(FnApiRunner in memory, Prism with LOOPBACK); with several worker processes each shows its share.
"""

from __future__ import annotations

import sys

import apache_beam as beam
from tqdm import tqdm

_BARS: dict[str, tqdm] = {}


class _Tick(beam.DoFn):
    def __init__(self, total: int | None, description: str):
        self._total, self._description = total, description

    def setup(self):
        if self._description not in _BARS:
            _BARS[self._description] = tqdm(total=self._total, desc=self._description, unit=" articles", file=sys.stderr,
                                            smoothing=0.1)
        self._bar = _BARS[self._description]

    def process(self, element):
        self._bar.update(1)


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
