"""Helpers for the fault tests (issue #5): running `eventwire stream` so it can be killed, waiting on
conditions with deadlines, reading outputs, and generating many kinds of bad input.

The bad-input generators are hand-written, driven by one seeded `random.Random`, so a batch of
thousands is cheap to build and the same seed gives the same batch. The reason each payload
should be dead-lettered with is never guessed: it is what `pipelines.articles.parse_article`
says for that payload under the limits the stream runs with.
"""

from __future__ import annotations

import json
import os
import random
import signal
import string
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from pipelines import schemas
from pipelines.articles import Limits, Rejected, article_key, parse_article
from tests.integration.streaming import REPO


# --- processes and waiting ---------------------------------------------------------------------------------------

def start_stream(command: list[str], log: Path) -> subprocess.Popen:
    """`eventwire stream` in a session of its own, so `kill_group` reaches the runner and its workers too."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    process.wait()


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no output)"


def wait_until(condition: Callable[[], bool], timeout: float, what: str, process: subprocess.Popen | None = None,
               log: Path | None = None, interval: float = 0.5) -> float:
    """Poll `condition` until true; fails on timeout or when `process` ends first. Returns the seconds waited."""
    started = time.monotonic()
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the stream exited (rc {process.returncode}) while waiting for {what}\n"
                                 f"{tail(log) if log else ''}")
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{tail(log) if log else ''}")
        time.sleep(interval)
    return time.monotonic() - started


def finish(process: subprocess.Popen, timeout: float, log: Path) -> None:
    """Wait for a stream that should end by itself (--until-idle) and check it ended well."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        raise AssertionError(f"the stream did not end within {timeout:.0f} s\n{tail(log)}") from None
    assert process.returncode == 0, f"the stream failed (rc {process.returncode})\n{tail(log, 80)}"


def avro_files(output: Path) -> list[Path]:
    return [path for path in output.glob("window=*/*.avro") if not path.name.startswith(".")]


# --- Kafka -------------------------------------------------------------------------------------------------------

def produce_keyed(bootstrap: str, topic: str, messages: list[bytes]) -> list[tuple[int, int]]:
    """Send each message (keyed by its article id when one can be read); returns (partition, offset) of each."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_request_size=1_000_000)
    try:
        futures = [producer.send(topic, key=article_key(message), value=message) for message in messages]
        producer.flush()
        return [(metadata.partition, metadata.offset) for metadata in (future.get(timeout=60) for future in futures)]
    finally:
        producer.close()


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(partitions).items()}
    finally:
        consumer.close()


def decoded_topic(messages: list, schema_name: str) -> list[dict]:
    return [schemas.decode_single_object(message.value, schema_name) for message in messages]


# --- bad input ---------------------------------------------------------------------------------------------------

def expected_reason(payload: bytes, limits: Limits) -> str | None:
    """The dead-letter reason `parse_article` gives `payload`, or None when it is a valid article."""
    try:
        parse_article(payload, limits)
    except Rejected as rejected:
        return rejected.reason
    return None


def _words(rng: random.Random, count: int) -> str:
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(count))


def _article(rng: random.Random, serial: int, **fields) -> dict:
    base = {
        "id": f"fault-{serial}",
        "url": f"https://example.org/fault/{serial}",
        "source": "fault-generator",
        "title": _words(rng, rng.randint(2, 8)).capitalize(),
        "body": _words(rng, rng.randint(5, 60)).capitalize() + ".",
    }
    base.update(fields)
    return base


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def random_bytes(rng: random.Random, serial: int, limits: Limits) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 2, 8, 64, 512])))


def truncated_json(rng: random.Random, serial: int, limits: Limits) -> bytes:
    whole = _dumps(_article(rng, serial))
    return whole[:rng.randint(1, len(whole) - 1)]


WRONG_VALUES = [0, 1.5, -7, True, False, [], ["a", "list"], {}, {"nested": "object"}, None, [None]]


def wrong_types(rng: random.Random, serial: int, limits: Limits) -> bytes:
    article = _article(rng, serial)
    for name in rng.sample(["id", "url", "source", "title", "body", "published_at", "language"], rng.randint(1, 3)):
        article[name] = rng.choice(WRONG_VALUES)
    if rng.random() < 0.2:
        return _dumps(rng.choice([[article], 42, "a string", None, True, 3.14]))
    return _dumps(article)


def huge_strings(rng: random.Random, serial: int, limits: Limits) -> bytes:
    """Bodies just over the character limit (message itself in bounds), or whole messages over the byte limit."""
    if rng.random() < 0.5:
        body = "x" * (limits.max_body_chars + rng.randint(1, 2_000))
        return _dumps(_article(rng, serial, body=body))
    field = rng.choice(["body", "title", "url", "padding"])
    return _dumps(_article(rng, serial, **{field: "y" * (limits.max_message_bytes + rng.randint(1, 20_000))}))


def deeply_nested(rng: random.Random, serial: int, limits: Limits) -> bytes:
    """Nesting past the JSON decoder's recursion limit, or bounded nesting where a string belongs."""
    depth = rng.choice([5, 50, 500, 5_000, 20_000])
    opening, closing = rng.choice([("[", "]"), ('{"a":', "}")])
    nested = opening * depth + "1" + closing * depth
    where = rng.random()
    if where < 0.3:
        return nested.encode()
    article = _dumps(_article(rng, serial)).decode()
    field = rng.choice(["body", "title", "source"])
    return (article[:-1] + f', "{field}": ' + nested + "}").encode()


