"""The coder's named actor-country conventions (pipelines/nlp/coder/conventions.py), one rule at a time.

Each test calls one rule directly on small inputs and cites it by name; the last test checks that every rule
of conventions.RULES is cited here. Rules that read the parse get minimal stand-ins for spaCy tokens and the
article context (only the attributes the rule reads), except one test that parses a real sentence.
"""

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipelines.nlp.coder import Actor, conventions
from pipelines.nlp.coder.conventions import (
    accused_under_jurisdiction,
    action_on_place_targets_place,
    armed_group_where_it_fights,
    country_of_residence,
    domestic_role_in_story_country,
    held_person_unnamed,
    measure_on_own_people,
    people_live_where_event_happens,
    protest_against_own_country,
    state_action_by_place_authorities,
    target_role_in_story_country,
    unplaced_event_in_actor_country,
)


def _place(name, country):
    return {"name": name, "country_code": country, "lat": None, "lon": None}


def _context(by_token=(), dateline=None, main_country=None, armed_groups=None):
    """The article context as the rules read it: entities by token index, the dateline, the country the
    article names most, and the countries its armed groups were coded to."""
    return SimpleNamespace(entities=SimpleNamespace(by_token=list(by_token)), dateline=dateline,
                           main_country=main_country, armed_groups={} if armed_groups is None else armed_groups)


def _entity(label, country, place_kind=None):
    return SimpleNamespace(label=label, country_code=country, place_kind=place_kind or ("country" if country else None))


# domestic_role_in_story_country


def test_domestic_role_in_story_country_takes_the_dateline_country():
    """domestic_role_in_story_country: "President Dos Santos" in a story filed from Angola is Angolan."""
    president = Actor.of("President Dos Santos", None, "GOV")
    placed = domestic_role_in_story_country(president, [], _context(dateline=_place("Luanda", "AGO")))
    assert placed == Actor("President Dos Santos", "AGOGOV", "AGO", "GOV")


def test_domestic_role_in_story_country_prefers_the_sentence_country():
    """domestic_role_in_story_country: the first country the sentence names wins over the dateline."""
    token = SimpleNamespace(i=0, dep_="pobj")
    context = _context(by_token=[_entity("GPE", "ZAF")], dateline=_place("Luanda", "AGO"))
    placed = domestic_role_in_story_country(Actor.of("the opposition", None, "OPP"), [token], context)
    assert placed.code == "ZAFOPP"


def test_domestic_role_in_story_country_not_in_a_sentence_set_in_a_region():
    """domestic_role_in_story_country: "In Europe, workers protested": not the story's country."""
    token = SimpleNamespace(i=0, dep_="pobj")
    context = _context(by_token=[_entity("LOC", None, "continent")], main_country="PHL")
    assert domestic_role_in_story_country(Actor.of("workers", None, "CVL"), [token], context, any_role=True).code == "CVL"


def test_domestic_role_in_story_country_prefers_the_article_main_country():
    """domestic_role_in_story_country: the country the article names most wins over the sentence's."""
    token = SimpleNamespace(i=0, dep_="pobj")
    context = _context(by_token=[_entity("GPE", "ZAF")], dateline=_place("Luanda", "AGO"), main_country="UKR")
    assert domestic_role_in_story_country(Actor.of("the opposition", None, "OPP"), [token], context).code == "UKROPP"


def test_domestic_role_in_story_country_leaves_named_foreign_and_unroled_actors():
    """domestic_role_in_story_country: a named country, an IGO, a weapon, or a participant with no domestic
    role (unless any_role, as for protesters) keeps what it has."""
    context = _context(dateline=_place("Luanda", "AGO"))
    for actor in (Actor.of("Russian troops", "RUS", "MIL"), Actor.of("U.N. envoy", None, "IGO"),
                  Actor.of("missiles", None, "MIL", is_weapon=True), Actor.of("prisoners", None, None)):
        assert domestic_role_in_story_country(actor, [], context) == actor
    assert domestic_role_in_story_country(Actor.of("prisoners", None, None), [], context, any_role=True).code == "AGO"


# target_role_in_story_country


def test_target_role_in_story_country_places_a_targeted_government_but_not_soldiers():
    """target_role_in_story_country: a government as target takes the story's country; soldiers do not."""
    context = _context(dateline=_place("Kyiv", "UKR"))
    doers = [Actor.of("Russia", "RUS", None)]
    assert target_role_in_story_country(Actor.of("the government", None, "GOV"), doers, [], context, "190").code \
        == "UKRGOV"
    soldiers = Actor.of("soldiers", None, "MIL")
    assert target_role_in_story_country(soldiers, doers, [], context, "190") == soldiers


