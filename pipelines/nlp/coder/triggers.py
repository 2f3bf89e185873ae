"""Which words name an event, and with which CAMEO code.

A trigger is a lexicon verb (its code refined by particle, complement, object or preposition), an event
noun carried by a light verb ("launched an attack") or an event noun with its own actors ("Russia's
invasion of Ukraine"). Match reports use the words of conflict, so sports sentences and articles have no
triggers. The code is finally sharpened by who acts and with what (_refined_code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from pipelines.nlp.coder.lexicon import Lexicon, _CAMEO, _EN
from pipelines.nlp.coder.context import Actor
from pipelines.nlp.coder.phrases import _counted_noun, _direct_object, _of_object


_SCORE = re.compile(r"\b\d{1,2}\s?[-\u2013]\s?\d{1,2}\b")


@dataclass(frozen=True)
class _Trigger:
    word: Token
    """The token naming the event: the verb, or the event noun."""
    clause: Token
    """The verb whose subject, negation and modality apply (the light verb for "launched an attack")."""
    code: str
    entry: dict
    complement: Token | None = None
    """The infinitive that chose the code ("vowed to attack"), whose objects are the targets."""


_SPORTS_ARTICLE_SHARE = 0.4
"""An article whose sentences are this often sport is a match report; a political story that mentions a
match (a stadium attack) has fewer."""


def _is_sports(sentence: Span, lexicon: Lexicon) -> bool:
    """Match reports use the words of conflict ("beat", "attack", "shot"): leave sport out."""
    lemmas = {token.lemma_.lower() for token in sentence}
    if lemmas & lexicon.sports_cues:
        return True
    if len(lemmas & lexicon.sports_weak_cues) >= 2:
        return True
    return bool(lemmas & _EN.result_verbs) and bool(_SCORE.search(sentence.text))


def _triggers(sentence: Span, lexicon: Lexicon):
    carried_nouns = set()
    for token in sentence:
        if token.pos_ == "VERB":
            trigger = _verb_trigger(token, lexicon)
            if trigger is not None:
                if trigger.word.i != token.i:
                    carried_nouns.add(trigger.word.i)
                obj = _direct_object(token)
                if obj is not None and trigger.code != trigger.entry.get("code"):
                    carried_nouns.add(obj.i)  # "seeks Interpol's aid": the object chose the verb's code (023)
                yield trigger
    for token in sentence:
        if token.pos_ == "NOUN" and token.i not in carried_nouns and token.lemma_.lower() not in lexicon.non_agent_causes \
                and _is_standalone_event_noun(token, lexicon):
            code = _noun_code(token, lexicon)
            if code:
                yield _Trigger(word=token, clause=token, code=code, entry={})


def _verb_trigger(verb: Token, lexicon: Lexicon) -> _Trigger | None:
    """The code a verb takes with its particle, complement, object or preposition, if any."""
    lemma = _verb_lemma(verb, lexicon)
    if lemma in _EN.reporting_verbs and any(_is_obligation(child) for child in verb.children if child.dep_ == "ccomp"):
        return _Trigger(word=verb, clause=verb, code=_CAMEO.demand_code, entry={})
    entry = lexicon.verbs.get(lemma)
    if lemma in lexicon.patient_light_verbs:
        obj = _direct_object(verb)
        event_noun = _counted_event(obj, lexicon) if obj is not None else None
        if event_noun is not None and not _is_habitual(event_noun) \
                and _listed_object(obj, (entry or {}).get("objects", {})) is None:
            return _trigger_or_none(event_noun, verb, _noun_code(event_noun, lexicon), {"patient_subject": True})
    is_light = lemma in lexicon.light_verbs
    if entry is None and not is_light:
        return None
    entry = entry or {}
    children = list(verb.children)
    obj = _direct_object(verb)
    if entry.get("intransitive") and (obj is not None or any(
            child.dep_ in ("ccomp", "nsubjpass", "auxpass", "agent") for child in children)):
        return None  # "demonstrated its resolve", "is demonstrated by": showing, not protesting
    for child in children:
        if child.dep_ == "prt" and child.lower_ in entry.get("particles", {}):
            return _trigger_or_none(verb, verb, _refined_by(entry["particles"][child.lower_], obj), entry)
    if entry.get("subject_infinitive"):
        for child in children:
            if child.dep_ == "ccomp" and any(g.dep_ == "nsubj" for g in child.children) and any(
                    g.dep_ == "aux" and g.lower_ == "to" for g in child.children):
                return _trigger_or_none(verb, verb, entry["subject_infinitive"], entry)
    for child in children:
        if child.dep_ == "xcomp" and child.lemma_.lower() in entry.get("xcomp", {}):
            return _trigger_or_none(verb, verb, entry["xcomp"][child.lemma_.lower()], entry, complement=child)
    object_word = _listed_object(obj, entry.get("objects", {}))
    if object_word is not None:
        return _trigger_or_none(verb, verb, entry["objects"][object_word], entry)
    for child in children:
        if child.dep_ == "prep" and child.lower_ in entry.get("preps", {}):
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if pobj is not None and pobj.ent_type_ in ("DATE", "TIME"):
                continue
            value = entry["preps"][child.lower_]
            code = _refined_by(value, pobj)
            if code or not isinstance(value, dict):
                return _trigger_or_none(pobj if isinstance(value, dict) else verb, verb, code, entry)
    if is_light and obj is not None:
        event_noun = _counted_event(obj, lexicon)
        if event_noun is not None and not _is_habitual(event_noun):
            return _trigger_or_none(event_noun, verb, _noun_code(event_noun, lexicon), entry)
    return _trigger_or_none(verb, verb, entry.get("code"), entry)


def _is_habitual(noun: Token) -> bool:
    """"Has organised numerous demonstrations": many events of a kind, not one."""
    return noun.tag_ == "NNS" and any(child.dep_ == "amod" and child.lower_ in _EN.habitual_quantifiers
                                      for child in noun.children)


def _listed_object(obj: Token | None, objects: dict) -> str | None:
    """The lemma that selects the code among a verb's objects: the object's, else a compound's ("ended
    mediation efforts", "suspended aid deliveries")."""
    if obj is None:
        return None
    obj = _counted_noun(obj)
    for word in (obj, *(child for child in obj.children if child.dep_ == "compound")):
        if word.lemma_.lower() in objects:
            return word.lemma_.lower()
    return None


