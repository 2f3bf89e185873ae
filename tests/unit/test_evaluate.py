"""Scoring of `eventwire evaluate`: gold parsing, matching on code plus actor countries, entity scores."""

import json

import pytest

from pipelines.evaluate import (
    GoldEvent,
    GoldSentence,
    actor_country,
    gold_kind,
    load_event_gold,
    load_plover_gold,
    precision_recall_f1,
    root_of,
    score_events,
)


def event(root, actor1=None, actor2=None, type1=None):
    def actor(country, type_code=None):
        return {"name": "x", "code": "", "country_code": country, "type_code": type_code} if country or type_code else None

    return {"event_root_code": root, "event_code": root + "0", "actor1": actor(actor1, type1), "actor2": actor(actor2)}


def test_team_gold_lines_parse_into_events(tmp_path):
    path = tmp_path / "events.tsv"
    path.write_text("# comment\n19\t19 RUS>UKR; 04 USA<>CHN\tText one.\nsports\t-\tText two.\n")
    assert gold_kind(path) == "events"
    first, second = load_event_gold(path)
    assert first.events == (GoldEvent("19", "RUS", "UKR"), GoldEvent("04", "USA", "CHN", symmetric=True))
    assert second.events == () and second.tag == "sports"


def test_plover_records_normalise_types_and_cameo_country_codes(tmp_path):
    path = tmp_path / "plover.jsonl"
    record = {"text": "Japan hit Italy.", "event": "FIGHT", "source": [{"code": "JAP"}], "target": [{"code": "ITL"}]}
    path.write_text(json.dumps(record) + "\n")
    assert gold_kind(path) == "plover"
    [sentence] = load_plover_gold(path)
    assert sentence.events[0].matches("ASSAULT", "JPN", "ITA")
    assert not sentence.events[0].matches("ASSAULT", "ITA", "JPN")


def test_events_match_on_root_and_both_countries_and_count_errors():
    gold = [
        GoldSentence("a", "19", (GoldEvent("19", "RUS", "UKR"),)),
        GoldSentence("b", "04", (GoldEvent("04", "USA", "CHN", symmetric=True),)),
        GoldSentence("c", "sports", ()),
    ]
    coded = [[event("19", "RUS", None)], [event("04", "CHN", "USA")], [event("18")]]
    report = score_events(gold, coded, root_of)
    assert report.scores.prf() == pytest.approx(precision_recall_f1(1, 2, 1))
    assert report.specificity == 0.0
    assert [kind for kind, _, _ in report.errors] == ["wrong actors for 19", "spurious 19 RUS>_", "spurious 18 _>_"]


def test_an_igo_without_country_matches_as_igo():
    assert actor_country({"country_code": None, "type_code": "IGO"}) == "IGO"
    assert actor_country({"country_code": "FRA", "type_code": "GOV"}) == "FRA"
    assert actor_country(None) is None


# ---------------------------------------------------------------- real-news gold (synthetic records only)

from pathlib import Path  # noqa: E402

from pipelines.evaluate import (  # noqa: E402
    NEWS_DIR,
    GoldMismatch,
    RealSentence,
    evaluate_realnews,
    format_realnews,
    gold_country,
    is_test_split,
    load_realnews_gold,
    match_sentence,
    score_realnews,
    sentence_hash,
)

REALNEWS = Path(__file__).parents[1] / "gold" / "realnews"


def coded(root, actor1=None, actor2=None, start=0):
    return {**event(root, actor1, actor2), "sentence_start": start}


def test_gold_actor_codes_reduce_to_their_country_part():
    assert [gold_country(c) for c in ("RUSGOV", "USA", "IGOUNOIAE", None, "")] == ["RUS", "USA", "IGO", None, None]


def test_a_sentence_scores_roots_and_dyads_separately():
    gold = (GoldEvent("19", "RUS", "UKR"), GoldEvent("17", "UKR", "UKR"))
    match = match_sentence(gold, [("19", "RUS", "UKR"), ("17", None, "UKR"), ("04", "USA", "CHN")])
    assert (match.root_tp, match.root_fp, match.root_fn) == (2, 1, 0)
    assert (match.dyad_tp, match.dyad_fp, match.dyad_fn) == (1, 2, 1)
    assert match.errors == [("missing source", "gold 17 UKR>UKR, coded 17 _>UKR"),
                            ("spurious extra event in an event sentence", "coded 04 USA>CHN")]


def test_a_symmetric_gold_event_matches_either_order():
    gold = (GoldEvent("04", "USA", "CHN", symmetric=True),)
    assert match_sentence(gold, [("04", "CHN", "USA")]).dyad_tp == 1
    assert match_sentence((GoldEvent("04", "USA", "CHN"),), [("04", "CHN", "USA")]).errors == [
        ("wrong source country", "gold 04 USA>CHN, coded 04 CHN>USA")]


@pytest.mark.parametrize(("gold", "coded_keys", "kind"), [
    ((GoldEvent("19", "RUS", "UKR"),), [("19", "RUS", "POL")], "wrong target country"),
    ((GoldEvent("19", "RUS", "UKR"),), [("19", "RUS", None)], "missing target"),
    ((GoldEvent("18", None, "AFG"),), [("18", "AFG", "AFG")], "source given a country the gold has not"),
    ((GoldEvent("19", "RUS", "UKR"),), [("11", "RUS", "UKR")], "wrong root"),
    ((GoldEvent("19", "RUS", "UKR"),), [], "missed event"),
    ((), [("01", "USA", None)], "spurious event in a no-event sentence"),
])
def test_every_mismatch_has_one_error_kind(gold, coded_keys, kind):
    assert [k for k, _ in match_sentence(gold, coded_keys).errors] == [kind]