def test_target_role_in_story_country_never_makes_the_target_the_doer():
    """target_role_in_story_country: "the president said the government would ...": no self-directed event."""
    government = Actor.of("the government", None, "GOV")
    doers = [Actor.of("the president", "UKR", "GOV")]
    context = _context(dateline=_place("Kyiv", "UKR"))
    assert target_role_in_story_country(government, doers, [], context, "111") == government


def test_target_role_in_story_country_condolences_go_to_the_story_people():
    """target_role_in_story_country: "offered condolences to the families of the victims" (018): civilians of
    the story's country, whichever country offers them."""
    families = Actor.of("the families of the victims", None, "CVL")
    doers = [Actor.of("Germany", "DEU", None)]
    context = _context(dateline=_place("Kyiv", "UKR"))
    assert target_role_in_story_country(families, doers, [], context, "018").code == "UKRCVL"
    assert target_role_in_story_country(families, doers, [], context, "190") == families


# state_action_by_place_authorities


def test_state_action_by_place_authorities_names_the_government_of_the_place():
    """state_action_by_place_authorities: "was arrested in Lebanon" is the Lebanese authorities' act."""
    assert state_action_by_place_authorities(_place("Lebanon", "LBN")) == Actor(
        "authorities in Lebanon", "LBNGOV", "LBN", "GOV")


def test_is_state_action_codes():
    """The codes state_action_by_place_authorities and accused_under_jurisdiction apply to."""
    assert conventions.is_state_action("173") and conventions.is_state_action("091")
    assert not conventions.is_state_action("190") and not conventions.is_state_action("010")


# held_person_unnamed


def _pronoun(text):
    return SimpleNamespace(text=text, lower_=text.lower(), pos_="PRON")


def test_held_person_unnamed_makes_a_person_of_a_held_pronoun():
    """held_person_unnamed: "police detained him", "released him on bail": a civilian of no country yet."""
    held = held_person_unnamed([_pronoun("him")], "173")
    assert held == [Actor.of("him", None, "CVL")]
    assert held_person_unnamed([_pronoun("them")], "0841") == [Actor.of("them", None, "CVL")]


def test_held_person_unnamed_only_for_custody_and_pronouns():
    """held_person_unnamed: not for other codes ("attacked him"), nor for words that are no pronoun."""
    assert held_person_unnamed([_pronoun("him")], "190") == []
    assert held_person_unnamed([SimpleNamespace(text="bail", lower_="bail", pos_="NOUN")], "084") == []
    assert held_person_unnamed([_pronoun("it")], "173") == []


# accused_under_jurisdiction


def test_accused_under_jurisdiction_takes_the_country_of_the_judging_state():
    """accused_under_jurisdiction: "Paul Manafort was sentenced by a federal judge" (a US judge): Manafort is US."""
    judge = Actor.of("a federal judge", "USA", "JUD")
    assert accused_under_jurisdiction(Actor.of("Paul Manafort", None, None), [judge]).code == "USA"


def test_accused_under_jurisdiction_needs_one_state_authority():
    """accused_under_jurisdiction: two states, a doer that is no authority, or an international target: no change."""
    manafort = Actor.of("Paul Manafort", None, None)
    assert accused_under_jurisdiction(manafort, [Actor.of("judge", "USA", "JUD"), Actor.of("police", "GBR", "COP")]) \
        == manafort
    assert accused_under_jurisdiction(manafort, [Actor.of("rebels", "USA", "REB")]) == manafort


def test_accused_under_jurisdiction_by_the_state_itself():
    """accused_under_jurisdiction: "China hands stiff sentences to 27 farmers": the farmers are Chinese."""
    farmers = Actor.of("27 farmers", None, None)
    assert accused_under_jurisdiction(farmers, [Actor.of("China", "CHN", None)]).code == "CHN"
    monitors = Actor.of("monitors", None, "IGO")
    assert accused_under_jurisdiction(monitors, [Actor.of("judge", "USA", "JUD")]) == monitors


# protest_against_own_country


def test_protest_against_own_country_targets_the_protesters_country():
    """protest_against_own_country: "Egyptian demonstrators rioted" is against Egypt."""
    assert protest_against_own_country([Actor.of("Egyptian demonstrators", "EGY", "OPP")]) == [
        Actor("EGY", "EGY", "EGY", None)]