def _refined_by(value: str | dict | None, word: Token | None) -> str | None:
    """A particle's or preposition's code: a code, or {code: default, objects: lemma -> code} for a code
    that depends on the object ("called off a strike", "placed on alert")."""
    if not isinstance(value, dict):
        return value
    word = _counted_noun(word) if word is not None else None
    return value.get("objects", {}).get(word.lemma_.lower() if word is not None else None, value.get("code"))


def _verb_lemma(verb: Token, lexicon: Lexicon) -> str:
    """The lemma, corrected where the model's lemmatizer cuts a past form of an "-e" verb too short
    ("staged" -> "stag"): the form minus "d" when only that is a trigger."""
    lemma = verb.lemma_.lower()
    if lemma in lexicon.verbs or lemma in lexicon.light_verbs or verb.tag_ not in ("VBD", "VBN"):
        return lemma
    stem = verb.lower_[:-1]
    if verb.lower_.endswith("ed") and (stem in lexicon.verbs or stem in lexicon.light_verbs):
        return stem
    return lemma


def _trigger_or_none(
    word: Token, clause: Token, code: str | None, entry: dict, complement: Token | None = None
) -> _Trigger | None:
    """A trigger, unless the lexicon maps this reading to no event (code null)."""
    return _Trigger(word=word, clause=clause, code=code, entry=entry, complement=complement) if code else None


