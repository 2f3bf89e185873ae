"""Kafka edges of the pipeline, on kafka-python.

`ReadFromKafka` is a splittable DoFn: one restriction per partition, whose offsets are the
restriction. Event time is the time a record is read (ingestion time, the default policy of Beam's
Java KafkaIO), never the producer's timestamp, and every partition's watermark is wall time minus
`watermark_lag_seconds`. Why: a runner may keep one output watermark for the whole read step (Prism
keeps the latest bundle's estimate), so with producer timestamps a lagging partition, or one record
stamped 50 minutes ahead, made every other partition's records late, and the windowed file writer
and offset committer dropped them without a word. A record read at time t is stamped t, and no
partition ever reports a watermark above (now - lag), so a record is late only if the bundle that
read it took longer than the lag to finish; a read bundle is one poll. The producer's timestamp
stays in `KafkaRecord.timestamp_ms`. Polling blocks in the broker (`poll(timeout_ms)`) and an idle
partition checkpoints with a delay, so nothing spins.

Offsets are committed by `CommitOffsets` at the very end of the graph: every record ends as
exactly one receipt (annotated and durable in every sink, dead-lettered and durable on the DLQ,
or dropped as duplicate), and the committed offset only moves past a record once it and every
record before it in its partition have a receipt.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Callable, NamedTuple

import apache_beam as beam
from apache_beam.io.restriction_trackers import OffsetRange, OffsetRestrictionTracker
from apache_beam.io.watermark_estimators import ManualWatermarkEstimator
from apache_beam.transforms.window import FixedWindows, TimestampedValue
from apache_beam.utils.timestamp import Duration, Timestamp
from apache_beam.utils.windowed_value import WindowedValue
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from pipelines import counters, shutdown
from pipelines.articles import Limits
from pipelines.devtools import stage_log
from pipelines.io.kafka_config import KafkaConfig
from pipelines.io.records import KafkaRecord, Receipt
from pipelines.io.windowing import never_drop_late

LOG = logging.getLogger(__name__)
UNBOUNDED_END = sys.maxsize
RETRY_SECONDS = 1.0  # pause before reading or committing again after a retriable broker error (broker down)


class StopPolicy(NamedTuple):
    """When a partition stops being read: after `idle_seconds` confirmed caught up by the broker, or at `deadline`
    (epoch s)."""

    idle_seconds: float | None = None
    deadline: float | None = None


WATERMARK_LAG_SECONDS = 5.0
"""How far every partition's watermark stays behind wall time: longer than any read bundle takes to finish (one
poll of at most 0.5 s), so no record is ever behind the watermark; windows close this much after their end."""
PARTITION_DISCOVERY_SECONDS = 10.0
"""How often the stream looks for partitions added to its topic (issue 10: within 30 s of their creation)."""
PUBLISH_DELIVERY_TIMEOUT_MS = 24 * 3600 * 1000
"""How long PublishToKafka keeps retrying a send through a broker outage before it fails the bundle."""
_END_OFFSETS_TIMEOUT_MS = 5000
_MAX_IDLE_CHECK_GAP_SECONDS = 5.0
"""Idle time counts only while the broker confirms the partition caught up check after check; a longer gap
between checks (an outage, a stalled runner) starts the count again."""


def topic_uri(topic: str) -> str:
    return f"kafka://{topic}"


def _consumer(config: KafkaConfig, group_id: str) -> KafkaConsumer:
    # kafka-python backs off reconnecting up to 30 s by default, blocking poll() that long after the broker is
    # back; the Java client's 1 s keeps a reader blocked for at most its poll timeout plus about a second.
    return KafkaConsumer(group_id=group_id, enable_auto_commit=False, reconnect_backoff_max_ms=1000,
                         **config.client_kwargs())


def resolve_start_offset(consumer: KafkaConsumer, tp: TopicPartition, start_from: str) -> int:
    """The group's committed offset, else the earliest or latest one; committed so `CommitOffsets` starts there too."""
    committed = consumer.committed(tp)
    if committed is not None:
        return committed
    if start_from == "latest":
        offset = consumer.end_offsets([tp])[tp]
    else:
        offset = consumer.beginning_offsets([tp])[tp]
    consumer.commit({tp: OffsetAndMetadata(offset, "", -1)})
    return offset