def test_whole_article_events_go_to_the_sentence_holding_their_offset():
    sentences = [RealSentence("a", 0, 0, 10, (GoldEvent("19", "RUS", "UKR"),), "First one."),
                 RealSentence("a", 1, 11, 30, (), "Second, no event."),
                 RealSentence("a", 2, 31, 50, (GoldEvent("04", "USA", "CHN"),), "Third.")]
    events = [coded("19", "RUS", "UKR", start=0), coded("04", "USA", "CHN", start=11),
              coded("04", "USA", "CHN", start=31), coded("04", "USA", "CHN", start=31), coded("01", start=60)]
    report = score_realnews([sentences], [events])
    t = report.totals
    assert (t.dyad_tp, t.dyad_fp, t.dyad_fn) == (2, 1, 0)  # the duplicate in sentence 2 counts once
    assert (report.no_event_sentences, report.no_event_quiet, report.specificity) == (1, 0, 0.0)
    assert report.outside == 1 and report.event_sentences == 2
    assert [kind for kind, _, _ in report.errors] == ["event outside the gold sentences",
                                                      "spurious event in a no-event sentence"]
    assert report.per_root.prf("04") == (0.5, 1.0, pytest.approx(2 / 3))


def _write_realnews(tmp_path, name, sentence_text, text_hash=None):
    news = tmp_path / "news"
    news.mkdir()
    (news / "corpus.jsonl").write_text(json.dumps({"id": "a1", "title": "Title", "body": sentence_text,
                                                   "published_at": "2020-01-01T00:00:00Z"}) + "\n")
    start = len("Title\n\n")
    row = {"article_id": "a1", "source_file": "corpus.jsonl", "url": None, "license": None,
           "published_at": "2020-01-01T00:00:00Z", "sentence": 1, "start": start,
           "end": start + len(sentence_text), "text_hash": text_hash or sentence_hash(sentence_text),
           "events": [{"code": "190", "root": "19", "source": "RUSMIL", "target": "UKRGOV", "symmetric": False}]}
    path = tmp_path / name
    path.write_text(json.dumps(row) + "\n")
    return path, news


def test_real_news_gold_is_told_apart_and_re_read_from_the_news(tmp_path):
    path, news = _write_realnews(tmp_path, "dev.jsonl", "Made-up troops shelled a made-up town.")
    assert gold_kind(path) == "realnews"
    [(article, [sentence])] = load_realnews_gold(path, news)
    assert article["id"] == "a1" and sentence.text == "Made-up troops shelled a made-up town."
    assert sentence.events == (GoldEvent("19", "RUS", "UKR"),)


def test_a_hash_that_does_not_match_fails_loudly(tmp_path):
    path, news = _write_realnews(tmp_path, "dev.jsonl", "Made-up sentence.", text_hash="sha256:0000000000000000")
    with pytest.raises(GoldMismatch, match="do not match"):
        load_realnews_gold(path, news)


def test_a_test_split_withholds_its_errors(tmp_path, monkeypatch):
    import pipelines.evaluate

    class Texts:  # stands in for the spaCy pipeline; the coder below ignores the docs
        def pipe(self, texts, batch_size):
            return iter(texts)

    monkeypatch.setattr(pipelines.evaluate, "emitted_mentions", lambda doc, *_: [coded("11", "USA", "RUS", start=7)])
    for name, split in (("test.jsonl", "test"), ("dev.jsonl", "dev")):
        (tmp_path / split).mkdir()
        path, news = _write_realnews(tmp_path / split, name, "Made-up troops shelled a made-up town.")
        result = evaluate_realnews(Texts(), path, news)
        assert result["split"] == split and result["dyad_recall"] == 0.0
        if split == "test":
            assert result["errors"] == [] and result["error_counts"] is None
            assert "wrong root" not in format_realnews(result, 15)
        else:
            assert result["error_counts"] == {"wrong root": 1}
            assert "wrong root" in format_realnews(result, 15)
    assert is_test_split(tmp_path / "test.jsonl") and not is_test_split(tmp_path / "dev.jsonl")
    assert is_test_split(tmp_path / "calibration.jsonl")


@pytest.mark.parametrize("name", ["dev.jsonl", "test.jsonl"])
def test_committed_real_news_gold_is_well_formed_and_aligned(name):
    path = REALNEWS / name
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    for row in rows:
        assert "text" not in row, "news text must not be committed"
        assert set(row) == {"article_id", "source_file", "url", "license", "published_at", "sentence", "start",
                            "end", "text_hash", "events"}
        assert row["start"] < row["end"]
        for gold in row["events"]:
            assert gold["root"] == gold["code"][:2] and gold["code"].isdigit()
            for actor in (gold["source"], gold["target"]):
                assert actor is None or (actor[:3].isupper() and actor.isalpha())
    articles = load_realnews_gold(path, NEWS_DIR)  # raises GoldMismatch if any hash differs
    assert sum(len(sentences) for _, sentences in articles) == len(rows)
    for _, sentences in articles:
        assert [s.number for s in sentences] == list(range(len(sentences)))
        assert all(a.end <= b.start for a, b in zip(sentences, sentences[1:]))


def test_dev_and_test_share_no_article():
    ids = {name: {json.loads(line)["article_id"] for line in (REALNEWS / name).read_text("utf-8").splitlines()}
           for name in ("dev.jsonl", "test.jsonl")}
    assert not ids["dev.jsonl"] & ids["test.jsonl"]
