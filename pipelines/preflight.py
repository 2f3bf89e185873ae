"""Checks run before any Beam job starts, each failing with a message and a hint a person can act on."""

from __future__ import annotations

import glob
import gzip
import json
import os
import tempfile
from pathlib import Path

import click

JSONL_PROBE_LINES = 20


class UserError(click.ClickException):
    """An expected failure: printed as `Error: ...` and `Hint: ...`, no traceback."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, exit_code: int | None = None):
        super().__init__(message)
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.message}", err=True)
        if self.hint:
            click.echo(f"Hint: {self.hint}", err=True)


def _open_lines(path: Path):
    with open(path, "rb") as probe:
        is_gzip = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if is_gzip else open(path, "rb")


def jsonl_inputs(patterns: list[str]) -> list[str]:
    """The files the patterns name, each readable and looking like JSON lines."""
    paths = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) or [pattern]
        for match in matches:
            path = Path(match)
            if not path.exists():
                raise UserError(f"input not found: {match}", "check the path (globs must be quoted so eventwire expands them)")
            if path.is_dir():
                raise UserError(f"input is a folder: {match}", f"name the files, e.g. --input '{match.rstrip('/')}/*.jsonl'")
            if not os.access(path, os.R_OK):
                raise UserError(f"input not readable: {match}", "check the file's permissions")
            _check_json_lines(path)
            paths.append(str(path))
    return sorted(set(paths))


def _check_json_lines(path: Path) -> None:
    seen, first = 0, None
    try:
        with _open_lines(path) as lines:
            for line in lines:
                if not line.strip():
                    continue
                seen += 1
                first = first or line
                try:
                    if isinstance(json.loads(line), dict):
                        return
                except (ValueError, RecursionError):
                    pass
                if seen >= JSONL_PROBE_LINES:
                    break
    except (OSError, EOFError) as error:
        raise UserError(f"cannot read {path}: {error}", "is it a complete, uncorrupted .jsonl or .jsonl.gz file?") from None
    if seen == 0:
        return  # an empty file is valid input with nothing in it
    excerpt = first[:60].decode("utf-8", errors="replace").strip()
    raise UserError(f"{path} is not JSON lines: none of its first {seen} lines is a JSON object (first: {excerpt!r})",
                    "input is one JSON article per line (.jsonl or .jsonl.gz); WARC archives go to `backfill --warc`")


def output_file(path: str) -> None:
    """`path` can be created or replaced as a file."""
    target = Path(path)
    if target.is_dir():
        raise UserError(f"output is a folder: {path}", "give a file name ending in .jsonl or .avro")
    _writable_dir(target.parent if str(target.parent) else Path("."), f"output folder of {path}")


def output_dir(path: str) -> None:
    """`path` is, or can be created as, a writable folder."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise UserError(f"output is a file, not a folder: {path}", "give a folder path with --output (created if missing)")
    _writable_dir(target, f"output folder {path}")


def _writable_dir(folder: Path, what: str) -> None:
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(f"{what} cannot be created: {existing} is a file", "choose another --output")
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".eventwire-write-test"):
            pass
    except OSError as error:
        raise UserError(f"{what} is not writable: {error.strerror} ({existing})",
                        "choose an --output you may write to") from None


BROKER_TIMEOUT_S = 8.0


def broker(config, topics: list[str], timeout_s: float = BROKER_TIMEOUT_S) -> None:
    """The brokers answer within `timeout_s` and each topic exists (checked in a thread, so no client retry
    policy can make it wait longer)."""
    import threading

    outcome: dict = {}

    def list_topics():
        from kafka import KafkaConsumer

        consumer = None
        try:
            consumer = KafkaConsumer(request_timeout_ms=int(timeout_s * 1000), reconnect_backoff_max_ms=1000,
                                     **config.client_kwargs())
            outcome["topics"] = consumer.topics()
        except Exception as error:  # noqa: BLE001 - reported below
            outcome["error"] = error
        finally:
            if consumer is not None:
                consumer.close()

    worker = threading.Thread(target=list_topics, name="eventwire-preflight", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if "topics" not in outcome:
        detail = f": {outcome['error']}" if "error" in outcome else f" within {timeout_s:.0f} s"
        raise UserError(f"no Kafka broker answered at {config.bootstrap_servers}{detail}",
                        "start the local broker with `make kafka-up`, or point --bootstrap-servers "
                        "(or $EVENTWIRE_KAFKA_BOOTSTRAP_SERVERS) at yours")
    missing = [topic for topic in topics if topic and topic not in outcome["topics"]]
    if missing:
        raise UserError(f"topic(s) not found on {config.bootstrap_servers}: {', '.join(missing)}",
                        "`make kafka-up` creates the default topics; create yours with kafka-topics.sh, "
                        "or name existing ones with --input-topic / --annotated-topic / --dlq-topic / --events-topic")


def languages(accepted: tuple[str, ...], models: dict[str, str]) -> str:
    """Every accepted language has a model, installed; returns the one model the run annotates with."""
    import spacy.util

    if not accepted:
        raise UserError("--languages is empty", "name at least one language, e.g. --languages en")
    unknown = [code for code in accepted if code not in models]
    if unknown:
        raise UserError(f"no model for language(s) {', '.join(unknown)}; models are configured for "
                        f"{', '.join(sorted(models))}",
                        f"accept only languages with a model (--languages {','.join(sorted(models))}), or install a "
                        f"spaCy model and name it: --language-models {','.join(f'{k}={v}' for k, v in models.items())},"
                        f"{unknown[0]}=<package>")
    chosen = {models[code] for code in accepted}
    if len(chosen) > 1:
        raise UserError(f"languages {', '.join(accepted)} need {len(chosen)} different models; a run annotates with one",
                        "run one stream per language model, or use one multilingual model for all")
    model = chosen.pop()
    if not spacy.util.is_package(model) and not Path(model).is_dir():
        raise UserError(f"spaCy model {model!r} (for {', '.join(accepted)}) is not installed",
                        f"install it with `.venv/bin/pip install -c constraints.txt <its package>`, or fix --language-models")
    return model
