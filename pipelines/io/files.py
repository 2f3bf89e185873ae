"""Reading article lines from JSONL / JSONL.gz files, each line tagged with its file and line number."""

from __future__ import annotations

import glob
import gzip
from pathlib import Path
from typing import Iterator

import apache_beam as beam

from pipelines.io.records import KafkaRecord, Receipt


def open_lines(path: str):
    """Binary line iterator; gzip by magic bytes, so a .jsonl.gz named otherwise still reads."""
    with open(path, "rb") as probe:
        is_gzip = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if is_gzip else open(path, "rb")


def read_lines(path: str) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, line without its newline) for every non-blank line."""
    with open_lines(path) as lines:
        for number, line in enumerate(lines, start=1):
            line = line.rstrip(b"\r\n")
            if line.strip():
                yield number, line


def count_lines(path: str) -> int:
    """Non-blank lines, i.e. the records `read_lines` will yield."""
    return sum(1 for _ in read_lines(path))


def expand_inputs(patterns: list[str]) -> list[str]:
    paths = sorted({path for pattern in patterns for path in (glob.glob(pattern) or [pattern])})
    missing = [path for path in paths if not Path(path).is_file()]
    if missing:
        raise FileNotFoundError(f"input not found: {', '.join(missing)}")
    return paths


def file_records(path: str) -> Iterator[KafkaRecord]:
    for number, line in read_lines(path):
        yield KafkaRecord(Receipt(path, None, number), None, line, 0)


class ReadArticleFiles(beam.PTransform):
    """Lines of JSONL[.gz] files as records shaped like Kafka's, so the same parse step serves both."""

    def __init__(self, patterns: list[str]):
        super().__init__()
        self._paths = expand_inputs(patterns)

    def expand(self, pbegin):
        return (
            pbegin
            | "Paths" >> beam.Create(self._paths)
            | "Lines" >> beam.FlatMap(file_records)
            | "Spread" >> beam.Reshuffle()
        )