def test_protest_against_own_country_needs_one_country():
    """protest_against_own_country: protesters of two countries, or of none, give no target."""
    assert protest_against_own_country([Actor.of("a", "EGY", None), Actor.of("b", "LBY", None)]) == []
    assert protest_against_own_country([Actor.of("prisoners", None, None)]) == []


# measure_on_own_people


def test_measure_on_own_people_targets_the_doers_people():
    """measure_on_own_people: "the interior minister declared a state of emergency" is laid on his people."""
    assert measure_on_own_people([Actor.of("interior minister", "PSE", "GOV")]) == [
        Actor.of("people of PSE", "PSE", "CVL")]


def test_measure_on_own_people_needs_one_country():
    """measure_on_own_people: doers of two countries, or of none, name no one people."""
    assert measure_on_own_people([Actor.of("a", "EGY", "GOV"), Actor.of("b", "LBY", "GOV")]) == []
    assert measure_on_own_people([Actor.of("the council", None, "GOV")]) == []


# action_on_place_targets_place


def test_action_on_place_targets_place_targets_the_place_country():
    """action_on_place_targets_place: "struck an airport near Damascus" targets Syria, named by the place, and
    says it is a place (no sanction of a foreign actor, see coding._code_for_pair)."""
    assert action_on_place_targets_place(_place("Damascus", "SYR")) == Actor("Damascus", "SYR", "SYR", None,
                                                                            is_place=True)


# country_of_residence


def _people_in(preposition, place_entity):
    """Stand-ins for "Albanians <preposition> <place>": the head (0), the preposition (1), the place (2)."""
    place = SimpleNamespace(i=2)
    prep = SimpleNamespace(i=1, dep_="prep", lower_=preposition)
    prep.subtree = [prep, place]
    head = SimpleNamespace(i=0, rights=[prep])
    return head, _context(by_token=[None, None, place_entity])


def test_country_of_residence_reads_the_place_a_people_lives_in():
    """country_of_residence: "Albanians in Macedonia", "Albanians of Serbia" are of the place's country."""
    for preposition in ("in", "of", "throughout", "across"):
        head, context = _people_in(preposition, _entity("GPE", "MKD"))
        assert country_of_residence(head, context) == "MKD"


def test_country_of_residence_needs_a_place_with_a_country():
    """country_of_residence: "Albanians with Serbia", or a person after "of", say nothing of residence."""
    head, context = _people_in("with", _entity("GPE", "SRB"))
    assert country_of_residence(head, context) is None
    head, context = _people_in("of", _entity("PERSON", "SRB"))
    assert country_of_residence(head, context) is None


@pytest.fixture(scope="module")
def parsed():
    from pipelines.nlp.coder import trigger_lexicon
    from pipelines.nlp.coder.context import _ArticleContext
    from pipelines.nlp.entities import article_entities
    from pipelines.nlp.model import load_nlp

    nlp = load_nlp()

    def run(text):
        doc = nlp(text)
        return doc, _ArticleContext(doc, article_entities(doc), None, trigger_lexicon())

    return run


@pytest.mark.spacy_model
def test_country_of_residence_on_a_parsed_sentence(parsed):
    """country_of_residence on the parse: "Ethnic Albanians in Macedonia" live in Macedonia (MKD)."""
    doc, context = parsed("Ethnic Albanians in Macedonia protested on Monday.")
    assert doc[1].text == "Albanians"
    assert country_of_residence(doc[1], context) == "MKD"


# people_live_where_event_happens


def test_people_live_where_event_happens_places_an_ethnic_group():
    """people_live_where_event_happens: "ethnic Albanians" with no country of residence are where the event is."""
    albanians = Actor.of("ethnic Albanians", None, None, ethnic_group=True)
    placed = people_live_where_event_happens(albanians, _place("Macedonia", "MKD"), True)
    assert placed == Actor("ethnic Albanians", "MKD", "MKD", None)


def test_people_live_where_event_happens_places_civilians_only_when_asked():
    """people_live_where_event_happens: "killed 23 people in Tel Aviv" (civilians); an unknown doer is not placed."""
    people = Actor.of("23 people", None, "CVL")
    assert people_live_where_event_happens(people, _place("Tel Aviv", "ISR"), True, civilians=True).code == "ISRCVL"
    gunmen = Actor.of("gunmen", None, None)
    assert people_live_where_event_happens(gunmen, _place("Tel Aviv", "ISR"), True) == gunmen


