"""Parsing and validation: every bad-input kind gets its own reason; good input is normalised."""

import json

import pytest

from pipelines import schemas
from pipelines.articles import (MAX_ERROR_CHARS, MESSAGE_ENVELOPE_BYTES, Limits, Rejected, article_key, dead_letter,
                                output_too_large, parse_article)
from pipelines.io.records import Receipt

GOOD = {"id": "a1", "url": "https://x.org/1", "source": "Wire", "title": "Talks", "body": "Leaders met.",
        "published_at": "2020-01-02T03:04:05+01:00", "language": "en"}


def raw(value) -> bytes:
    return json.dumps(value).encode()


def reason_of(payload: bytes, limits=Limits()) -> str:
    with pytest.raises(Rejected) as rejected:
        parse_article(payload, limits)
    return rejected.value.reason


def test_good_article_is_normalised():
    article = parse_article(raw(GOOD))
    assert article["published_at"] == "2020-01-02T02:04:05Z"
    assert article["id"] == "a1" and article["language"] == "en"


def test_optional_fields_may_be_absent_or_null():
    article = parse_article(raw({k: v for k, v in GOOD.items() if k not in ("published_at", "language", "url", "source")}))
    assert article["published_at"] is None and article["url"] is None and article["source"] is None
    assert article["language"] == "en"  # detected
    assert parse_article(raw({**GOOD, "url": None, "source": None}))["url"] is None


FRENCH = "Les ministres des finances se sont réunis à Paris lundi pour discuter du budget de l'année prochaine."


def test_undeclared_language_is_detected_not_assumed():
    with pytest.raises(Rejected) as rejected:
        parse_article(raw({**GOOD, "language": None, "body": FRENCH}))
    assert rejected.value.reason == "unsupported_language" and "'fr' (detected)" in str(rejected.value)
    assert parse_article(raw({**GOOD, "language": None, "body": FRENCH}), Limits(languages=("en", "fr")))["language"] == "fr"


def test_declared_language_stands_unless_the_text_is_clearly_another():
    assert parse_article(raw({**GOOD, "language": "EN-gb"}))["language"] == "en"
    with pytest.raises(Rejected) as rejected:  # a feed that labels French text English
        parse_article(raw({**GOOD, "language": "en", "body": FRENCH}))
    assert "'fr' (detected)" in str(rejected.value)
    with pytest.raises(Rejected) as rejected:  # a code the detector does not know stands
        parse_article(raw({**GOOD, "language": "sco", "body": "The wean gaed hame."}))
    assert "'sco' (declared)" in str(rejected.value)


@pytest.mark.parametrize("payload, reason", [
    (b'{"id": "a1", "title": "trunc', "malformed_json"),
    (b"[1, 2]", "not_an_object"),
    (b'"just a string"', "not_an_object"),
    (b"", "empty_message"),
    (b"   \n", "empty_message"),
    (b'{"id": "a1", "body": "caf\xe9"}', "invalid_utf8"),
    (raw({k: v for k, v in GOOD.items() if k != "body"}), "missing_field"),
    (raw({**GOOD, "id": "  "}), "missing_field"),
    (raw({**GOOD, "title": 20200101}), "wrong_type"),
    (raw({**GOOD, "published_at": 5}), "wrong_type"),
    (raw({**GOOD, "body": ""}), "empty_body"),
    (raw({**GOOD, "body": "  \n "}), "empty_body"),
    (raw({**GOOD, "language": "fr"}), "unsupported_language"),
    (raw({**GOOD, "published_at": "not a date at all"}), "bad_date"),
    (b"[" * 100_000 + b"]" * 100_000, "malformed_json"),
])
def test_each_bad_input_kind_has_its_reason(payload, reason):
    assert reason_of(payload) == reason


def test_oversized_message_is_rejected_before_parsing():
    limits = Limits(max_message_bytes=100)
    assert reason_of(b"{" + b"x" * 200, limits) == "oversized"


def test_oversized_body_is_rejected():
    assert reason_of(raw({**GOOD, "body": "word " * 50}), Limits(max_body_chars=20)) == "oversized"


def test_dead_letter_keeps_payload_and_origin():
    record = dead_letter(b"\xff\xfe", "invalid_utf8", "bad bytes", "parse", topic="articles.raw", partition=2, offset=7)
    assert record["payload"] == b"\xff\xfe" and record["partition"] == 2 and record["offset"] == 7


@pytest.mark.parametrize("payload, key", [(raw(GOOD), b"a1"), (b"{bad", None), (b"[1]", None), (raw({"id": 5}), None)])
def test_article_key(payload, key):
    assert article_key(payload) == key


@pytest.mark.parametrize("field, limit", [("id", 512), ("url", 4096), ("source", 512), ("title", 2000),
                                          ("language", 35), ("published_at", 100)])
def test_every_text_field_has_a_length_limit_named_in_the_error(field, limit):
    with pytest.raises(Rejected) as rejected:
        parse_article(raw({**GOOD, field: "x" * 600_000}))
    assert rejected.value.reason == "field_too_long"
    assert str(rejected.value) == f"{field} is 600000 characters, limit {limit}"


def test_error_texts_quote_at_most_80_characters_of_a_value():
    with pytest.raises(Rejected) as rejected:
        parse_article(raw({**GOOD, "language": "y" * 30}), Limits(languages=("en",)))
    assert "y" * 30 in str(rejected.value)
    with pytest.raises(Rejected) as rejected:
        parse_article(raw({**GOOD, "published_at": "z" * 99}))
    assert rejected.value.reason == "bad_date" and "z" * 80 + "…" in str(rejected.value) and "z" * 81 not in str(rejected.value)


def test_dead_letter_of_a_600k_field_fits_the_message_limit():
    """Issue 10: a 600,000-character language gave a 1.2 MB dead letter that no restart could publish."""
    payload = raw({**GOOD, "language": "x" * 600_000, "body": "b" * 500_000})
    limits = Limits()
    with pytest.raises(Rejected) as rejected:
        parse_article(payload, Limits(max_message_bytes=2_000_000))
    record = dead_letter(payload, rejected.value.reason, str(rejected.value), "parse", max_message_bytes=limits.max_message_bytes)
    message = schemas.encode_single_object(record, schemas.DEAD_LETTER)
    assert len(message) <= limits.max_message_bytes - MESSAGE_ENVELOPE_BYTES
    assert record["payload_truncated"] and record["payload_bytes"] == len(payload)
    assert payload.startswith(record["payload"]) and len(record["payload"]) > 900_000


def test_dead_letter_caps_any_error_text():
    record = dead_letter(b"x", "annotation_failed", "E" * 600_000, "annotate")
    assert len(record["error"]) == MAX_ERROR_CHARS + 1 and not record["payload_truncated"] and record["payload_bytes"] == 1


def test_output_too_large_dead_letter_names_the_article_not_its_content():
    receipt = Receipt("kafka://articles.raw", 1, 42)
    _, record = output_too_large((receipt, {"article_id": "a1", "url": "u" * 600_000}), 1_500_000, 1_000_000)
    assert (record["reason"], record["stage"], record["partition"], record["offset"]) == ("output_too_large", "publish", 1, 42)
    assert json.loads(record["payload"])["article_id"] == "a1" and len(record["payload"]) < 200
    assert "1500000 bytes" in record["error"]
