"""Property-based: whatever bytes arrive, parsing returns a valid Article or a Rejected with a reason."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import schemas
from pipelines.articles import Limits, Rejected, parse_article

LIMITS = Limits(max_message_bytes=20_000, max_body_chars=5_000)
REASONS = {"oversized", "invalid_utf8", "empty_message", "malformed_json", "not_an_object", "missing_field",
           "wrong_type", "empty_body", "unsupported_language", "bad_date"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)
article_like = st.fixed_dictionaries(
    {}, optional={name: json_values | st.text(max_size=300) for name in
                  ("id", "url", "source", "title", "body", "published_at", "language")})


def encodings(value) -> st.SearchStrategy[bytes]:
    return st.sampled_from(["utf-8", "latin-1", "utf-16"]).map(lambda codec: json.dumps(value, ensure_ascii=False).encode(codec, "replace"))


payloads = st.one_of(
    st.binary(max_size=2_000),
    article_like.flatmap(encodings),
    article_like.map(lambda v: json.dumps(v).encode()).flatmap(lambda raw: st.integers(0, len(raw)).map(lambda n: raw[:n])),
    st.integers(1, 3_000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(1, 3_000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=200).map(str.encode),
    st.just(b"<!DOCTYPE html><html><body><p>Not an article</p></body></html>"),
    st.integers(LIMITS.max_message_bytes + 1, LIMITS.max_message_bytes + 10).map(lambda n: b"x" * n),
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payloads)
def test_any_input_is_an_article_or_a_reasoned_rejection(payload):
    try:
        article = parse_article(payload, LIMITS)
    except Rejected as rejected:
        assert rejected.reason in REASONS and str(rejected)
        return
    schemas.check(article, schemas.ARTICLE)
    assert article["body"].strip()
