"""Actor-country conventions: which country a participant belongs to, or an event happens in, when the
text does not say.

News rarely spells out every country: "the opposition" is the story's country's, "was arrested in Lebanon"
is the Lebanese authorities' act, "protesters" protest against their own government. Each such convention
is a named rule here, with a docstring stating it, listed in RULES and cited by a test of
tests/unit/test_coder_conventions.py; the participants stage (pipelines/nlp/coder/participants.py) finds who
the text names, coding.py applies these rules to what it leaves open.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span, Token

from pipelines.nlp import builders, places
from pipelines.nlp.coder.lexicon import _CAMEO, _EN
from pipelines.nlp.coder.context import Actor, _ArticleContext
from pipelines.nlp.coder.phrases import _country_in, _located_in


def domestic_role_in_story_country(actor: Actor, sentence: Span, context: _ArticleContext, any_role: bool = False,
                                   roles: frozenset[str] = _CAMEO.domestic_types) -> Actor:
    """Convention: a domestic role with no country named belongs to the story's country.

    A domestic role with no country named ("President Dos Santos", "the opposition") belongs to the
    country the story is about: the article's main country (the one its entities name most, if one does),
    else the first country the sentence names, else the article's dateline. So do
    protesters of any role (any_role): people protest in and against their own country. As a target,
    the rule holds for governments, oppositions, courts and legislatures (roles), not for soldiers and
    police, whose role nouns are as often weapons and forces of the doer ("military aid", "missiles"). A
    sentence set in a region of several countries ("In Europe, workers protested austerity") is not about
    the story's country: its roles stay without one, and so does a role posted abroad ("the ambassador to
    Germany")."""
    if actor.country_code or actor.ethnic_group or actor.type_code in _CAMEO.international_types or not (
            any_role or actor.type_code in roles) or actor.is_weapon or actor.posted:
        return actor
    if any(entity is not None and entity.label in _EN.place_labels and entity.place_kind == "continent"
           for entity in (context.entities.by_token[token.i] for token in sentence)):
        return actor
    country = context.main_country or _country_in(list(sentence), context) or (context.dateline or {}).get("country_code")
    if country is None:
        return actor
    return actor.in_country(country)


def target_role_in_story_country(actor: Actor, actors1: list[Actor], sentence: Span,
                                 context: _ArticleContext, code: str) -> Actor:
    """Convention: a targeted government, opposition, court or legislature (and the people condolences go
    to) is of the story's country.

    An untitled government, opposition, court or legislature as target takes the story's country, unless
    that makes it the doer itself ("the president said the government would ...": no self-directed event).
    Condolences (ontology own_people_target_codes) go to the story's own people and officials: "offered
    condolences to the families of the victims", "expressed his sadness at the minister's death"."""
    if code in _CAMEO.own_people_target_codes:
        return domestic_role_in_story_country(actor, sentence, context,
                                              roles=_CAMEO.domestic_target_types | {"CVL"})
    placed = domestic_role_in_story_country(actor, sentence, context, roles=_CAMEO.domestic_target_types)
    return actor if any(placed.code == doer.code for doer in actors1) else placed


def is_state_action(code: str) -> bool:
    """Whether CAMEO code CODE is an act only a state does (arrest, trial, sentence, expulsion, ...): the
    codes state_action_by_place_authorities and accused_under_jurisdiction apply to."""
    return code.startswith(_CAMEO.state_action_prefixes)


def state_action_by_place_authorities(location: dict) -> Actor:
    """Convention: a state action with no doer named is the act of the authorities where it happened.

    "A US national has been put under investigation in Italy", "was arrested in Lebanon": with no doer
    named, a state action is the act of the authorities where it happened."""
    country = location["country_code"]
    return Actor.of(f"authorities in {location['name']}", country, "GOV")


def accused_under_jurisdiction(actor: Actor, doers: list[Actor]) -> Actor:
    """Convention: whom a state arrests, tries or sentences is of that state.

    "Paul Manafort was sentenced by a federal judge": a person or group of no known country that a state
    arrests, tries or sentences is of that state (the country of its authority, or the state itself: "China
    hands stiff sentences to 27 farmers")."""
    if actor.country_code or actor.type_code in _CAMEO.international_types or actor.ethnic_group:
        return actor
    countries = {d.country_code for d in doers
                 if d.country_code and d.type_code in (None, "GOV", "JUD", "COP", "LEG")}
    return actor.in_country(countries.pop()) if len(countries) == 1 else actor


def is_custody(code: str) -> bool:
    """Whether CAMEO code CODE puts a person in or out of the doer's custody (arrest, detention, release)."""
    return code.startswith(_CAMEO.custody_prefixes)


def held_person_unnamed(objects: list[Token], code: str) -> list[Actor]:
    """Convention: "police detained him", "they released him on bail": a pronoun held or freed whose referent
    is no actor ("the driver") is a person of no known country (CVL); accused_under_jurisdiction then gives
    them the state that holds them."""
    if not is_custody(code):
        return []
    return [Actor.of(token.text, None, "CVL") for token in objects
            if token.pos_ == "PRON" and token.lower_ in _EN.held_pronouns][:1]


