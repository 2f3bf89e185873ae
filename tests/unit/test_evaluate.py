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
