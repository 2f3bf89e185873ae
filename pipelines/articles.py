"""Parse and validate raw article bytes into `Article` records; reject the rest with a reason.

Pure functions, no Beam: the Beam composite in `transforms.parse` only routes their results.
Limits are checked on the raw bytes before any decoding, so a huge input costs nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from dateutil import parser as date_parser

from pipelines import schemas
from pipelines.language import detect, primary_code

REQUIRED_TEXT_FIELDS = ("id", "title", "body")
OPTIONAL_TEXT_FIELDS = ("url", "source", "published_at", "language")


@dataclass(frozen=True)
class Limits:
    """Input limits; `max_message_bytes` bounds the whole raw message, `max_body_chars` the body."""

    max_message_bytes: int = 1_000_000
    max_body_chars: int = 200_000
    languages: tuple[str, ...] = ("en",)


class Rejected(ValueError):
    """An input that cannot become an Article; `reason` is a short machine-readable code."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def parse_article(raw: bytes, limits: Limits = Limits()) -> dict:
    """Return a schema-valid `Article` dict from raw JSON bytes, or raise `Rejected`."""
    if len(raw) > limits.max_message_bytes:
        raise Rejected("oversized", f"message of {len(raw)} bytes exceeds the {limits.max_message_bytes}-byte limit")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Rejected("invalid_utf8", f"not valid UTF-8 at byte {err.start}: {err.reason}") from None
    if not text.strip():
        raise Rejected("empty_message", "message is empty")
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        raise Rejected("malformed_json", f"malformed JSON: {err}") from None
    if not isinstance(value, dict):
        raise Rejected("not_an_object", f"expected a JSON object, got {type(value).__name__}")
    return validate_article(value, limits)


def validate_article(value: dict, limits: Limits = Limits()) -> dict:
    """Check fields and content of a decoded article; return the normalised `Article` dict."""
    missing = [name for name in REQUIRED_TEXT_FIELDS if value.get(name) is None]
    if missing:
        raise Rejected("missing_field", f"missing required field(s): {', '.join(missing)}")
    for name in REQUIRED_TEXT_FIELDS + OPTIONAL_TEXT_FIELDS:
        field = value.get(name)
        if field is not None and not isinstance(field, str):
            raise Rejected("wrong_type", f"field '{name}' must be a string, got {type(field).__name__}")
    if not value["id"].strip():
        raise Rejected("missing_field", "field 'id' is empty")
    body = value["body"].strip()
    if not body:
        raise Rejected("empty_body", "body is empty")
    if len(body) > limits.max_body_chars:
        raise Rejected("oversized", f"body of {len(body)} characters exceeds the {limits.max_body_chars}-character limit")
    declared = value.get("language")
    language = detect(f"{value['title']}\n{body}", declared, limits.languages)
    if limits.languages and language not in limits.languages:
        raise Rejected("unsupported_language", f"language '{language}' ({'declared' if declared and primary_code(declared) == language else 'detected'}) "
                       f"has no model here; accepted: {', '.join(limits.languages)}")
    article = {
        "id": value["id"].strip(),
        "url": value.get("url"),
        "source": value.get("source"),
        "title": value["title"],
        "body": body,
        "published_at": normalise_timestamp(value.get("published_at")),
        "language": language,
    }
    schemas.check(article, schemas.ARTICLE)
    return article


def normalise_timestamp(value: str | None) -> str | None:
    """ISO-8601 UTC ('2020-01-02T03:04:05Z') from any date string dateutil reads; bad dates are rejected."""
    if not value:
        return None
    try:
        moment = date_parser.isoparse(value)
    except (ValueError, OverflowError):
        try:
            moment = date_parser.parse(value)
        except (ValueError, OverflowError):
            raise Rejected("bad_date", f"published_at '{value[:64]}' is not a date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dead_letter(payload: bytes, reason: str, error: str, stage: str, *, topic=None, partition=None, offset=None,
                max_payload_bytes: int = 1_000_000) -> dict:
    """A `DeadLetter` record; the payload is kept whole unless it exceeds `max_payload_bytes`."""
    record = {
        "payload": payload[:max_payload_bytes],
        "reason": reason,
        "error": error,
        "stage": stage,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "failed_at": utc_now(),
    }
    schemas.check(record, schemas.DEAD_LETTER)
    return record


def article_key(raw: bytes) -> bytes | None:
    """The article id of a raw JSON line as a Kafka key, when one can be read; None otherwise."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    article_id = value.get("id") if isinstance(value, dict) else None
    return article_id.encode("utf-8") if isinstance(article_id, str) and article_id else None