CONTROL = [chr(c) for c in range(0x20)] + ["\x7f"]


def control_characters(rng: random.Random, serial: int, limits: Limits) -> bytes:
    kind = rng.randrange(3)
    if kind == 0:  # raw control characters inside JSON strings: invalid JSON
        text = _dumps(_article(rng, serial)).decode()
        spot = text.index('"body": "') + len('"body": "')
        raw = "".join(rng.choice([c for c in CONTROL if c not in "\t\n\r "]) for _ in range(rng.randint(1, 5)))
        return (text[:spot] + raw + text[spot:]).encode()
    if kind == 1:  # a body made only of whitespace control characters
        return _dumps(_article(rng, serial, body="".join(rng.choice("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f ")
                                                          for _ in range(rng.randint(1, 40)))))
    # NUL bytes and other control bytes around or instead of the message
    return bytes(rng.choice([0, 1, 7, 8, 27, 127]) for _ in range(rng.randint(1, 30)))


ACCENTED = "éèàçüöñøåß€ŁŚğ日本語"


def mixed_encodings(rng: random.Random, serial: int, limits: Limits) -> bytes:
    accented = "".join(rng.choice(ACCENTED[:9]) for _ in range(rng.randint(1, 6)))
    article = _article(rng, serial, body=f"Caf{accented} au lait: " + _words(rng, 10))
    text = json.dumps(article, ensure_ascii=False)
    encoding = rng.choice(["latin-1", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "mixed"])
    if encoding == "mixed":  # valid UTF-8 around one latin-1 field
        utf8 = _dumps(_article(rng, serial, body="placeholder"))
        return utf8.replace(b"placeholder", f"na{accented}ve".encode("latin-1"))
    return text.encode(encoding, errors="replace")


def html_pages(rng: random.Random, serial: int, limits: Limits) -> bytes:
    title = _words(rng, 4)
    page = (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>"
            + "".join(f"<p>{_words(rng, rng.randint(5, 30))}</p>" for _ in range(rng.randint(1, 8)))
            + "</body></html>")
    return rng.choice(["", "\n", "  ", "\ufeff"]).encode() + page.encode()


def other_languages(rng: random.Random, serial: int, limits: Limits) -> bytes:
    language = rng.choice(["fr", "de", "es", "it", "ru", "zh", "ar", "pt-BR", "FR", "x-unknown"])
    return _dumps(_article(rng, serial, language=language))


def missing_or_empty(rng: random.Random, serial: int, limits: Limits) -> bytes:
    article = _article(rng, serial)
    kind = rng.randrange(4)
    if kind == 0:
        for name in rng.sample(["id", "url", "source", "title", "body"], rng.randint(1, 5)):
            del article[name]
    elif kind == 1:
        article[rng.choice(["id", "body"])] = rng.choice(["", "   ", "\n\t"])
    elif kind == 2:
        article["published_at"] = rng.choice(["someday", "32/13/2020", "yesterday-ish", "2020-02-30T99:00"])
    else:
        return rng.choice([b"", b" ", b"\n", b"null", b"[]", b'"just a string"', b"{}"])
    return _dumps(article)


GENERATORS: dict[str, Callable[[random.Random, int, Limits], bytes]] = {
    "random_bytes": random_bytes,
    "truncated_json": truncated_json,
    "wrong_types": wrong_types,
    "huge_strings": huge_strings,
    "deeply_nested": deeply_nested,
    "control_characters": control_characters,
    "mixed_encodings": mixed_encodings,
    "html_pages": html_pages,
    "other_languages": other_languages,
    "missing_or_empty": missing_or_empty,
}


def bad_batch(rng: random.Random, count: int, limits: Limits, max_tries: int = 20) -> list[tuple[str, bytes, str]]:
    """`count` (generator, payload, expected reason) triples, every payload rejected by `parse_article`.

    A generator can by chance make something valid (random bytes that spell a number are rejected,
    but e.g. shallow nesting in an extra field is not); such payloads are drawn again.
    """
    names = list(GENERATORS)
    batch = []
    for serial in range(count):
        name = names[serial % len(names)]
        for _ in range(max_tries):
            payload = GENERATORS[name](rng, serial, limits)
            reason = expected_reason(payload, limits)
            if reason is not None:
                batch.append((name, payload, reason))
                break
        else:
            raise AssertionError(f"generator {name} made only valid articles in {max_tries} tries")
    return batch
