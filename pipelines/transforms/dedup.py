"""Deduplicate: the first record of each article id goes on; later ones are counted and dropped.

State is kept per article id for `ttl_seconds` of event time, then expires (an event-time timer),
so memory stays bounded in a long-running stream. Output written before this run started is
remembered too: ids found in Avro files under the output folder (written within the TTL) are
counted as replays (records read again after a crash because their offsets were not yet
committed), apart from duplicates, and never written twice; their receipts go on so their
offsets are committed. At start the output folder is tidied: temporary files left by killed
writers are removed and damaged Avro files are moved to `_quarantine/`, so one bad file never
stops a start.
"""

from __future__ import annotations

import time

import apache_beam as beam
from apache_beam.coders import BooleanCoder
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.utils.timestamp import Duration

from pipelines import counters, schemas
from pipelines.devtools import stage_log
from pipelines.io.avro_files import STALE_TEMPORARY_SECONDS, output_files, quarantine, remove_stale_temporaries
from pipelines.transforms.event_rows import EVENTS_DIR

DUPLICATES = "duplicates"
REPLAYS = "replays"


def ids_already_written(output_dir: str | None, newer_than_epoch: float) -> frozenset[str]:
    """Article ids in the Avro files of `output_dir` modified after `newer_than_epoch`.

    A file that cannot be read whole is quarantined: its ids are then unknown, so its articles, if
    read again, are written again rather than dropped.
    """
    if not output_dir:
        return frozenset()
    ids = set()
    for file in output_files(output_dir, skip_folders=(EVENTS_DIR,)):  # events/: EventRows, not articles
        if file.last_updated_in_seconds < newer_than_epoch:
            continue
        try:
            ids.update({record["article_id"] for record in schemas.read_container(file.path)})
        except schemas.CorruptContainer as error:
            quarantine(output_dir, error)
        except FileNotFoundError:
            # Every Deduplicate instance scans at setup; another one has just moved this damaged file to the
            # quarantine (it logs the move). Its ids are unknown either way.
            continue
    return frozenset(ids)


class _FirstOfEachId(beam.DoFn):
    SEEN = ReadModifyWriteStateSpec("seen", BooleanCoder())
    EXPIRY = TimerSpec("expiry", TimeDomain.WATERMARK)

    def __init__(self, ttl_seconds: int, output_dir: str | None):
        self._ttl = ttl_seconds
        self._output_dir = output_dir
        self.unique = counters.counter(counters.UNIQUE_ARTICLES)
        self.duplicates = counters.counter(counters.DUPLICATES)
        self.replays = counters.counter(counters.REPLAYS)

    def setup(self):
        if self._output_dir:
            remove_stale_temporaries(self._output_dir, time.time() - STALE_TEMPORARY_SECONDS)
        self._written_before = ids_already_written(self._output_dir, time.time() - self._ttl)

    def process(self, element, timestamp=beam.DoFn.TimestampParam, seen=beam.DoFn.StateParam(SEEN),
                expiry=beam.DoFn.TimerParam(EXPIRY)):
        article_id, tracked = element
        if seen.read():
            self.duplicates.inc()
            yield beam.pvalue.TaggedOutput(DUPLICATES, tracked)
            return
        if article_id in self._written_before:
            self.replays.inc()
            yield beam.pvalue.TaggedOutput(REPLAYS, tracked)
            return
        seen.write(True)
        expiry.set(timestamp + Duration(seconds=self._ttl))
        self.unique.inc()
        stage_log.reached("dedup", (article_id,))
        yield tracked

    @on_timer(EXPIRY)
    def expire(self, seen=beam.DoFn.StateParam(SEEN)):
        seen.clear()


class _EarliestOfEachId(beam.DoFn):
    """Batch: of all copies of an id, keep the one read first in the input (lowest file/offset)."""

    def __init__(self):
        self.unique = counters.counter(counters.UNIQUE_ARTICLES)
        self.duplicates = counters.counter(counters.DUPLICATES)

    def process(self, element):
        _, copies = element
        first, *others = sorted(copies, key=lambda tracked: (tracked[0].uri, tracked[0].partition or 0, tracked[0].offset))
        self.unique.inc()
        yield first
        for other in others:
            self.duplicates.inc()
            yield beam.pvalue.TaggedOutput(DUPLICATES, other)


class Deduplicate(beam.PTransform):
    """(receipt, Article) -> outputs `unique` and `duplicates`, both (receipt, Article).

    Streaming keeps the first copy to arrive and also outputs `replays`, articles already in the
    output folder. With `whole_input` (batch jobs) the copies are grouped and the earliest in the
    input wins, so re-running a backfill keeps the same copy.
    """

    def __init__(self, ttl_seconds: int = 7 * 24 * 3600, output_dir: str | None = None, whole_input: bool = False):
        super().__init__()
        self._ttl, self._output_dir, self._whole_input = ttl_seconds, output_dir, whole_input

    def expand(self, articles):
        keyed = articles | "KeyById" >> beam.Map(lambda tracked: (tracked[1]["id"], tracked))
        if self._whole_input:
            outputs = (keyed | "GroupById" >> beam.GroupByKey()
                       | "EarliestOfEachId" >> beam.ParDo(_EarliestOfEachId()).with_outputs(DUPLICATES, main="unique"))
        else:
            outputs = keyed | "FirstOfEachId" >> beam.ParDo(
                _FirstOfEachId(self._ttl, self._output_dir)).with_outputs(DUPLICATES, REPLAYS, main="unique")
            return {"unique": outputs.unique, DUPLICATES: outputs[DUPLICATES], REPLAYS: outputs[REPLAYS]}
        return {"unique": outputs.unique, DUPLICATES: outputs[DUPLICATES]}