class _PartitionTracker(OffsetRestrictionTracker):
    """Offset tracker that only splits to checkpoint: halving a Kafka offset range means nothing."""

    def try_split(self, fraction_of_remainder):
        if fraction_of_remainder == 0:
            return super().try_split(0)
        return None

    def is_bounded(self):
        return self.current_restriction().stop != UNBOUNDED_END


class OffsetBounds(NamedTuple):
    """A bounded read: from an offset or a time (epoch ms) to an offset or a time (exclusive).

    Unset ends mean the partition's first and (current) last offsets.
    """

    start_offset: int | None = None
    stop_offset: int | None = None
    start_time_ms: int | None = None
    stop_time_ms: int | None = None

    def resolve(self, consumer: KafkaConsumer, tp: TopicPartition) -> OffsetRange:
        first, end = consumer.beginning_offsets([tp])[tp], consumer.end_offsets([tp])[tp]

        def at(offset, time_ms, default):
            if offset is not None:
                return min(max(offset, first), end)
            if time_ms is not None:
                found = consumer.offsets_for_times({tp: time_ms})[tp]
                return found.offset if found else end
            return default

        start, stop = at(self.start_offset, self.start_time_ms, first), at(self.stop_offset, self.stop_time_ms, end)
        return OffsetRange(start, max(start, stop))


class _PartitionRestrictions(beam.transforms.core.RestrictionProvider):
    def __init__(self, config: KafkaConfig, group_id: str | None, bounds: OffsetBounds | None):
        self._config, self._group_id, self._bounds = config, group_id, bounds

    def initial_restriction(self, element):
        topic, partition, start_from = element
        tp = TopicPartition(topic, partition)
        consumer = _consumer(self._config, self._group_id)
        try:
            if self._bounds is not None:
                return self._bounds.resolve(consumer, tp)
            return OffsetRange(resolve_start_offset(consumer, tp, start_from), UNBOUNDED_END)
        finally:
            consumer.close()

    def create_tracker(self, restriction):
        return _PartitionTracker(restriction)

    def restriction_size(self, element, restriction):
        return 1