def _counted_event(obj: Token, lexicon: Lexicon) -> Token | None:
    """The event noun a light verb's object names, directly or through a measure ("a series of raids")."""
    if obj.lemma_.lower() in lexicon.nouns:
        return obj
    measured = _of_object(obj) if obj.lemma_.lower() in _EN.measure_nouns else None
    return measured if measured is not None and measured.lemma_.lower() in lexicon.nouns else None


def _noun_code(noun: Token, lexicon: Lexicon) -> str | None:
    """An event noun's code, sharpened by its modifiers ("suicide attack", "humanitarian aid")."""
    entry = lexicon.nouns[noun.lemma_.lower()]
    modifiers = entry.get("modifiers", {})
    for child in noun.children:
        if child.dep_ in ("compound", "amod", "nmod") and child.lemma_.lower() in modifiers:
            return modifiers[child.lemma_.lower()]
    return entry.get("code")


def _is_standalone_event_noun(noun: Token, lexicon: Lexicon) -> bool:
    """An event noun stands for an event when it heads a headline or clause, or names its doer."""
    if noun.lemma_.lower() not in lexicon.nouns:
        return False
    if any(child.dep_ == "det" and child.lower_ == "no" for child in noun.children):
        return False
    if noun.dep_ == "nsubj" and noun.head.lemma_ == "be":
        return False  # "their protest was on the authorised sites": the sentence describes a known event
    if noun.dep_ in ("ROOT", "nsubj", "nsubjpass"):
        return True
    if noun.tag_ == "NNS" and not any(child.dep_ in ("det", "poss", "nummod") for child in noun.children):
        return False  # "a rising tide of violent protests by farmers": a kind of event, not one event
    owned = noun.lemma_.lower() in _EN.weapons  # "North Korea's Taepodong-2 missile": its owner, not an attack
    return any(
        (child.dep_ == "poss" and not owned) or (child.dep_ == "prep" and child.lower_ in ("by", "between"))
        for child in noun.children
    )


def _is_obligation(clause: Token) -> bool:
    """A "that" clause saying its subject must act: "Libya must hand over the suspects"."""
    return clause.pos_ in ("VERB", "AUX") and any(c.dep_ == "nsubj" for c in clause.children) and any(
        c.dep_ == "aux" and c.lower_ == "must" for c in clause.children
    ) and not any(c.dep_ == "neg" for c in clause.children)


def _crowd_control(code: str, actors1: list[Actor], actors2: list[Actor]) -> str:
    """Force by police against protesters ("police fired on protesters", "beat demonstrators") is crowd
    control, CAMEO 175 (tests/gold/CONVENTIONS.md rule 4), not an armed attack (ontology crowd_control_*)."""
    if code[:2] in _CAMEO.violent_roots and actors1 and actors2 \
            and all(actor.type_code in _CAMEO.crowd_control_doer_types for actor in actors1) \
            and all(actor.type_code in _CAMEO.crowd_control_target_types for actor in actors2):
        return _CAMEO.crowd_control_code
    return code


def _refined_code(trigger: _Trigger, subjects: list[Token], actors1: list[Actor], lexicon: Lexicon) -> str:
    """Sharpen a code by who acts (police who shoot) and with what ("killed in an airstrike")."""
    code = trigger.code
    subject_types = trigger.entry.get("subject_types", {})
    for actor in actors1:
        if actor.type_code in subject_types:
            code = subject_types[actor.type_code]
            break
    if code[:2] not in _CAMEO.violent_roots:
        return code
    for token in _instruments(trigger.clause, subjects):
        if token.lemma_.lower() in lexicon.nouns:
            instrument_code = _noun_code(token, lexicon)
            if instrument_code and instrument_code[:2] in _CAMEO.violent_roots and not instrument_code.endswith("0"):
                return instrument_code
    return code


def _instruments(clause: Token, subjects: list[Token]) -> list[Token]:
    tokens = list(subjects)
    for child in clause.children:
        if child.dep_ == "prep" and child.lower_ in _EN.instrument_preps:
            tokens.extend(grandchild for grandchild in child.children if grandchild.dep_ == "pobj")
    return tokens
