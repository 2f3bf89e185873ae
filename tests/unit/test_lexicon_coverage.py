"""Lexicon coverage: one sentence per trigger entry of data/cameo_triggers.yaml, checking the CAMEO code it gives.

The sentences are written for these checks (not taken from a gold set); each names the entry it covers.
"""

import pytest

from pipelines.nlp.coder import code_events
from pipelines.nlp.model import load_nlp

pytestmark = pytest.mark.spacy_model

PUBLISHED = "2019-01-04T09:30:00Z"


@pytest.fixture(scope="module")
def code():
    nlp = load_nlp()

    def run(text):
        return code_events(nlp(text), article_id="lexicon-1", published_at=PUBLISHED, allow_partial=True)

    return run


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 04 consult
        pytest.param("Myanmar forced the UN envoy out of the country.", "166",
                     id="force out of a country: expel"),
        pytest.param("Soldiers forced out hundreds of villagers from their homes in Darfur.", "201",
                     id="force people out of their homes: mass expulsion"),
        pytest.param("Militias engaged in ethnic cleansing in the region.", "203",
                     id="engage in: the object of 'in' names the event"),
        pytest.param("Norway ended its mediation efforts between the Sri Lankan government and the rebels.", "165",
                     id="an object's compound selects the code: end mediation efforts"),
        pytest.param("Kenyan teachers called off a two-week strike after talks with the government.", "082",
                     id="particle with an object map: call off a strike"),
        pytest.param("Dock workers in Chittagong went on strike on Monday.", "143",
                     id="preposition with an object map: go on strike"),
        pytest.param("Greece placed its navy on alert near the Turkish coast.", "152",
                     id="preposition with an object map: place on alert"),
        pytest.param("A Brazilian senator was put under investigation for bribery by federal police.", "090",
                     id="preposition with an object map: put under investigation"),
        pytest.param("The Malaysian president travelled to Jakarta for talks with Indonesian officials.", "042",
                     id="travel to: make a visit"),
        pytest.param("The Thai king welcomed a Chinese delegation in Bangkok.", "043",
                     id="welcome a delegation: host a visit"),
        # 05 diplomatic cooperation
        pytest.param("Egypt welcomed the Security Council's decision on Libya.", "051",
                     id="welcome a decision: praise or endorse"),
        pytest.param("Germany applauded the Colombian peace deal.", "051", id="applaud: praise"),
        # 06 material cooperation
        pytest.param("Indian and American troops held war games in Rajasthan.", "062",
                     id="war games: military cooperation"),
        # 07 aid
        pytest.param("Japan gave Vietnam 500 million euros in loans.", "071", id="give euros: economic aid"),
        pytest.param("Red Cross workers evacuated the wounded from Mosul.", "073",
                     id="evacuate the wounded (lemma 'wound'): humanitarian aid"),
        # 08 yield
        pytest.param("Syria allowed the delivery of food aid to Aleppo.", "086",
                     id="allow a delivery: allow international involvement"),
        # 09 investigate
        pytest.param("Ethiopian experts examined the wreckage of the Kenyan plane.", "090",
                     id="examine wreckage: investigate"),
        # 10 demand
        pytest.param("Kenyan unions pushed for talks with the government.", "100", id="push for: demand"),
        # 11 disapprove
        pytest.param("Amnesty International decried the arrests of Egyptian journalists.", "111",
                     id="decry: criticize"),
        # 12 reject
        pytest.param("Greece blocked Macedonia's bid to join NATO.", "120", id="block a bid: reject"),
        pytest.param("The Peruvian minister declined to resign despite the scandal.", "123",
                     id="decline to resign: reject demand for political change"),
        pytest.param("Iran turned down the American offer.", "120", id="turn down: reject"),
        # 13 threaten
        pytest.param("Hamas swore to fight Israel.", "138", id="swear to fight: threaten with military force"),
        pytest.param("The UN chief said he would withdraw the observers from Syria.", "166",
                     id="announced withdrawal of observers (166) is the decision"),
        # 14 protest
        pytest.param("Hundreds of Chilean miners are staging a hunger strike in Santiago.", "142",
                     id="staging (lemma 'stag') a hunger strike"),
        pytest.param("Italian truck drivers blocked the bridge into Genoa.", "144", id="block a bridge: obstruct"),
        pytest.param("Striking dock workers blocked traffic in the port of Marseille.", "144",
                     id="block traffic: obstruct"),
        pytest.param("Palestinian youths threw stones at Israeli police in Hebron.", "145",
                     id="throw stones: violent protest"),
        pytest.param("Israeli troops blocked the road to Nablus.", "191",
                     id="forces blocking a road restrict movement"),
        pytest.param("Protesters stormed the parliament in Yerevan.", "145", id="a crowd storming a building: riot"),
        # 16 reduce relations / sanctions
        pytest.param("The UN withdrew its observers from Syria.", "166", id="withdraw observers: expel or withdraw"),
        pytest.param("Canada banned imports of Iranian oil.", "163", id="ban imports: embargo"),
        pytest.param("Britain tightened sanctions on Belarus.", "163", id="tighten sanctions"),
        # 17 coerce
        pytest.param("Venezuelan police used tear gas against students in Caracas.", "175",
                     id="tear gas: violent repression"),
        pytest.param("The Zimbabwean government ordered the independent daily to suspend publication.", "172",
                     id="order a paper to suspend: administrative sanction"),
        # 18 assault
        pytest.param("Unknown assailants poisoned a Ukrainian journalist in Kyiv.", "182", id="poison a person"),
        pytest.param("Indian police took the men into custody on Monday.", "173", id="take into custody: arrest"),
        # 19 fight
        pytest.param("Rebels stormed the town of Bunia.", "190", id="storm a town: military force"),
        pytest.param("Armed Chinese police sealed off two monasteries in Tibet.", "191", id="seal off: blockade"),
        pytest.param("A gunfight broke out in Gaza on Monday.", "180", id="gunfight, no doer named: unconventional violence"),
        # 20 unconventional mass violence
        pytest.param("The Syrian army used poison gas against rebels in Ghouta.", "204",
                     id="poison gas: weapons of mass destruction"),
    ],
)
def test_lexicon_entry_codes(code, text, expected):
    codes = [event["event_code"] for event in code(text)]
    assert expected in codes, codes


@pytest.mark.parametrize(
    "text",
    [
        "The scandal poisoned relations between the two parties.",
        "Kenyan officials examined the budget proposal on Monday.",
        "The French minister stormed out of the meeting.",
    ],
)
def test_lexicon_readings_that_are_not_events(code, text):
    assert not [event for event in code(text) if event["event_root_code"] in ("04", "09", "18", "19")]