class _ReadPartition(beam.DoFn, beam.transforms.core.RestrictionProvider):
    """Reads one partition; it is also its own restriction provider, since that needs the Kafka settings."""

    def __init__(self, config: KafkaConfig, group_id: str | None, stop: StopPolicy, bounds: OffsetBounds | None,
                 poll_timeout_ms: int, watermark_lag_seconds: float):
        self._config, self._group_id, self._stop = config, group_id, stop
        self._restrictions = _PartitionRestrictions(config, group_id, bounds)
        self._poll_timeout_ms = poll_timeout_ms
        self._watermark_lag = watermark_lag_seconds
        self.records_read = counters.counter(counters.KAFKA_RECORDS_READ)

    def initial_restriction(self, element):
        return self._restrictions.initial_restriction(element)

    def create_tracker(self, restriction):
        return self._restrictions.create_tracker(restriction)

    def restriction_size(self, element, restriction):
        return self._restrictions.restriction_size(element, restriction)

    def setup(self):
        self._consumers: dict[TopicPartition, KafkaConsumer] = {}
        # per partition: since when, and when last, the broker confirmed it caught up
        self._caught_up: dict[TopicPartition, tuple[float, float]] = {}

    def teardown(self):
        # The runner may tear an instance down while one of its bundles is still reading (an SDK harness that
        # shuts down discards active bundle processors); clearing first lets that read see it (see `_read`).
        consumers, self._consumers = self._consumers, {}
        for consumer in consumers.values():
            consumer.close()

    def _positioned_consumer(self, tp: TopicPartition, offset: int) -> KafkaConsumer:
        consumer = self._consumers.get(tp)
        if consumer is None:
            consumer = self._consumers[tp] = _consumer(self._config, self._group_id)
            consumer.assign([tp])
        if consumer.position(tp) != offset:
            consumer.seek(tp, offset)
        return consumer

    def _should_stop(self, tp: TopicPartition, consumer: KafkaConsumer) -> bool:
        """At the deadline; or after `idle_seconds` during which the broker confirmed, check after check, that
        the partition is caught up: a broker outage (polls return nothing) or a stall is not idle time, and
        records produced just after the broker comes back are still read."""
        if shutdown.requested():  # SIGINT / SIGTERM (pipelines/shutdown.py)
            return True
        now = time.time()
        if self._stop.deadline is not None and now >= self._stop.deadline:
            return True
        if self._stop.idle_seconds is None:
            return False
        if consumer.position(tp) < consumer.end_offsets([tp], timeout_ms=_END_OFFSETS_TIMEOUT_MS)[tp]:
            self._caught_up.pop(tp, None)
            return False
        since, last_check = self._caught_up.get(tp, (now, now))
        if now - last_check > _MAX_IDLE_CHECK_GAP_SECONDS:
            since = now
        self._caught_up[tp] = (since, now)
        return now - since >= self._stop.idle_seconds

    @beam.DoFn.unbounded_per_element()
    def process(self, element, tracker=beam.DoFn.RestrictionParam(),
                watermark=beam.DoFn.WatermarkEstimatorParam(ManualWatermarkEstimator.default_provider())):
        yield from self._read(element, tracker, watermark)

    def _read(self, element, tracker, watermark):
        try:
            yield from self._read_records(element, tracker, watermark)
        except KafkaError as error:
            # The broker is unreachable (position() raises KafkaConnectionError while it is down). A failed
            # bundle fails the whole job on Prism, so checkpoint and read again later instead: nothing past
            # the last claimed offset was emitted, and the next call seeks to the remaining restriction.
            if not error.retriable:
                raise
            LOG.warning("reading %s:%s: %s; retrying in %.0f s", *element[:2], error, RETRY_SECONDS)
            self._caught_up.pop(TopicPartition(*element[:2]), None)  # an outage is not idle time
            tracker.defer_remainder(Duration(seconds=RETRY_SECONDS))
        except RuntimeError:
            # kafka-python raises RuntimeError('NetworkSelector closed!') when teardown() closed the consumer under
            # this read (seen once in CI on Prism). Checkpoint: the runner resumes the restriction with an open
            # consumer, and nothing past the last claimed offset was emitted.
            if TopicPartition(*element[:2]) in self._consumers:
                raise
            LOG.warning("reading %s:%s: the reader was torn down mid-read; resuming from the last claimed offset",
                        *element[:2])
            tracker.defer_remainder()

    def _read_records(self, element, tracker, watermark):
        topic, partition, _ = element
        tp = TopicPartition(topic, partition)
        restriction = tracker.current_restriction()
        consumer = self._positioned_consumer(tp, restriction.start)
        records = [] if shutdown.requested() else consumer.poll(timeout_ms=self._poll_timeout_ms).get(tp, [])
        if not records:
            if consumer.position(tp) >= restriction.stop or self._should_stop(tp, consumer):
                tracker.try_claim(restriction.stop)
                return
            self._advance_idle_watermark(watermark)
            tracker.defer_remainder(Duration(seconds=0.2))
            return
        self._caught_up.pop(tp, None)
        stage_log.reached("read", (record.key for record in records))
        event_time = self._ingestion_time(watermark)
        for record in records:
            if not tracker.try_claim(record.offset):
                return
            self.records_read.inc()
            receipt = Receipt(topic_uri(topic), partition, record.offset, record.timestamp)
            yield TimestampedValue(KafkaRecord(receipt, record.key, record.value, record.timestamp), event_time)
        # One poll per call: a runner passes a bundle's output on only when the bundle ends, so returning at once
        # lets records go on without waiting; under load a poll brings many records, so bundles stay large.
        tracker.defer_remainder()

    def _ingestion_time(self, watermark) -> Timestamp:
        """Now, never before this partition's previous records (the watermark estimator's state moves with the
        restriction, so this holds across workers too); the watermark becomes that time minus the lag."""
        current = watermark.current_watermark()
        floor = current + Duration(seconds=self._watermark_lag) if current is not None else Timestamp(0)
        event_time = max(Timestamp.of(time.time()), floor)
        watermark.set_watermark(event_time - Duration(seconds=self._watermark_lag))
        return event_time

    def _advance_idle_watermark(self, watermark):
        idle_watermark = Timestamp.of(time.time() - self._watermark_lag)
        current = watermark.current_watermark()
        if current is None or idle_watermark > current:
            watermark.set_watermark(idle_watermark)


