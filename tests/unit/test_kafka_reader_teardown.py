"""A reader torn down while one of its bundles reads checkpoints instead of failing the job (CI, Prism, once)."""

from collections import namedtuple

import pytest
from apache_beam.io.restriction_trackers import OffsetRange
from kafka import TopicPartition

from pipelines.io import kafka as kafka_io
from pipelines.io.kafka import StopPolicy, _ReadPartition
from pipelines.io.kafka_config import KafkaConfig

TP = TopicPartition("articles.raw", 0)
Record = namedtuple("Record", "offset key value timestamp")


class ClosingConsumer:
    """Serves offsets 0..end-1, one per poll; its `during_poll` hook runs inside poll, as another thread would."""

    def __init__(self, end, during_poll=None):
        self.at, self.end, self.during_poll, self.closed = 0, end, during_poll, False

    def assign(self, tps):
        pass

    def position(self, tp):
        if self.closed:
            raise RuntimeError("NetworkSelector closed!")
        return self.at

    def seek(self, tp, offset):
        self.at = offset

    def poll(self, timeout_ms):
        if self.during_poll:
            self.during_poll()
        if self.closed:
            raise RuntimeError("NetworkSelector closed!")
        if self.at >= self.end:
            return {}
        self.at += 1
        return {TP: [Record(self.at - 1, b"k", b"v", 0)]}

    def end_offsets(self, tps, timeout_ms):
        return {tp: self.end for tp in tps}

    def close(self):
        self.closed = True


class Tracker:
    def __init__(self, start, stop):
        self.restriction, self.deferred = OffsetRange(start, stop), False

    def current_restriction(self):
        return self.restriction

    def try_claim(self, offset):
        if offset >= self.restriction.stop:
            return False
        self.restriction = OffsetRange(offset + 1, self.restriction.stop)
        return True

    def defer_remainder(self, delay=None):
        self.deferred = True


class Watermark:
    def __init__(self):
        self.value = None

    def current_watermark(self):
        return self.value

    def set_watermark(self, value):
        self.value = value


def reader():
    read = _ReadPartition(KafkaConfig(), None, StopPolicy(), None, 500, 2.0)
    read.setup()
    return read


def read_once(read, tracker):
    return list(read.process((TP.topic, TP.partition, "earliest"), tracker, Watermark()))


def test_a_teardown_during_a_read_defers_the_rest_and_a_later_read_reopens(monkeypatch):
    read = reader()
    opened = []

    def open_consumer(config, group_id):
        consumer = ClosingConsumer(end=3, during_poll=read.teardown if not opened else None)
        opened.append(consumer)
        return consumer

    monkeypatch.setattr(kafka_io, "_consumer", open_consumer)
    tracker = Tracker(0, 3)
    assert read_once(read, tracker) == [] and tracker.deferred and tracker.restriction.start == 0
    assert opened[0].closed
    offsets = []
    while tracker.restriction.start < 3:
        tracker.deferred = False
        offsets += [value.value.receipt.offset for value in read_once(read, tracker)]
    assert offsets == [0, 1, 2] and len(opened) == 2


def test_a_closed_consumer_the_reader_still_holds_is_an_error(monkeypatch):
    read = reader()
    consumer = ClosingConsumer(end=3)
    consumer.closed = True
    monkeypatch.setattr(kafka_io, "_consumer", lambda config, group_id: consumer)
    with pytest.raises(RuntimeError, match="closed"):
        read_once(read, Tracker(0, 3))