def test_people_live_where_event_happens_needs_a_place_in_the_sentence():
    """people_live_where_event_happens: no place in the sentence (located False) or no country: no change."""
    albanians = Actor.of("ethnic Albanians", None, None, ethnic_group=True)
    assert people_live_where_event_happens(albanians, _place("Macedonia", "MKD"), False) == albanians
    assert people_live_where_event_happens(albanians, None, True) == albanians
    assert people_live_where_event_happens(albanians, _place("somewhere", None), True) == albanians


# armed_group_where_it_fights


def test_armed_group_where_it_fights_takes_the_place_and_keeps_it():
    """armed_group_where_it_fights: "al-Qaeda members near Baghdad" are coded to Iraq, and stay Iraqi later in
    the article even where another place is named."""
    context = _context()
    qaeda = Actor("al-Qaeda", "IMGREBALQ", None, "REB")  # named: its own code (gazetteer.json), no country
    assert armed_group_where_it_fights(qaeda, _place("Baghdad", "IRQ"), context).code == "IRQREB"
    assert armed_group_where_it_fights(qaeda, _place("Damascus", "SYR"), context).code == "IRQREB"


def test_armed_group_where_it_fights_unnamed_groups_and_unknown_doers():
    """armed_group_where_it_fights: unnamed insurgents take the article's one armed-group country; unnamed
    doers the text calls unknown ("gunmen"), other roles and groups with a country are left alone."""
    context = _context(armed_groups={"IMGREBALQ": "IRQ"})
    insurgents = Actor.of("insurgents", None, "REB")
    assert armed_group_where_it_fights(insurgents, None, context).code == "IRQREB"
    assert armed_group_where_it_fights(insurgents, _place("Baghdad", "IRQ"), _context(), unnamed_unknown=True) \
        == insurgents
    assert armed_group_where_it_fights(insurgents, None, _context()) == insurgents
    for actor in (Actor.of("soldiers", None, "MIL"), Actor.of("the PKK", "TUR", "REB")):
        assert armed_group_where_it_fights(actor, _place("Baghdad", "IRQ"), context) == actor


# unplaced_event_in_actor_country


def test_unplaced_event_in_actor_country_is_the_doers_country():
    """unplaced_event_in_actor_country: an unplaced statement of Russia's about Ukraine is in Russia."""
    place = unplaced_event_in_actor_country(Actor.of("Russia", "RUS", None), Actor.of("Ukraine", "UKR", None), "051")
    assert place["country_code"] == "RUS" and place["name"] == "Russia"


def test_unplaced_event_in_actor_country_violence_and_visits_are_where_the_target_is():
    """unplaced_event_in_actor_country: violence is never placed in the doer's country; a visit is where its
    target is, else the doer's."""
    russia, ukraine = Actor.of("Russia", "RUS", None), Actor.of("Ukraine", "UKR", None)
    assert unplaced_event_in_actor_country(russia, ukraine, "190")["country_code"] == "UKR"
    assert unplaced_event_in_actor_country(russia, None, "190") is None
    assert unplaced_event_in_actor_country(russia, ukraine, "042")["country_code"] == "UKR"
    assert unplaced_event_in_actor_country(russia, Actor.of("envoys", None, None), "042")["country_code"] == "RUS"


# the registry


def test_every_rule_is_cited_by_a_test():
    """Each rule of conventions.RULES is named by some other test of this module (its name or docstring)."""
    tree = ast.parse(Path(__file__).read_text())
    citing = [
        node.name + "\n" + (ast.get_docstring(node) or "")
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        and node.name != "test_every_rule_is_cited_by_a_test"
    ]
    assert conventions.RULES, "no rules registered"
    uncited = [rule.__name__ for rule in conventions.RULES if not any(rule.__name__ in text for text in citing)]
    assert not uncited, f"rules without a test: {uncited}"


def test_rules_are_public_documented_and_distinct():
    """Every registered rule is a public function of conventions.py whose docstring states its convention."""
    names = [rule.__name__ for rule in conventions.RULES]
    assert len(set(names)) == len(names)
    for rule in conventions.RULES:
        assert not rule.__name__.startswith("_") and getattr(conventions, rule.__name__) is rule
        assert rule.__doc__ and rule.__doc__.startswith("Convention: "), rule.__name__