class _ReadPartitionRange(_ReadPartition):
    """The same reader over bounded offset ranges (backfill), so that its output is a bounded PCollection."""

    def process(self, element, tracker=beam.DoFn.RestrictionParam(),
                watermark=beam.DoFn.WatermarkEstimatorParam(ManualWatermarkEstimator.default_provider())):
        yield from self._read(element, tracker, watermark)


class _WatchPartitions(beam.DoFn, beam.transforms.core.RestrictionProvider):
    """Emits `(topic, partition, start_from)` for every partition of the topic, and again for each partition
    added later: the topic's metadata is read every `interval_seconds` (as Beam's Java KafkaIO does with its
    dynamic read), so a partition created while the stream runs is read within one interval.

    The restriction is the range of partition numbers: Kafka numbers partitions 0..n-1 and only ever adds
    higher ones, so the claimed position is exactly "partitions already handed to the reader". Partitions of a
    consumer group that has never committed on this topic start at `start_from`; every other partition without
    a committed offset (added while running, or while the stream was down) starts at its beginning, so
    `--start-from latest` never skips what a new partition holds. Watching ends within one interval of a SIGINT or
    SIGTERM (`pipelines.shutdown`), and with a stop policy at the deadline, or once no partition was added and no
    record appended to the topic for `idle_seconds`.
    """

    def __init__(self, config: KafkaConfig, group_id: str | None, start_from: str, stop: StopPolicy,
                 interval_seconds: float, watermark_lag_seconds: float):
        self._config, self._group_id, self._start_from, self._stop = config, group_id, start_from, stop
        self._interval, self._watermark_lag = interval_seconds, watermark_lag_seconds

    def initial_restriction(self, element):
        return OffsetRange(0, UNBOUNDED_END)

    def create_tracker(self, restriction):
        return _PartitionTracker(restriction)

    def restriction_size(self, element, restriction):
        return 1

    def setup(self):
        self._consumer = _consumer(self._config, self._group_id)
        self._last_change: tuple[float, dict] | None = None  # (when, end offsets) of the last change seen

    def teardown(self):
        self._consumer.close()

    @beam.DoFn.unbounded_per_element()
    def process(self, topic, tracker=beam.DoFn.RestrictionParam(),
                watermark=beam.DoFn.WatermarkEstimatorParam(ManualWatermarkEstimator.default_provider())):
        now = time.time()
        watermark.set_watermark(Timestamp.of(now - self._watermark_lag))
        try:
            partitions = sorted(self._consumer_partitions(topic))
        except KafkaError as error:
            if not error.retriable:
                raise
            LOG.warning("listing the partitions of %s: %s; retrying in %.0f s", topic, error, RETRY_SECONDS)
            tracker.defer_remainder(Duration(seconds=RETRY_SECONDS))
            return
        if not partitions:
            raise ValueError(f"topic '{topic}' does not exist on {self._config.bootstrap_servers}")
        first_call = tracker.current_restriction().start == 0
        start_from = self._start_from if first_call and not self._group_has_committed(topic, partitions) else "earliest"
        new = [partition for partition in partitions if partition >= tracker.current_restriction().start]
        for partition in new:
            if not tracker.try_claim(partition):
                return
            yield TimestampedValue((topic, partition, start_from), Timestamp.of(now))
        if self._should_stop(topic, partitions, now, added=bool(new)):
            tracker.try_claim(tracker.current_restriction().stop)
            return
        tracker.defer_remainder(Duration(seconds=self._interval))

    def _consumer_partitions(self, topic: str) -> set[int]:
        self._consumer.topics()  # a fresh metadata request: the cached metadata would not show new partitions
        return self._consumer.partitions_for_topic(topic) or set()

    def _group_has_committed(self, topic: str, partitions: list[int]) -> bool:
        return self._group_id is not None and any(
            self._consumer.committed(TopicPartition(topic, partition)) is not None for partition in partitions)

    def _should_stop(self, topic: str, partitions: list[int], now: float, added: bool) -> bool:
        if shutdown.requested():  # SIGINT / SIGTERM: else the job never ends, whatever the readers do
            return True
        if self._stop.deadline is not None and now >= self._stop.deadline:
            return True
        if self._stop.idle_seconds is None:
            return False
        ends = self._consumer.end_offsets([TopicPartition(topic, p) for p in partitions],
                                          timeout_ms=_END_OFFSETS_TIMEOUT_MS)
        if added or self._last_change is None or self._last_change[1] != ends:
            self._last_change = (now, ends)
            return False
        return now - self._last_change[0] >= self._stop.idle_seconds


