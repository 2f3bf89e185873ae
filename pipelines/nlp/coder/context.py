"""What the stages share: the Actor type and the per-article context (_ArticleContext).

An article's sentences share its entities, publication date and dateline, and the actors coded so far
("the group", "they" recall them); the context carries them so each stage sees one article, not one
sentence.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from pipelines.nlp import builders
from pipelines.nlp.entities import ArticleEntities, ArticleEntity
from pipelines.nlp.coder.lexicon import Lexicon, _CAMEO


@dataclass(frozen=True)
class Actor:
    """An event participant; an empty code means a named participant of unknown country and role."""

    name: str
    code: str
    country_code: str | None
    type_code: str | None
    via_pronoun: bool = False
    ethnic_group: bool = False
    """"Ethnic Albanians": the nationality names the group, not the state; the country is where they are."""
    is_weapon: bool = False
    """"A rocket", "Israeli jets": a means of attack standing for whoever used it."""
    private_person: bool = False
    """A named person the article gives no role ("Sabrina from USA"): not a state's agent (see _pairs)."""
    posted: bool = False
    """A role posted to a country ("the ambassador to Germany"): not of that country, nor of the story's."""
    is_place: bool = False
    """A place standing for its country as a target ("imposed a curfew in northern Syria")."""

    @classmethod
    def of(cls, name: str, country: str | None, type_code: str | None, **flags) -> "Actor":
        """An actor whose CAMEO-style code is its country plus its role ("RUS" + "GOV")."""
        return cls(name, (country or "") + (type_code or ""), country, type_code, **flags)

    def in_country(self, country: str) -> "Actor":
        """The same participant, placed in a country."""
        return replace(self, code=country + (self.type_code or ""), country_code=country)

    def as_record(self) -> dict:
        return builders.actor(name=self.name, code=self.code, country_code=self.country_code, type_code=self.type_code)


class _ArticleContext:
    """What every sentence of one article shares: entities, the publication date, the dateline."""

    def __init__(self, doc: Doc, entities: ArticleEntities, published: dt.date | None, lexicon: Lexicon):
        self.lexicon = lexicon
        self.entities = entities
        self.published = published
        self.person_starts = [
            i
            for i, entity in enumerate(entities.by_token)
            if entity is not None and entity.label == "PERSON" and (i == 0 or entities.by_token[i - 1] is not entity)
        ]
        self.dateline = next(
            (_location_of(e) for e in entities.entities if e.label in ("GPE", "LOC") and e.country_code), None
        )

        counts = Counter(e.country_code for e in entities.entities
                         if e.country_code and e.label in ("NORP", "GPE", "LOC", "ORG"))
        top = counts.most_common(2)
        self.main_country = top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None
        self.partial_ids: set[str] = set()
        """Events coded with a side missing: remembered for later sentences, emitted only with allow_partial."""
        self.latest_root = ""
        self.latest_events: dict[str, dict] = {}
        """The article's latest coded event of each root with a placed doer ("the attack" -> who attacked)."""
        self.people: dict[str, tuple[str | None, str | None]] = {}
        """(country, role) per surname of the people the article placed; (None, None) when two countries."""
        self.armed_groups: dict[str, str] = {}
        """Country each armed group of no country of its own was coded to (see armed_group_where_it_fights)."""
        self.memory: list[Actor] = []
        """Actors of the events coded so far in the article, in text order (for "the group", "they")."""
        self.quote_speaker: Actor | None = None
        """Who speaks the quotation the current sentence continues ('X said: "... .' then '"I ..."'), if any."""

    def remember(self, event: dict) -> None:
        doer = event["actor1"]
        if doer and (doer["country_code"] or doer["type_code"] in _CAMEO.international_types):
            self.latest_events[event["event_root_code"]] = event
            if event["quad_class"] in _CAMEO.material_quad_classes:  # "the action" is a deed, not a statement
                self.latest_root = event["event_root_code"]
        for record in (event["actor1"], event["actor2"]):
            if record and record["name"].split() and record["name"].split()[-1].lower() in self.people:
                continue  # a person is never "the group", "they" or "it"
            if record and record["code"] and (record["country_code"] or record["type_code"] == "IGO"):
                actor = Actor(record["name"], record["code"], record["country_code"], record["type_code"])
                if actor not in self.memory:
                    self.memory.append(actor)

    def recalled(self, types: frozenset[str] | None) -> Actor | None:
        """The one earlier actor of these roles (None: any organisation or state), if only one is known."""
        candidates = [a for a in self.memory if (a.type_code in types if types is not None
                                                 else a.type_code not in _CAMEO.person_types)]
        rivals = {a.code for a in self.memory if a.type_code is None} | {a.code for a in candidates}
        return candidates[0] if candidates and len(rivals) == 1 else None  # an untyped state or group could be meant too

    def person_before(self, token: Token) -> ArticleEntity | None:
        """Antecedent of "he"/"she": the nearest person mentioned before it."""
        position = bisect.bisect_left(self.person_starts, token.i)
        return self.entities.by_token[self.person_starts[position - 1]] if position else None


def _is_placed(actor: Actor | None) -> bool:
    return actor is not None and bool(actor.country_code or actor.type_code in _CAMEO.international_types)


def _location_of(entity: ArticleEntity) -> dict:
    return builders.location(name=entity.canonical, country_code=entity.country_code, lat=entity.lat, lon=entity.lon)