def protest_against_own_country(actors: list[Actor]) -> list[Actor]:
    """Convention: a protest with no target named targets the protesters' own country.

    "Egyptian demonstrators rioted" with no place named: a protest (or its end, "called off the strike")
    is against the protesters' own country (action_on_place_targets_place, with the place unknown)."""
    countries = {actor.country_code for actor in actors if actor.country_code}
    if len(countries) != 1:
        return []
    (country,) = countries
    return [Actor.of(country, country, None)]


def measure_on_own_people(doers: list[Actor]) -> list[Actor]:
    """Convention: a measure on the population with no place named targets the doer's own people.

    "The interior minister declared a state of emergency", "the junta imposed a curfew": a curfew, state of
    emergency or ban laid on no named place is laid on the doer's own country's people (CVL; the team's
    CONVENTIONS, "measures on the general population"). Doers of several countries name no one people."""
    countries = {actor.country_code for actor in doers if actor.country_code}
    if len(countries) != 1:
        return []
    (country,) = countries
    return [Actor.of(f"people of {country}", country, "CVL")]


def action_on_place_targets_place(location: dict) -> Actor:
    """Convention: violence against a place, or a measure on it, targets that place's country.

    Violence against a place ("struck an airport near Damascus") or a measure on it ("declared a curfew in
    Algiers") targets its country."""
    country = location["country_code"]
    return Actor.of(location["name"], country, None, is_place=True)


def country_of_residence(head: Token, context: _ArticleContext) -> str | None:
    """Convention: a people is of the country it is said to live in.

    The country of the place a people is said to live in: "in Macedonia", "of southern Serbia"; a nationality
    living elsewhere ("Albanians of southern Serbia") is then an ethnic group of that country."""
    for token in _located_in(head, ("in", "of", "throughout", "across")):
        entity = context.entities.by_token[token.i]
        if entity is not None and entity.label in _EN.place_labels and entity.country_code:
            return entity.country_code
    return None


def people_live_where_event_happens(actor: Actor, location: dict | None, located: bool,
                                    civilians: bool = False) -> Actor:
    """Convention: ethnic groups and civilians of no country live where the event happens.

    An ethnic group whose phrase names no country of residence lives where the event happens; so do
    people targeted without a country or role other than civilian (civilians): "killed 23 people in Tel
    Aviv", "food aid to refugees in Liberia". An unknown doer ("gunmen") is not placed."""
    placed = actor.ethnic_group or (civilians and not actor.country_code and actor.type_code in (None, "CVL"))
    if not placed or not located or not location or not location["country_code"]:
        return actor
    country = location["country_code"]
    return replace(actor.in_country(country), ethnic_group=False)


def armed_group_where_it_fights(actor: Actor, place: dict | None, context: _ArticleContext,
                                unnamed_unknown: bool = False) -> Actor:
    """Convention: an armed group of no country of its own is of the country it fights in, for the article.

    Armed groups are coded to the country they fight in, and one group keeps one code through an article
    (shared CONVENTIONS): a named group of no country of its own ("al-Qaeda members near Baghdad") takes the
    country of its first event placed in a sentence and keeps it; an unnamed group ("nine other suspected
    insurgents") takes its sentence's place, else the article's armed-group country when only one is known.
    Unplaced groups, and unnamed doers the text calls unknown (UNNAMED_UNKNOWN: "gunmen", "militants"), stay
    without a country (the conventions' null for unknown attackers; precision first)."""
    if actor.type_code not in _CAMEO.armed_group_types or actor.country_code or actor.ethnic_group:
        return actor
    key = actor.code if actor.code != actor.type_code else ""
    if not key and unnamed_unknown:
        return actor
    country = context.armed_groups.get(key) if key else None
    if country is None and place and place["country_code"]:
        country = place["country_code"]
    if country is None and len(set(context.armed_groups.values())) == 1:
        (country,) = set(context.armed_groups.values())
    if country is None:
        return actor
    context.armed_groups.setdefault(key or actor.name.lower(), country)
    return Actor.of(actor.name, country, actor.type_code)


def unplaced_event_in_actor_country(actor1: Actor | None, actor2: Actor | None, code: str) -> dict | None:
    """Convention: an event its sentence does not place happens in an actor's country.

    An event its sentence does not place is in the doer's country, else the target's; else nowhere. A
    visit or a protest is where its target is ("visiting Bhutan"), and violence is never placed in the doer's
    country: a strike abroad announced by the command at home ("the US military said it struck targets")
    happened where the target is, if anywhere known."""
    if code[:2] in _CAMEO.violent_roots:
        actors = (actor2,)
    elif code[:2] == _CAMEO.protest_root or code[:3] in _CAMEO.visit_codes:
        actors = (actor2, actor1)
    else:
        actors = (actor1, actor2)
    for actor in actors:
        if actor is not None and actor.country_code:
            place = places.country_place(actor.country_code)
            if place is not None:
                return builders.location(name=place.name, country_code=place.country_code, lat=place.lat,
                                         lon=place.lon)
    return None


RULES = (
    domestic_role_in_story_country,
    target_role_in_story_country,
    state_action_by_place_authorities,
    accused_under_jurisdiction,
    held_person_unnamed,
    protest_against_own_country,
    measure_on_own_people,
    action_on_place_targets_place,
    country_of_residence,
    people_live_where_event_happens,
    armed_group_where_it_fights,
    unplaced_event_in_actor_country,
)
"""The named country conventions, each cited by a test of tests/unit/test_coder_conventions.py."""