class ReadFromKafka(beam.PTransform):
    """Every partition of `topic`: unbounded from the group's committed offsets (partitions added later
    included), or within `bounds` (the partitions that exist now)."""

    def __init__(self, config: KafkaConfig, topic: str, group_id: str | None, *, start_from: str = "earliest",
                 stop: StopPolicy = StopPolicy(), bounds: OffsetBounds | None = None, poll_timeout_ms: int = 500,
                 watermark_lag_seconds: float = WATERMARK_LAG_SECONDS,
                 discovery_seconds: float = PARTITION_DISCOVERY_SECONDS):
        super().__init__()
        self._config, self._topic, self._group_id, self._start_from = config, topic, group_id, start_from
        self._bounded = bounds is not None
        reader = _ReadPartitionRange if self._bounded else _ReadPartition
        self._read = reader(config, group_id, stop, bounds, poll_timeout_ms, watermark_lag_seconds)
        self._watch = _WatchPartitions(config, group_id, start_from, stop, discovery_seconds, watermark_lag_seconds)

    def expand(self, pbegin):
        config, topic = self._config, self._topic
        if self._bounded:
            partitions = (pbegin | "Start" >> beam.Impulse()
                          | "ListPartitions" >> beam.FlatMap(lambda _: list_partitions(config, topic)))
        else:
            partitions = (pbegin | "Start" >> beam.Create([topic])
                          | "WatchPartitions" >> beam.ParDo(self._watch))
        return partitions | "ReadPartitions" >> beam.ParDo(self._read).with_output_types(KafkaRecord)


def list_partitions(config: KafkaConfig, topic: str) -> list[tuple[str, int, str]]:
    """The topic's partitions as they are now, for a bounded read: `(topic, partition, "earliest")`."""
    consumer = KafkaConsumer(**config.client_kwargs())
    try:
        partitions = consumer.partitions_for_topic(topic)
    finally:
        consumer.close()
    if not partitions:
        raise ValueError(f"topic '{topic}' does not exist on {config.bootstrap_servers}")
    return [(topic, partition, "earliest") for partition in sorted(partitions)]


Message = tuple  # (key: bytes | None, value: bytes, headers: list[tuple[str, bytes]])


def message_bytes(key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]) -> int:
    """A message's size as a topic limit counts it: key, value and headers."""
    return len(key or b"") + len(value) + sum(len(name.encode()) + len(data) for name, data in headers)


