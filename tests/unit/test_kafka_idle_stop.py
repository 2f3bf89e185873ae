"""--until-idle: a partition stops only after the broker has confirmed it caught up for the whole idle time."""

from kafka import TopicPartition

from pipelines.io import kafka as kafka_io
from pipelines.io.kafka import StopPolicy, _ReadPartition
from pipelines.io.kafka_config import KafkaConfig

TP = TopicPartition("articles.raw", 0)


class FakeConsumer:
    """Position and end offset of one partition, as a broker would report them."""

    def __init__(self, position=10, end=10):
        self.at, self.end = position, end

    def position(self, tp):
        return self.at

    def end_offsets(self, tps, timeout_ms):
        return {tp: self.end for tp in tps}


def reader(idle_seconds=15.0):
    read = _ReadPartition(KafkaConfig(), None, StopPolicy(idle_seconds=idle_seconds), None, 500, 2.0)
    read.setup()
    return read


def checks(read, consumer, times, monkeypatch):
    """_should_stop at each wall-clock time."""
    results = []
    for now in times:
        monkeypatch.setattr(kafka_io.time, "time", lambda now=now: now)
        results.append(read._should_stop(TP, consumer))
    return results


def every_700_ms(start, count):
    return [start + 0.7 * i for i in range(count)]


def test_stops_after_the_idle_time_of_confirmed_checks(monkeypatch):
    assert checks(reader(), FakeConsumer(), every_700_ms(100.0, 23), monkeypatch) == [False] * 22 + [True]


def test_a_gap_between_checks_is_not_idle_time(monkeypatch):
    """The runner did not call the reader during a 20 s outage: the first check after it starts the count."""
    read, consumer = reader(), FakeConsumer()
    assert checks(read, consumer, every_700_ms(100.0, 10), monkeypatch) == [False] * 10
    assert checks(read, consumer, every_700_ms(126.3, 23), monkeypatch) == [False] * 22 + [True]


def test_a_partition_behind_its_end_is_not_idle(monkeypatch):
    read = reader()
    assert checks(read, FakeConsumer(position=10, end=14), every_700_ms(100.0, 30), monkeypatch) == [False] * 30
    assert checks(read, FakeConsumer(), every_700_ms(121.0, 23), monkeypatch) == [False] * 22 + [True]
