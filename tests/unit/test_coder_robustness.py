"""The coder never raises on real news: an exception dead-letters the whole article (annotation_failed).

One such bug ("the action" before any deed, a KeyError) was first caught by an integration test; this
runs the coder, with and without partial events, over the first articles of each shared corpus."""

import gzip
import itertools
import json

import pytest

from pipelines.nlp.coder import code_events
from pipelines.nlp.model import load_nlp
from pipelines.nlp.records import article_text
from tests.shared_data import NEWS

pytestmark = pytest.mark.spacy_model

PER_CORPUS = 60


def _articles() -> list[dict]:
    articles = []
    for name in ("wikinews_2019_2020.jsonl", "globalvoices_2012_05.jsonl", "wikinews_politics_2004_2014.jsonl.gz"):
        opener = gzip.open if name.endswith(".gz") else open
        with opener(NEWS / name, "rt", encoding="utf-8") as lines:
            rows = (json.loads(line) for line in lines if line.strip())
            articles += list(itertools.islice(
                (row for row in rows if row.get("body") and row.get("language", "en") == "en"), PER_CORPUS))
    return articles


def test_the_coder_codes_real_articles_without_raising():
    nlp = load_nlp()
    articles = _articles()
    coded = 0
    for doc, article in zip(nlp.pipe([article_text(a) for a in articles], batch_size=16), articles):
        for partial in (False, True):
            events = code_events(doc, article_id=article["id"], published_at=article.get("published_at"),
                                 allow_partial=partial)
            coded += len(events)
    assert len(articles) == 3 * PER_CORPUS and coded > 0
