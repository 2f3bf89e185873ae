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


QUOTE_CHARS = 80
"""At most this many characters of an input value appear in an error text: a dead letter already keeps the raw
input in its payload, and an error embedding a 600,000-character field made the dead letter too large to publish."""

MAX_ERROR_CHARS = 2_000
"""Backstop for any error text (an exception's message may quote anything)."""

MESSAGE_ENVELOPE_BYTES = 1_024
"""Room left in a dead letter for its Kafka key and headers, so key + value + headers fit `max_message_bytes`."""


@dataclass(frozen=True)
class Limits:
    """Input and output limits.

    `max_message_bytes` bounds a raw input message and every message published (key + value + headers); the
    default stays below the broker's and kafka-python's 1 MiB. `max_body_chars` bounds the body, the `max_*_chars`
    the other text fields: short fields are copied into every output record, so one huge `url` or `language` must
    not make an AnnotatedArticle or a dead letter too large for its topic.
    """

    max_message_bytes: int = 1_000_000
    max_body_chars: int = 200_000
    languages: tuple[str, ...] = ("en",)
    max_id_chars: int = 512
    max_url_chars: int = 4_096
    max_source_chars: int = 512
    max_title_chars: int = 2_000
    max_language_chars: int = 35  # the longest BCP 47 tags in real use are far shorter
    max_published_at_chars: int = 100

    def field_limit(self, name: str) -> int:
        """The character limit of text field `name`."""
        return getattr(self, f"max_{name}_chars")


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
    for name in ("id", "url", "source", "title", "language", "published_at"):
        check_length(name, value.get(name), limits.field_limit(name))
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


def check_length(name: str, value: str | None, limit: int) -> None:
    """Reject a text field longer than `limit` characters, naming the field and both lengths (never the value)."""
    if value is not None and len(value) > limit:
        raise Rejected("field_too_long", f"{name} is {len(value)} characters, limit {limit}")


def quote(value: str, limit: int = QUOTE_CHARS) -> str:
    """`value` quoted for an error text, cut to `limit` characters with "…" so errors stay small."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


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
            raise Rejected("bad_date", f"published_at {quote(value)} is not a date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dead_letter(payload: bytes, reason: str, error: str, stage: str, *, topic=None, partition=None, offset=None,
                max_message_bytes: int = Limits.max_message_bytes) -> dict:
    """A `DeadLetter` record that fits a `max_message_bytes` message: the error is capped at MAX_ERROR_CHARS and
    the payload cut to what is left, with `payload_truncated` and the original `payload_bytes` recorded."""
    if len(error) > MAX_ERROR_CHARS:
        error = error[:MAX_ERROR_CHARS] + "…"
    record = {
        "payload": b"",
        "reason": reason,
        "error": error,
        "stage": stage,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "failed_at": utc_now(),
        "payload_truncated": False,
        "payload_bytes": len(payload),
    }
    room = payload_room(record, max_message_bytes)
    record["payload"], record["payload_truncated"] = payload[:room], len(payload) > room
    schemas.check(record, schemas.DEAD_LETTER)
    return record


def payload_room(record: dict, max_message_bytes: int) -> int:
    """How many payload bytes fit in a dead letter: the message limit less the envelope, the rest of the
    record and the payload's length prefix (at most 10 bytes)."""
    rest = len(schemas.encode_single_object({**record, "payload": b""}, schemas.DEAD_LETTER))
    return max(0, max_message_bytes - MESSAGE_ENVELOPE_BYTES - rest - 10)


def output_too_large(tracked: tuple, message_bytes: int, max_message_bytes: int) -> tuple:
    """(receipt, DeadLetter) for a (receipt, AnnotatedArticle) whose message exceeds the topic's limit: the article
    is still written to the files; this tells consumers of the DLQ it is missing from the topic."""
    receipt, record = tracked
    payload = json.dumps({"article_id": record["article_id"], "url": record["url"][:QUOTE_CHARS]}).encode()
    error = f"AnnotatedArticle message of {message_bytes} bytes exceeds the {max_message_bytes}-byte limit"
    return receipt, dead_letter(payload, "output_too_large", error, "publish", topic=receipt.uri.removeprefix("kafka://"),
                                partition=receipt.partition, offset=receipt.offset, max_message_bytes=max_message_bytes)


def article_key(raw: bytes) -> bytes | None:
    """The article id of a raw JSON line as a Kafka key, when one can be read; None otherwise."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    article_id = value.get("id") if isinstance(value, dict) else None
    return article_id.encode("utf-8") if isinstance(article_id, str) and article_id else None
