"""CountDurable: counts records at the point where they are durable, so the summary can never call a loss OK.

The stream counts an article as `annotated` only once its file is written (after the Kafka publish), not
when the model finished it: a record dropped or stuck between the two then shows as a MISMATCH.
"""

from __future__ import annotations

import apache_beam as beam

from pipelines import counters


class _Count(beam.DoFn):
    def __init__(self, name: str):
        self._name = name

    def setup(self):
        self._counter = counters.counter(self._name)

    def process(self, element):
        self._counter.inc()
        yield element


class CountDurable(beam.PTransform):
    """Passes every element on unchanged, counting it under `name` (a pipelines.counters name)."""

    def __init__(self, name: str = counters.ANNOTATED):
        super().__init__()
        self._name = name

    def expand(self, elements):
        return elements | "Count" >> beam.ParDo(_Count(self._name))