class PublishToKafka(beam.DoFn):
    """Sends each element to `topic` and passes it on only after the broker has acknowledged it.

    Elements are held until `finish_bundle` has flushed the producer and every send succeeded
    (a failed send fails the bundle, which the runner retries), so anything downstream, offset
    commits included, sees only what is durable in Kafka.

    A message larger than `max_message_bytes` (key + value + headers) is never sent: the broker would refuse it
    on every retry and stop the job for good. It is counted (`output_too_large`) and logged; with `too_large`,
    `too_large(element, size, limit)` goes to the TOO_LARGE output (e.g. a dead letter), and the element is passed
    on as if published, so later sinks (the Avro files) still get it.
    """

    TOO_LARGE = "too_large"

    def __init__(self, config: KafkaConfig, topic: str, to_message: Callable[[object], Message],
                 max_message_bytes: int = Limits.max_message_bytes, too_large: Callable[[object, int, int], object] | None = None):
        self._config, self._topic, self._to_message = config, topic, to_message
        self._max_message_bytes, self._too_large = max_message_bytes, too_large
        self.output_too_large = counters.counter(counters.OUTPUT_TOO_LARGE)

    def setup(self):
        # Idempotent sends retried for up to a day: a broker outage holds the bundle in send() (waiting for
        # metadata) or flush() instead of failing it (kafka-python gives up after 1-2 minutes by default, and a
        # failed bundle fails a Prism job); reconnect backoff capped at 1 s as for the consumers.
        self._producer = KafkaProducer(acks="all", linger_ms=5, enable_idempotence=True,
                                       delivery_timeout_ms=PUBLISH_DELIVERY_TIMEOUT_MS,
                                       max_block_ms=PUBLISH_DELIVERY_TIMEOUT_MS, reconnect_backoff_max_ms=1000,
                                       **self._config.client_kwargs())

    def start_bundle(self):
        self._pending: list[tuple[object, WindowedValue]] = []

    def process(self, element, timestamp=beam.DoFn.TimestampParam, window=beam.DoFn.WindowParam):
        key, value, headers = self._to_message(element)
        windowed = WindowedValue(element, timestamp, [window])
        size = message_bytes(key, value, headers)
        if size > self._max_message_bytes:
            self.output_too_large.inc()
            LOG.warning("not publishing a %d-byte message to %s (limit %d)", size, self._topic, self._max_message_bytes)
            if self._too_large is not None:
                yield beam.pvalue.TaggedOutput(self.TOO_LARGE, self._too_large(element, size, self._max_message_bytes))
            self._pending.append((None, windowed))
            return
        future = self._producer.send(self._topic, key=key, value=value, headers=headers)
        self._pending.append((future, windowed))

    def finish_bundle(self):
        self._producer.flush()
        for future, windowed in self._pending:
            if future is not None:
                future.get(timeout=30)
            yield windowed
        self._pending = []

    def teardown(self):
        self._producer.close()


class _CommitForward(beam.DoFn):
    """Commits each partition's highest finished offset + 1, never moving a committed offset back."""

    def __init__(self, config: KafkaConfig, group_id: str):
        self._config, self._group_id = config, group_id
        self.commits = counters.counter(counters.OFFSET_COMMITS)

    def setup(self):
        self._consumer = _consumer(self._config, self._group_id)

    def start_bundle(self):
        self._next_offsets: dict[TopicPartition, int] = {}

    def process(self, element):
        partition_and_topic, last_offset = element
        partition, topic = partition_and_topic.split(":", 1)
        tp = TopicPartition(topic, int(partition))
        self._next_offsets[tp] = max(self._next_offsets.get(tp, 0), last_offset + 1)

    def finish_bundle(self):
        while True:
            try:
                return self._commit_forward()
            except KafkaError as error:
                # Broker unreachable: wait for it rather than fail the bundle (which fails the job on Prism).
                if not error.retriable:
                    raise
                LOG.warning("committing offsets of group %s: %s; retrying in %.0f s", self._group_id, error, RETRY_SECONDS)
                time.sleep(RETRY_SECONDS)

    def _commit_forward(self):
        forward = {tp: OffsetAndMetadata(offset, "", -1) for tp, offset in self._next_offsets.items()
                   if offset > (self._consumer.committed(tp) or 0)}
        if forward:
            self._consumer.commit(forward)
            self.commits.inc(len(forward))

    def teardown(self):
        self._consumer.close()


class CommitOffsets(beam.PTransform):
    """Commits the consumer group's offsets once every record before them is finished.

    Receipts are windowed like the Avro files (same fixed windows, by event time). A window fires
    when the watermark passes its end, that is when every record whose event time falls before
    that end has its receipt: annotated records through the file written for the same window
    (whose receipts carry that window's last timestamp), dead letters and duplicates directly.
    Event time is monotonic per partition (see `_ReadPartition`), so all offsets of a partition
    up to the window's highest one are then finished, and that offset + 1 can be committed.
    No state is shared between bundles, which keeps this correct on every runner.
    """

    def __init__(self, config: KafkaConfig, group_id: str, window_seconds: int):
        super().__init__()
        self._config, self._group_id, self._window_seconds = config, group_id, window_seconds

    def expand(self, receipts):
        return (
            receipts
            | "Window" >> beam.WindowInto(FixedWindows(self._window_seconds), **never_drop_late())
            | "KeyByPartition" >> beam.Map(lambda r: (f"{r.partition}:{r.uri.removeprefix('kafka://')}", r.offset))
                                     .with_output_types(tuple[str, int])
            | "LastOffset" >> beam.CombinePerKey(max)
            | "Commit" >> beam.ParDo(_CommitForward(self._config, self._group_id))
        )
