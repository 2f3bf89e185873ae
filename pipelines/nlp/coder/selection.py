"""Which of a sentence's coded events are kept, and how confident each one is.

A sentence codes what it reports once: purpose and participle clauses of a coded event, events nested
below the main clause, plain reporting statements ("said") and less specific repeats of an event are
dropped, and a statement is coded only as a position on another actor. Confidence grows with the
evidence (_confidence); an event kept without a doer (--allow-partial) is capped at PARTIAL_CONFIDENCE.
"""

from __future__ import annotations

from spacy.tokens import Token

from pipelines.nlp.plover import plover_type
from pipelines.nlp.coder.lexicon import Lexicon, _CAMEO, _EN
from pipelines.nlp.coder.context import Actor
from pipelines.nlp.coder.triggers import _Trigger, _verb_lemma


_ADJUNCT_DEPS = frozenset({"advcl", "acl", "xcomp"})


def _without_adjunct_events(by_trigger: list[tuple["_Trigger", list[dict]]]) -> list[dict]:
    """"Protesters blocked roads demanding his return", "began a hunger strike to demand reforms": a
    participle or purpose clause hanging from a coded event says what that event was for, and is not
    coded as an event of its own (unless nothing above it was coded, or only a plain statement: "issued
    a statement condemning Japan" is the condemnation)."""
    coded_clauses = {trigger.clause.i for trigger, events in by_trigger
                     if any(event["event_code"] != _CAMEO.statement_code for event in events)}
    kept = []
    for trigger, events in by_trigger:
        if events and _is_adjunct_of(trigger.clause, coded_clauses):
            continue
        kept.extend(events)
    return kept


def _is_adjunct_of(clause: Token, coded_clauses: set[int]) -> bool:
    if clause.pos_ != "VERB" or clause.dep_ not in _ADJUNCT_DEPS:
        return False
    if clause.dep_ == "xcomp" and clause.tag_ != "VBG":
        return False
    if clause.tag_ not in ("VBG", "VB") or (clause.tag_ == "VB" and not any(
            c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)):
        return False
    head = clause.head
    for _ in range(3):
        if head.i in coded_clauses:
            return True
        if head.dep_ not in ("dobj", "pobj", "prep", "conj") or head.head.i == head.i:
            break
        head = head.head
    return head.i in coded_clauses


def _main_clause_events(by_trigger: list[tuple["_Trigger", list[dict]]], coded: list[dict]) -> list[dict]:
    """"Russia said Sudan must return a helicopter that was captured last week": the sentence reports the
    demand; the capture, in a clause nested below it, is its background. Only the events of the least
    deeply nested coded clauses are kept (coordinated verbs count as one level: "attacked a convoy and
    kidnapped five workers" are both kept); plain statements (010) do not set the level, since reported
    speech codes what was said."""
    kept = {id(event) for event in coded}
    depth_of = {
        id(event): _clause_depth(trigger.clause)
        for trigger, events in by_trigger
        for event in events
        if id(event) in kept
    }
    levels = [depth_of[id(event)] for event in coded if event["event_code"] != _CAMEO.statement_code]
    if not levels:
        return coded
    main = min(levels)
    return [event for event in coded if event["event_code"] == _CAMEO.statement_code or depth_of[id(event)] == main]


def _clause_depth(token: Token) -> int:
    """Dependency edges from the sentence root, not counting conjunctions."""
    depth = 0
    while token.head.i != token.i:
        depth += token.dep_ != "conj"
        token = token.head
    return depth


def _without_less_specific(events: list[dict]) -> list[dict]:
    """"Rebels shelled Juba, killing 20": the killing, coded without a target (or doer), repeats the
    shelling; an event is dropped when another of its kind in the sentence names the same actors and more."""

    def country(actor):
        return actor and (actor["country_code"] or (actor["type_code"] if actor["type_code"] == "IGO" else None))

    def covers(other: dict, event: dict) -> bool:
        if other is event or _kind(other) != _kind(event):
            return False
        pairs = ((country(event["actor1"]), country(other["actor1"])), (country(event["actor2"]), country(other["actor2"])))
        return all(mine is None or mine == theirs for mine, theirs in pairs) and any(
            mine is None and theirs is not None for mine, theirs in pairs
        )

    return [event for event in events if not any(covers(other, event) for other in events)]


def _kind(event: dict) -> str:
    """Events of one kind for de-duplication: the PLOVER type ("shelled" 194 and "killing" 180 are both
    ASSAULT), else the CAMEO root."""
    return event.get("plover_type") or plover_type(event["event_code"]) or event["event_root_code"]


def _without_reporting_statements(events: list[dict]) -> list[dict]:
    """"Syria said Israeli jets struck": the reported strike is the event, the plain "said" is not."""
    if all(event["event_code"] == _CAMEO.statement_code for event in events):
        return events
    return [event for event in events if event["event_code"] != _CAMEO.statement_code]


PARTIAL_CONFIDENCE = 0.25
"""The highest confidence of an event kept by --allow-partial without a source: its flag."""


def _is_newsworthy_statement(trigger: _Trigger, actor1: Actor | None, actor2: Actor | None, lexicon: Lexicon) -> bool:
    """A plain statement (010) is coded only as a position on another actor: a reporting frame ("X said",
    "told reporters", "in a statement") is never an event of its own (the event it reports is), and a
    statement with no target actor of known country says nothing about anyone."""
    if trigger.word.pos_ == "VERB" and _verb_lemma(trigger.word, lexicon) in _EN.plain_reporting_lemmas:
        return False
    if actor1 is None or actor2 is None or not (actor2.country_code or actor2.type_code == "IGO"):
        return False
    return actor1.code != actor2.code


def _confidence(trigger: _Trigger, code: str, actor1: Actor | None, actor2: Actor | None, located: bool) -> float:
    """More evidence, more confidence: coded actors on both sides, a specific code, a verb, a place."""
    score = 0.2
    score += 0.3 if actor1 and actor1.code else 0.1 if actor1 else 0.0
    score += 0.2 if actor2 and actor2.code else 0.05 if actor2 else 0.0
    score += 0.1 if not code.endswith("0") else 0.0
    score += 0.1 if trigger.word.i == trigger.clause.i and trigger.word.pos_ == "VERB" else 0.0
    score += 0.05 if located else 0.0
    if any(actor and actor.via_pronoun for actor in (actor1, actor2)):
        score -= 0.1
    return round(min(max(score, 0.05), 1.0), 2)
