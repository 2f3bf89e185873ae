"""CAMEO event coding on spaCy's dependency parse: who did what to whom, where and when.

A trigger is a verb of the lexicon (data/cameo_triggers.yaml), an event noun carried by a light
verb ("launched an attack", "held talks") or an event noun with its own actors ("Russia's invasion
of Ukraine"). The subject is actor1, the object or prepositional object actor2; in the passive the
"by" agent is actor1. Actors are named entities or role nouns ("Russian troops"), and a sentence
whose participants include no political actor codes no event. Negated, possible ("could"),
conditional and intended-only ("vowed to attack") triggers are not events of their own kind; an
event the text announces ("will visit", "is ready to contribute", "said they would boycott") is
coded as CAMEO does, as an intent to cooperate (03x) or a threat (13x), and an announced refusal
("will not accept") as a rejection (12x). Background clauses ("where 28 people were killed"),
purpose and participle clauses of a coded event, and less specific repeats of an event are not
coded separately.

The coder's knowledge is data: the lexicon (load_lexicon), the CAMEO code algebra (data/cameo_ontology.yaml,
read as _CAMEO) and the English words of its rules (data/lang/en.yaml, read as _EN), each validated on load
(pipelines/nlp/knowledge.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from pipelines.nlp import builders, data_files, dates, knowledge, places
from pipelines.nlp.plover import plover_type
from pipelines.nlp.entities import ArticleEntities, ArticleEntity, article_entities, role_type

_KNOWLEDGE = knowledge.coder_knowledge("en")
_CAMEO = _KNOWLEDGE.cameo
"""The CAMEO code algebra: data/cameo_ontology.yaml."""
_EN = _KNOWLEDGE.language
"""The English words the rules read: data/lang/en.yaml."""

# spaCy's parse and entity labels (not language words, not CAMEO): they stay with the code that reads them.
_DEEP_TARGET_DEPS = frozenset({"dobj", "dative", "pobj", "nsubjpass", "attr", "oprd", "appos"})
_DEEP_PATH_DEPS = frozenset({"dobj", "dative", "prep", "pobj", "xcomp", "ccomp", "pcomp", "acl", "conj", "appos"})
_DEEP_TARGET_LEVELS = 5
_PURPOSE_PATH_DEPS = _DEEP_PATH_DEPS | {"advcl"}
_RELATIVE_TAGS = frozenset({"WP", "WDT"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_SCORE = re.compile(r"\b\d{1,2}\s?[-\u2013]\s?\d{1,2}\b")


@dataclass(frozen=True)
class Lexicon:
    """The trigger lexicon and the CAMEO tables, as loaded from data/cameo_triggers.yaml."""

    verbs: dict[str, dict]
    nouns: dict[str, dict]
    light_verbs: frozenset[str]
    realizing_heads: frozenset[str]
    denying_heads: frozenset[str]
    abstaining_heads: frozenset[str]
    non_agent_causes: frozenset[str]
    place_measures: frozenset[str]
    sports_cues: frozenset[str]
    sports_weak_cues: frozenset[str]
    goldstein: dict[str, float]
    quad_class_by_root: dict[str, int]


_LEXICON_FILE = "cameo_triggers.yaml"
_LEXICON_KEYS = frozenset({"quad_class_by_root", "goldstein", "intent_xcomp", "appeal_xcomp", "verbs", "nouns",
                           "light_verbs", "realizing_heads", "denying_heads", "abstaining_heads", "place_measures",
                           "non_agent_causes", "sports_cues", "sports_weak_cues"})
"""Top-level keys of the lexicon; intent_xcomp and appeal_xcomp are YAML anchors the verbs reuse."""
_LEXICON_REQUIRED = _LEXICON_KEYS - {"intent_xcomp", "appeal_xcomp"}
_VERB_KEYS = frozenset({"code", "object_is_instrument", "objects", "preps", "particles", "xcomp", "subject_types"})
_NOUN_KEYS = frozenset({"code", "modifiers"})
_REFINED_KEYS = frozenset({"code", "objects"})
"""Keys of a preposition or particle given as a map ("placed on alert", "called off a strike")."""


def _validated_lexicon(data: object, filename: str) -> dict:
    """DATA, after checking that every key is one the coder reads and every code is well-formed."""
    data_files.check_keys(filename, data, _LEXICON_KEYS, required=_LEXICON_REQUIRED)

    def code_map(table: object, where: str) -> None:
        data_files.check_keys(filename, table, table.keys() if isinstance(table, dict) else (), where)
        for word, code in table.items():
            if code is not None:
                data_files.check_code(filename, code, f"{where}: {word}")

    for kind, keys in (("verbs", _VERB_KEYS), ("nouns", _NOUN_KEYS)):
        data_files.check_keys(filename, data[kind], data[kind].keys() if isinstance(data[kind], dict) else (), kind)
        for word, entry in data[kind].items():
            where = f"{kind}: {word}"
            if not isinstance(entry, dict):
                data_files.check_code(filename, entry, where)
                continue
            data_files.check_keys(filename, entry, keys, where)
            if entry.get("code") is not None:
                data_files.check_code(filename, entry["code"], where)
            for field in ("objects", "xcomp", "subject_types", "modifiers"):
                if field in entry:
                    code_map(entry[field], f"{where}: {field}")
            for field in ("preps", "particles"):
                for word2, refined in entry.get(field, {}).items():
                    if isinstance(refined, dict):
                        data_files.check_keys(filename, refined, _REFINED_KEYS, f"{where}: {field}: {word2}")
                        if refined.get("code") is not None:
                            data_files.check_code(filename, refined["code"], f"{where}: {field}: {word2}")
                        if "objects" in refined:
                            code_map(refined["objects"], f"{where}: {field}: {word2}: objects")
                    elif refined is not None:
                        data_files.check_code(filename, refined, f"{where}: {field}: {word2}")
    for key in _LEXICON_REQUIRED - {"verbs", "nouns", "goldstein", "quad_class_by_root"}:
        data_files.check_words(filename, data[key], key)
    for table in ("goldstein", "quad_class_by_root"):
        data_files.check_keys(filename, data[table], data[table].keys() if isinstance(data[table], dict) else (), table)
        for code in data[table]:
            data_files.check_code(filename, code, table)
    return data


def load_lexicon(path=None) -> Lexicon:
    """The lexicon of PATH (default: the packaged data/cameo_triggers.yaml), validated; a bare code string is
    shorthand for {code: ...}. A key the coder does not read is a DataFileError naming the file and the key."""
    path = data_files.data_path(_LEXICON_FILE) if path is None else path
    data = _validated_lexicon(data_files.read_yaml(path), data_files.file_name(path))

    def entries(table: dict) -> dict[str, dict]:
        return {word: {"code": value} if isinstance(value, str) else value for word, value in table.items()}

    return Lexicon(
        verbs=entries(data["verbs"]),
        nouns=entries(data["nouns"]),
        light_verbs=frozenset(data["light_verbs"]),
        realizing_heads=frozenset(data["realizing_heads"]),
        denying_heads=frozenset(data["denying_heads"]),
        abstaining_heads=frozenset(data["abstaining_heads"]),
        non_agent_causes=frozenset(data["non_agent_causes"]),
        place_measures=frozenset(data["place_measures"]),
        sports_cues=frozenset(data["sports_cues"]),
        sports_weak_cues=frozenset(data["sports_weak_cues"]),
        goldstein={code: float(value) for code, value in data["goldstein"].items()},
        quad_class_by_root=data["quad_class_by_root"],
    )


@functools.cache
def trigger_lexicon() -> Lexicon:
    """The packaged lexicon, loaded once per process."""
    return load_lexicon()


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
    private_person: bool = False
    """A named person of no role the article gives ("Sabrina from USA"): not a state's agent (see _pairs)."""
    """"A rocket", "Israeli jets": a means of attack standing for whoever used it."""

    @classmethod
    def of(cls, name: str, country: str | None, type_code: str | None, **flags) -> "Actor":
        """An actor whose CAMEO-style code is its country plus its role ("RUS" + "GOV")."""
        return cls(name, (country or "") + (type_code or ""), country, type_code, **flags)

    def in_country(self, country: str) -> "Actor":
        """The same participant, placed in a country."""
        return replace(self, code=country + (self.type_code or ""), country_code=country)

    def as_record(self) -> dict:
        return builders.actor(name=self.name, code=self.code, country_code=self.country_code, type_code=self.type_code)


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


_allow_partial_default = False


def set_allow_partial(allow: bool) -> None:
    """The process-wide default of code_events' allow_partial (`--allow-partial` sets it in each worker)."""
    global _allow_partial_default
    _allow_partial_default = bool(allow)


def code_events(doc: Doc, *, article_id: str, published_at: str | None, allow_partial: bool | None = None,
                lexicon: Lexicon | None = None) -> list[dict]:
    """Event records for every coded event of the doc, one per distinct event id, in text order.

    LEXICON is the trigger lexicon to code with (load_lexicon(); a worker loads it once and passes it in);
    without one the packaged lexicon is used.

    An event whose doer or target the article does not give is partial and left out (a doer the text itself
    calls unknown, "gunmen", "a roadside bomb", is not missing); with allow_partial such events are kept,
    flagged by a confidence of at most PARTIAL_CONFIDENCE."""
    entities = article_entities(doc)
    partial = _allow_partial_default if allow_partial is None else allow_partial
    lexicon = trigger_lexicon() if lexicon is None else lexicon
    context = _ArticleContext(doc, entities, dates.published_date(published_at), lexicon, allow_partial=partial)
    events: dict[str, dict] = {}
    sentences = list(doc.sents)
    sports = [_is_sports(sentence, lexicon) for sentence in sentences]
    if sentences and sum(sports) >= _SPORTS_ARTICLE_SHARE * len(sentences):
        return []  # a match report: even its sentences without sports words ("the Italians attacked") are sport
    for sentence, is_sports in zip(sentences, sports):
        if is_sports:
            continue
        by_trigger = [(trigger, _events_of(trigger, sentence, article_id, context)) for trigger in _triggers(sentence, lexicon)]
        coded = _main_clause_events(by_trigger, _without_adjunct_events(by_trigger))
        for event in _without_less_specific(_without_reporting_statements(coded)):
            events.setdefault(event["event_id"], event)
            context.remember(event)
    return list(events.values())


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


class _ArticleContext:
    """What every sentence of one article shares: entities, the publication date, the dateline."""

    def __init__(self, doc: Doc, entities: ArticleEntities, published: dt.date | None, lexicon: Lexicon,
                 allow_partial: bool = False):
        self.allow_partial = allow_partial
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
        self.latest_root = ""
        self.latest_events: dict[str, dict] = {}
        """The article's latest coded event of each root with a placed doer ("the attack" -> who attacked)."""
        self.people: dict[str, tuple[str | None, str | None]] = {}
        """(country, role) per surname of the people the article placed; (None, None) when two countries."""
        self.armed_groups: dict[str, str] = {}
        """Country each armed group of no country of its own was coded to (see _armed_group_where_it_fights)."""
        self.memory: list[Actor] = []
        """Actors of the events coded so far in the article, in text order (for "the group", "they")."""

    def remember(self, event: dict) -> None:
        doer = event["actor1"]
        if doer and (doer["country_code"] or doer["type_code"] in _CAMEO.international_types):
            self.latest_events[event["event_root_code"]] = event
            self.latest_root = event["event_root_code"]
        for record in (event["actor1"], event["actor2"]):
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
    is_light = lemma in lexicon.light_verbs
    if entry is None and not is_light:
        return None
    entry = entry or {}
    children = list(verb.children)
    obj = _direct_object(verb)
    for child in children:
        if child.dep_ == "prt" and child.lower_ in entry.get("particles", {}):
            return _trigger_or_none(verb, verb, _refined_by(entry["particles"][child.lower_], obj), entry)
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
        if event_noun is not None:
            return _trigger_or_none(event_noun, verb, _noun_code(event_noun, lexicon), entry)
    return _trigger_or_none(verb, verb, entry.get("code"), entry)


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


def _counted_noun(word: Token) -> Token:
    """What a quantity counts: "hundreds of villagers" -> villagers."""
    if word.lemma_.lower() not in _EN.quantity_nouns:
        return word
    return _of_object(word) or word


def _of_object(word: Token) -> Token | None:
    """The object of the word's "of" complement: "thousands of students" -> students."""
    return next((g for c in word.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                 if g.dep_ == "pobj"), None)


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


def _direct_object(verb: Token) -> Token | None:
    """What the verb acts on: the direct object, or the subject of a passive."""
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            return child
    return None


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
    if noun.dep_ in ("ROOT", "nsubj", "nsubjpass"):
        return True
    if noun.tag_ == "NNS" and not any(child.dep_ in ("det", "poss", "nummod") for child in noun.children):
        return False  # "a rising tide of violent protests by farmers": a kind of event, not one event
    return any(
        child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in ("by", "between")) for child in noun.children
    )


def _is_realized(clause: Token, lexicon: Lexicon) -> bool:
    """False for negated, modal, conditional, merely intended or purpose-only triggers."""
    if clause.pos_ == "NOUN":
        return clause.dep_ not in ("nsubj", "nsubjpass") or _is_realized(clause.head, lexicon)
    for child in clause.children:
        if child.dep_ == "neg":
            return False
        if child.dep_ in ("aux", "auxpass") and (child.tag_ == "MD" or child.lower_ in _EN.modals):
            return False
        if child.dep_ == "mark" and child.lower_ in _EN.conditional_marks:
            return False
    if clause.dep_ == "xcomp" and clause.head.lemma_.lower() not in lexicon.realizing_heads:
        return False
    if clause.dep_ == "ccomp" and (clause.tag_ == "VB" or clause.head.lemma_.lower() in lexicon.denying_heads):
        return False
    if clause.dep_ == "advcl" and any(child.dep_ == "aux" and child.lower_ == "to" for child in clause.children):
        return False
    if clause.dep_ == "pcomp" and _governor_lemma(clause) in lexicon.verbs.keys() | lexicon.abstaining_heads:
        return False
    if any(child.dep_ in ("nsubj", "nsubjpass") and _is_negated_noun(child) for child in clause.children):
        return False
    if clause.dep_ == "conj" and clause.head.pos_ == "VERB":
        return not any(c.dep_ == "aux" and (c.tag_ == "MD" or c.lower_ in _EN.modals) for c in clause.head.children)
    return True


def _is_background(trigger: _Trigger) -> bool:
    """Circumstances a sentence gives for its main event, not events it reports: a place or time relative
    clause ("Montenegro, where 28 people have been killed"), a reduced passive relative ("property
    seized by government forces"), an "as"/"since"/"after" clause, an event noun
    after "after", "following", "because of", "amid" ("because of fighting between ...")."""
    clause = trigger.clause
    if clause.dep_ == "relcl":
        for child in clause.children:
            if child.tag_ == "WRB" or (child.dep_ == "prep" and any(g.tag_ == "WDT" for g in child.children)):
                return True
    if clause.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _EN.background_marks for c in clause.children):
        return True
    if clause.dep_ == "acl" and clause.tag_ == "VBN":
        return True
    if any(c.dep_ == "advmod" and c.lower_ in _EN.background_adverbs for c in clause.children):
        return True  # "Khadr was previously charged by the commission"
    if clause.pos_ == "NOUN":
        head = clause.head
        while head.dep_ in ("pobj", "pcomp", "prep") and head.head.i != head.i and head.lower_ not in _EN.background_preps:
            head = head.head
        if head.dep_ == "prep" and head.lower_ in _EN.background_preps:
            return True
    return False


def _intent_code(trigger: _Trigger) -> str | None:
    """The CAMEO code of an event the text announces rather than reports ("will visit Albania", "is ready
    to contribute troops", "said they would boycott"): 03x intent for cooperation, 13x threat for
    conflict, 12x refusal for cooperation announced as not to happen ("will not accept"), a threat for
    anything announced with an "unless" condition (an ultimatum); None when
    the clause is conditional, merely possible ("could", "may") or otherwise negated."""
    clause = trigger.clause
    if clause.pos_ != "VERB" or trigger.code[:2] not in _CAMEO.intent_codes:
        return None
    children = list(clause.children)
    if any(c.dep_ == "mark" and c.lower_ in _EN.conditional_marks for c in children):
        return None
    modals = [c for c in children if c.dep_ in ("aux", "auxpass") and (c.tag_ == "MD" or c.lower_ in _EN.modals)]
    if any(c.dep_ == "neg" for c in children):
        refusal = modals and all(c.lower_ in _EN.future_auxiliaries | {"wo"} for c in modals)
        return _CAMEO.refusal_codes.get(trigger.code[:2]) if refusal else None
    if modals:
        announced = all(c.lower_ in _EN.future_auxiliaries for c in modals)
    else:
        head = clause.head
        announced = clause.dep_ == "xcomp" and head.lemma_.lower() in _EN.intent_heads and not any(
            c.dep_ == "neg" for c in head.children
        ) and not any(c.dep_ == "neg" for c in head.head.children if head.dep_ == "acomp")
    if not announced or any(token.lower_ in _EN.conditional_marks for token in clause.subtree if token.i < clause.i
                            and token.dep_ == "mark"):
        return None
    if _has_unless_clause(clause):
        return "138" if trigger.code[:2] in _CAMEO.violent_roots else "130"
    return _CAMEO.intent_codes[trigger.code[:2]] or trigger.code


def _has_unless_clause(clause: Token) -> bool:
    """"will withdraw its force unless the president arranges a ceasefire": an ultimatum, a threat."""
    return any(child.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "unless" for c in child.children)
               for child in clause.children)


def _is_obligation(clause: Token) -> bool:
    """A "that" clause saying its subject must act: "Libya must hand over the suspects"."""
    return clause.pos_ in ("VERB", "AUX") and any(c.dep_ == "nsubj" for c in clause.children) and any(
        c.dep_ == "aux" and c.lower_ == "must" for c in clause.children
    ) and not any(c.dep_ == "neg" for c in clause.children)


def _governor_lemma(clause: Token) -> str:
    """The verb a prepositional clause hangs from: "refrained" in "refrained from criticising"."""
    return clause.head.head.lemma_.lower()


def _is_negated_noun(noun: Token) -> bool:
    """"Neither India nor China", "No troops": a subject that says nobody did it."""
    return any(child.dep_ in ("preconj", "det") and child.lower_ in ("neither", "no") for child in noun.children)


def _events_of(trigger: _Trigger, sentence: Span, article_id: str, context: _ArticleContext) -> list[dict]:
    lexicon = context.lexicon
    if _is_background(trigger):
        return []
    if not _is_realized(trigger.clause, lexicon):
        intent = _intent_code(trigger)
        if intent is None:
            return []
        trigger = _Trigger(trigger.word, trigger.clause, intent, trigger.entry, trigger.complement)
    subjects, objects = _participants(trigger)
    if any(token.lemma_.lower() in lexicon.non_agent_causes for token in subjects):
        return []
    actors1 = [_with_home_country(a, sentence, context) for a in _actors(subjects, context)]
    actors2 = _actors(objects, context)
    excluded = {token.i for head in subjects + _instruments_of(trigger) for token in head.subtree}
    if trigger.code[:2] in _CAMEO.topic_roots:  # "renewed negotiations on an Israeli troop pullback": a topic
        excluded |= {t.i for word in (trigger.clause, trigger.word) for child in word.children
                     if child.dep_ == "prep" and child.lower_ == "on" for t in child.subtree}
    if not any(actor.country_code for actor in actors2):
        deeper = _first_actors(_deeper_targets(trigger.clause, excluded), context)
        if not actors2 or any(actor.country_code for actor in deeper):
            actors2 = deeper or actors2
    if not actors1 and trigger.code[:2] in _CAMEO.violent_roots and not _is_active(trigger.clause):
        actors1 = _doers_of_events_named(_circumstance_nouns(trigger.clause), [], context)  # "killed in the shelling"
    if not actors1 and _caused_by_non_agent(trigger, lexicon):
        return []
    code = _refined_code(trigger, subjects, actors1, lexicon)
    if code[:2] == _CAMEO.protest_root:
        actors1 = actors1 or _unnamed_protesters(subjects, lexicon)
        actors1 = [_with_home_country(actor, sentence, context, any_role=True) for actor in actors1]
    if code[:2] in _CAMEO.purpose_target_roots and not any(actor.country_code for actor in actors2):
        actors2 = _first_actors(_deeper_targets(trigger.clause, excluded, _PURPOSE_PATH_DEPS), context) or actors2
    if code[:2] == _CAMEO.complaint_root and not any(_is_placed(actor) for actor in actors2):
        actors2 = _doers_of_events_named(objects, actors1, context) or actors2
    if code[:2] == "13" and not any(actor.country_code for actor in actors2):
        actors2 = _conditioned_party(trigger, context) or actors2
    used_tokens = {token.i for head in subjects + objects for token in _noun_phrase(head)}
    trigger_place = _trigger_place(trigger, context)
    location, location_in_sentence = _location(trigger_place, sentence, used_tokens, context, trigger.clause)
    if not actors2 and location_in_sentence and location["country_code"] and (
            code[:2] in _CAMEO.place_target_roots or code[:3] in _CAMEO.place_target_codes or _is_place_measure(trigger, lexicon)
            or (code[:2] == _CAMEO.force_posture_root and all(a.country_code != location["country_code"] for a in actors1))):
        actors2 = [_place_target(location)]
    if not actors2 and (code[:2] in _CAMEO.place_target_roots or code[:3] in _CAMEO.place_target_codes):
        actors2 = [_place_target(place) for place in _places_named(objects, context)][:1]
    if not actors2 and (code[:2] == _CAMEO.protest_root or code[:3] == _CAMEO.protest_eased_code):
        actors2 = _own_country(actors1)
    actors2 = [_target_with_home_country(actor, actors1, sentence, context, code) for actor in actors2
               if not (actor.is_weapon and not actor.country_code)]
    fighting_place = location if location_in_sentence else None
    unknown_doer = _names_unknown_doer(subjects, lexicon)
    actors1 = [_armed_group_where_it_fights(actor, fighting_place, context, unnamed_unknown=unknown_doer)
               for actor in actors1]
    actors2 = [_armed_group_where_it_fights(actor, fighting_place, context) for actor in actors2]
    actors1 = [_in_place_of_event(actor, location, location_in_sentence) for actor in actors1]
    setting = location or context.dateline  # where it happened, else where the article is set
    if not actors1 and setting and setting["country_code"] and _is_state_action(code) \
            and not _is_active(trigger.clause):
        actors1 = [_place_authorities(setting)]
    if _is_state_action(code):
        actors2 = [_under_jurisdiction(actor, actors1) for actor in actors2]
    civilians_place = trigger_place or _place_after(trigger, sentence, context)
    if civilians_place is None and location is None and code[:2] in _CAMEO.violent_roots:
        remembered = _event_named(_circumstance_nouns(trigger.clause), context)  # victims of "the shelling": there
        civilians_place = remembered["location"] if remembered and remembered["location"] else None
    actors2 = [_in_place_of_event(actor, civilians_place, True, civilians=True) if civilians_place else
               _in_place_of_event(actor, location, location_in_sentence) for actor in actors2]
    code = _crowd_control(code, actors1, actors2)
    if code[:2] == _CAMEO.fight_root and any(head.lemma_.lower() in _EN.assailants for head in subjects):
        code = _CAMEO.assault_code  # "a gunman shot dead a journalist": an assault, not a battle
    when = dates.event_date(trigger.clause, sentence, context.published)
    events = []
    for actor1, actor2 in _pairs(actors1, actors2, code):
        where = location or _actor_country_place(actor1, actor2, code)
        if code == _CAMEO.statement_code and not _is_newsworthy_statement(trigger, actor1, actor2, lexicon):
            continue
        partial = (not _is_placed(actor1) and not unknown_doer) or not _is_placed(actor2)
        if partial and not context.allow_partial:
            continue
        record = _event_record(
            article_id, sentence, trigger, code, actor1, actor2, where, location_in_sentence, when, lexicon
        )
        if partial:
            record["confidence"] = min(record["confidence"], PARTIAL_CONFIDENCE)
        events.append(record)
    return events


def _event_named(nouns: list[Token], context: _ArticleContext) -> dict | None:
    """The coded event a definite event noun re-mentions ("the attack", "this shelling"): the article's latest
    event of the noun's root whose doer is placed; a general anaphor ("the action", "this act") names the
    article's latest such event of any root."""
    for noun in nouns:
        lemma = noun.lemma_.lower()
        if not any(child.dep_ == "det" and child.lower_ in ("the", "this", "that", "these", "those")
                   for child in noun.children):
            continue
        if lemma in _EN.event_anaphors and context.latest_events:
            return context.latest_events[context.latest_root]
        if lemma in context.lexicon.nouns:
            code = _noun_code(noun, context.lexicon)
            if code and code[:2] in context.latest_events:
                return context.latest_events[code[:2]]
    return None


def _doer_of(event: dict) -> Actor:
    doer = event["actor1"]
    return Actor(doer["name"], doer["code"], doer["country_code"], doer["type_code"])


def _doers_of_events_named(objects: list[Token], actors1: list[Actor], context: _ArticleContext) -> list[Actor]:
    """"Ukraine condemned the attack": criticism of an event the article has coded is against that event's
    doer (_event_named); so is the doer of a passive "killed in the shelling". A doer criticising its own
    act is no target."""
    event = _event_named(objects, context)
    if event is None or any(_doer_of(event).code == actor.code for actor in actors1):
        return []
    return [_doer_of(event)]


def _circumstance_nouns(clause: Token) -> list[Token]:
    """Nouns of the clause's "in"/"during" phrases: "two people were killed in the initial shelling"."""
    return [g for c in clause.children if c.dep_ == "prep" and c.lower_ in ("in", "during") for g in c.children
            if g.dep_ == "pobj"]


def _is_placed(actor: Actor | None) -> bool:
    return actor is not None and bool(actor.country_code or actor.type_code in _CAMEO.international_types)


PARTIAL_CONFIDENCE = 0.25
"""The highest confidence of an event kept by --allow-partial without a source: its flag."""


def _names_unknown_doer(subjects: list[Token], lexicon: Lexicon) -> bool:
    """Whether the text says the doer is unknown: an unidentified attacker ("gunmen", "unknown assailants",
    "an unknown group") or a device with no one named ("a roadside bomb", "a rocket")."""
    for head in subjects:
        lemma = head.lemma_.lower()
        if lemma in _EN.unknown_doers or lemma in _EN.weapons:
            return True
        if any(t.lower_ in _EN.unknown_marks for t in head.lefts):
            return True
    return False


def _is_newsworthy_statement(trigger: _Trigger, actor1: Actor | None, actor2: Actor | None, lexicon: Lexicon) -> bool:
    """A plain statement (010) is coded only as a position on another actor: a reporting frame ("X said",
    "told reporters", "in a statement") is never an event of its own (the event it reports is), and a
    statement with no target actor of known country says nothing about anyone."""
    if trigger.word.pos_ == "VERB" and _verb_lemma(trigger.word, lexicon) in _EN.plain_reporting_lemmas:
        return False
    if actor1 is None or actor2 is None or not (actor2.country_code or actor2.type_code == "IGO"):
        return False
    return actor1.code != actor2.code


def _participants(trigger: _Trigger) -> tuple[list[Token], list[Token]]:
    """Heads of the doer and target phrases, conjuncts included ("X and Y met")."""
    clause = trigger.clause
    if clause.pos_ == "NOUN":
        subjects, objects = _noun_participants(clause, trigger.code)
    else:
        subjects, objects = _verb_participants(clause, trigger.word)
        if trigger.word.i != clause.i:
            objects += _noun_participants(trigger.word, trigger.code)[1]
        if trigger.complement is not None:
            objects += _verb_participants(trigger.complement, trigger.word)[1]
        if trigger.entry.get("object_is_instrument"):
            subjects, objects = _instrument_participants(clause, subjects, objects)
        if trigger.code[:2] in _CAMEO.topic_roots:
            objects = [o for o in objects if not (o.dep_ == "pobj" and o.head.lower_ == "on" and o.head.head.i == clause.i)]
        if trigger.code[:2] == _CAMEO.complaint_root:
            objects = _grievance_targets(clause, objects)
    return _with_conjuncts(subjects), _with_conjuncts(objects)


def _grievance_targets(verb: Token, objects: list[Token]) -> list[Token]:
    """"Lebanon complained to the United Nations over Israeli air raids": whom a complaint is about, not
    whom it is made to, is the target."""
    grievances = [g for c in verb.children if c.dep_ == "prep" and c.lower_ in ("over", "about") for g in c.children
                  if g.dep_ == "pobj"]
    if not grievances:
        return objects
    addressed = [o for o in objects if o.dep_ == "pobj" and o.head.lower_ == "to" and o.head.head.i == verb.i]
    return [o for o in objects if o not in addressed] + grievances


def _instruments_of(trigger: _Trigger) -> list[Token]:
    """The means a doer acts with ("placed its forces on alert"), never the target."""
    if not trigger.entry.get("object_is_instrument"):
        return []
    return [child for child in trigger.clause.children if child.dep_ == "dobj"]


def _instrument_participants(verb: Token, subjects: list[Token], objects: list[Token]) -> tuple[list, list]:
    """"Russia massed troops": the troops are Russia's means, not the target; passive, they are the doer."""
    moved = [token for token in objects if token.head.i == verb.i and token.dep_ in ("dobj", "nsubjpass")]
    if not subjects:
        subjects = [token for token in moved if token.dep_ == "nsubjpass"]
    return subjects, [token for token in objects if token not in moved]


def _verb_participants(verb: Token, event_noun: Token) -> tuple[list[Token], list[Token]]:
    subjects, objects = [], []
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        objects.append(verb.head)
    for child in verb.children:
        if child.dep_ == "nsubj" and _is_dateline(child):
            continue
        if child.dep_ == "nsubj" and _is_headline_passive(verb):
            objects.append(child)  # "Former PM Yulia Tymoshenko arrested on contempt charges"
        elif child.dep_ == "nsubj":
            subjects.append(verb.head if child.tag_ in _RELATIVE_TAGS and verb.dep_ == "relcl" else child)
        elif child.dep_ == "agent":
            subjects.extend(grandchild for grandchild in child.children if grandchild.dep_ == "pobj")
        elif child.dep_ == "nsubjpass" and verb.lemma_.lower() in _EN.stative_participles:
            subjects.append(child)
        elif child.dep_ in ("dobj", "dative", "nsubjpass") and child.i != event_noun.i:
            objects.append(child)
        elif child.dep_ == "prep" and child.lower_ in _EN.target_preps:
            objects.extend(g for g in child.children if g.dep_ == "pobj" and g.i != event_noun.i)
    if not subjects and not _is_active(verb):
        subjects = _distant_agent(verb)
    if not subjects:
        subjects = _inherited_subjects(verb)
    return subjects, objects


def _distant_agent(verb: Token) -> list[Token]:
    """The "by" agent of a passive that the parser hung lower down: "was put under investigation for
    bribery by federal police" (by -> bribery)."""
    frontier = [c for c in verb.children if c.dep_ == "prep"]
    for _ in range(3):
        below = []
        for prep in frontier:
            for pobj in (g for g in prep.children if g.dep_ == "pobj"):
                for child in pobj.children:
                    if child.dep_ in ("prep", "agent") and child.lower_ == "by":
                        return [g for g in child.children if g.dep_ == "pobj"]
                    if child.dep_ == "prep":
                        below.append(child)
        frontier = below
    return []


def _is_dateline(token: Token) -> bool:
    """"BRUSSELS — Ukraine's defence minister appealed ...": the capitals before a dash at the start of a
    paragraph say where the story was filed; the parser sometimes makes them a subject."""
    words = [t for t in token.subtree if not t.is_punct]
    if not words:
        return False
    start, end = words[0].i, words[-1].i
    doc = token.doc
    at_paragraph_start = start == token.sent.start or doc[start - 1].is_space
    followed_by_dash = end + 1 < len(doc) and doc[end + 1].text in _EN.dashes
    return at_paragraph_start and followed_by_dash and all(t.is_upper or not t.is_alpha for t in doc[start:end + 1])


def _inherited_subjects(verb: Token) -> list[Token]:
    """The doer of a verb without a subject: its coordinated or governing verb's, or the noun it modifies."""
    if verb.dep_ == "acl" and verb.head.lemma_.lower() in _EN.statement_nouns and verb.head.dep_ == "dobj":
        return [child for child in verb.head.head.children if child.dep_ == "nsubj"]
    if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN") and _is_active(verb):
        return [verb.head]
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
        controllers = ("nsubj", "nsubjpass") if verb.dep_ == "xcomp" else ("nsubj",)  # "is scheduled to hold talks"
        subjects = [child for child in verb.head.children if child.dep_ in controllers]
        if subjects or verb.head.dep_ not in ("xcomp", "conj"):
            return subjects
        return _inherited_subjects(verb.head)
    if verb.dep_ == "xcomp" and verb.head.dep_ == "acomp":
        return [child for child in verb.head.head.children if child.dep_ == "nsubj"]
    return []


def _is_headline_passive(verb: Token) -> bool:
    """A past participle heading a headline with no auxiliary and no object ("Lawyer thrown out of court",
    "Ex-PM arrested"): headlines drop "was", so the parser's subject is the patient. A headline has no final
    full stop; the small model also tags plain past tenses VBN ("Hungarians protested in Bucharest.")."""
    if verb.dep_ != "ROOT" or verb.tag_ != "VBN" or any(
            child.dep_ in ("aux", "auxpass", "dobj") for child in verb.children):
        return False
    words = [token for token in verb.sent if not token.is_space]
    return bool(words) and words[-1].text not in (".", "!", "?", '"', "”")


def _is_active(verb: Token) -> bool:
    """False for passives ("individuals who were charged", "people killed by")."""
    return verb.tag_ != "VBN" and not any(child.dep_ in ("nsubjpass", "auxpass") for child in verb.children)


def _noun_participants(noun: Token, code: str) -> tuple[list[Token], list[Token]]:
    """Doer and target of an event noun: "Russia's invasion of Ukraine", "talks between X and Y", and
    without a possessor its nationality modifier: "Palestinian riots", "Israeli air raids"."""
    subjects, objects = [], []
    for child in noun.children:
        if child.dep_ == "poss" and noun.lemma_.lower() in _EN.patient_possessor_nouns:
            objects.append(child)  # "her arrest", "the detainees' sentencing": whom it was done to
        elif child.dep_ == "poss":
            subjects.append(child)
        elif child.dep_ == "prep":
            pobjs = [grandchild for grandchild in child.children if grandchild.dep_ == "pobj"]
            if child.lower_ == "by":
                subjects.extend(pobjs)
            elif child.lower_ == "between":
                for pobj in pobjs:
                    subjects.append(pobj)
                    objects.extend(pobj.conjuncts)
            elif child.lower_ == "of":
                (objects if code[:2] in _CAMEO.target_of_roots else subjects).extend(pobjs)
            elif child.lower_ == "from" and code[:2] == "08":
                objects.extend(pobjs)
            elif child.lower_ in _EN.target_preps and not (child.lower_ == "on" and code[:2] in _CAMEO.topic_roots):
                objects.extend(pobjs)
    if not subjects:
        subjects = [child for child in noun.children if child.dep_ in ("amod", "compound") and child.ent_type_ in ("NORP", "GPE")
                    and child.i < noun.i]
    return subjects, objects


def _with_conjuncts(tokens: list[Token]) -> list[Token]:
    seen, result = set(), []
    for token in tokens:
        for member in (token, *token.conjuncts):
            if member.i not in seen:
                seen.add(member.i)
                result.append(member)
    return result


def _deeper_targets(clause: Token, excluded: set[int], path_deps: frozenset[str] = _DEEP_PATH_DEPS) -> list[Token]:
    """Candidate targets below the verb, nearest first: "cut ties with Iran", "demanded that Britain leave";
    the source of a report ("according to Pentagon sources") or a circumstance ("after 12 days of battles
    with the Amal militia") is not one."""
    candidates, frontier = [], [clause]
    for _ in range(_DEEP_TARGET_LEVELS):
        below = []
        for node in frontier:
            for child in node.children:
                if child.i in excluded or child.lower_ in _EN.not_target_preps:
                    continue
                if child.dep_ in _DEEP_TARGET_DEPS or (child.dep_ == "nsubj" and node.dep_ in ("ccomp", "acl")):
                    candidates.append(child)
                if child.dep_ in path_deps:
                    below.append(child)
        frontier = below
    return candidates


def _first_actors(heads: list[Token], context: "_ArticleContext") -> list[Actor]:
    """The actors of the first head that names one, with its conjuncts ("ties with Iran and Syria").

    A place after "in", "near", "around" is where, not whom: "held talks in Baghdad". The first head whose
    actors have a country wins over nearer ones without ("military aid to Mozambique").
    """
    first: list[Actor] = []
    for head in heads:
        entity = context.entities.entity_at(head)
        if head.dep_ == "pobj" and head.head.lower_ in _EN.locative_preps and entity and entity.label in _PLACE_LABELS:
            continue
        actors = _actors(_with_conjuncts([head]), context)
        if any(actor.country_code or actor.type_code == "IGO" for actor in actors):
            return actors
        first = first or actors
    return first


def _conditioned_party(trigger: _Trigger, context: "_ArticleContext") -> list[Actor]:
    """Whom a threat is made to: the subject of its "if"/"unless" clause ("threatened to launch an
    offensive unless Baghdad accepted its conditions")."""
    words = [trigger.clause, trigger.word, *(c for c in trigger.clause.children if c.dep_ in ("xcomp", "ccomp"))]
    for word in words:
        for child in word.children:
            if child.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in child.children):
                subjects = [c for c in child.children if c.dep_ in ("nsubj", "nsubjpass")]
                actors = [a for a in _actors(_with_conjuncts(subjects), context) if a.country_code]
                if actors:
                    return actors
    return []


def _with_home_country(actor: Actor, sentence: Span, context: _ArticleContext, any_role: bool = False,
                       roles: frozenset[str] = _CAMEO.domestic_types) -> Actor:
    """A domestic role with no country named ("President Dos Santos", "the opposition") belongs to the
    country the story is about: the first country the sentence names, else the article's dateline. So do
    protesters of any role (any_role): people protest in and against their own country. As a target,
    the rule holds for governments, oppositions, courts and legislatures (roles), not for soldiers and
    police, whose role nouns are as often weapons and forces of the doer ("military aid", "missiles")."""
    if actor.country_code or actor.ethnic_group or actor.type_code in _CAMEO.international_types or not (
            any_role or actor.type_code in roles) or actor.is_weapon:
        return actor
    country = context.main_country or _country_in(list(sentence), context) or (context.dateline or {}).get("country_code")
    if country is None:
        return actor
    return actor.in_country(country)


def _target_with_home_country(actor: Actor, actors1: list[Actor], sentence: Span, context: _ArticleContext,
                              code: str) -> Actor:
    """An untitled government, opposition, court or legislature as target takes the story's country, unless
    that makes it the doer itself ("the president said the government would ...": no self-directed event).
    Condolences (ontology own_people_target_codes) go to the story's own people and officials: "offered
    condolences to the families of the victims", "expressed his sadness at the minister's death"."""
    if code in _CAMEO.own_people_target_codes:
        return _with_home_country(actor, sentence, context, roles=_CAMEO.domestic_target_types | {"CVL"})
    placed = _with_home_country(actor, sentence, context, roles=_CAMEO.domestic_target_types)
    return actor if any(placed.code == doer.code for doer in actors1) else placed


def _unnamed_protesters(subjects: list[Token], lexicon: Lexicon) -> list[Actor]:
    """"Prisoners rioted", "Islamic fundamentalists continued their hunger strike": whoever protests is a
    participant, even a group no role table names (an event noun as subject, "a rally", is not)."""
    return [Actor.of(_phrase_text(_noun_phrase(head)), None, None) for head in subjects
            if head.pos_ == "NOUN" and head.lemma_.lower() not in lexicon.nouns]


def _crowd_control(code: str, actors1: list[Actor], actors2: list[Actor]) -> str:
    """Force by police against protesters ("police fired on protesters", "beat demonstrators") is crowd
    control, CAMEO 175 (tests/gold/CONVENTIONS.md rule 4), not an armed attack (ontology crowd_control_*)."""
    if code[:2] in _CAMEO.violent_roots and actors1 and actors2 \
            and all(actor.type_code in _CAMEO.crowd_control_doer_types for actor in actors1) \
            and all(actor.type_code in _CAMEO.crowd_control_target_types for actor in actors2):
        return _CAMEO.crowd_control_code
    return code


def _is_state_action(code: str) -> bool:
    return code.startswith(_CAMEO.state_action_prefixes)


def _place_authorities(location: dict) -> Actor:
    """"A US national has been put under investigation in Italy", "was arrested in Lebanon": with no doer
    named, a state action is the act of the authorities where it happened."""
    country = location["country_code"]
    return Actor.of(f"authorities in {location['name']}", country, "GOV")


def _under_jurisdiction(actor: Actor, doers: list[Actor]) -> Actor:
    """"Paul Manafort was sentenced by a federal judge": a person or group of no known country that a state
    arrests, tries or sentences is of that state (the country of its authority, or the state itself: "China
    hands stiff sentences to 27 farmers")."""
    if actor.country_code or actor.type_code in _CAMEO.international_types or actor.ethnic_group:
        return actor
    countries = {d.country_code for d in doers
                 if d.country_code and d.type_code in (None, "GOV", "JUD", "COP", "LEG")}
    return actor.in_country(countries.pop()) if len(countries) == 1 else actor


def _own_country(actors: list[Actor]) -> list[Actor]:
    """"Egyptian demonstrators rioted" with no place named: a protest (or its end, "called off the strike")
    is against the protesters' own country (the place rule above, with the place unknown)."""
    countries = {actor.country_code for actor in actors if actor.country_code}
    if len(countries) != 1:
        return []
    (country,) = countries
    return [Actor.of(country, country, None)]


def _is_place_measure(trigger: _Trigger, lexicon: Lexicon) -> bool:
    """Whether the event lays a measure on a place or lifts one ("declared a state of siege in Haiti"), or
    threatens to ("threatened to institute a curfew in Algiers")."""
    verbs = [trigger.clause, *(c for c in trigger.clause.children if c.dep_ == "xcomp")]
    if trigger.complement is not None:
        verbs.append(trigger.complement)
    words = [trigger.word, *(_direct_object(verb) for verb in verbs)]
    return any(word is not None and word.lemma_.lower() in lexicon.place_measures for word in words)


def _places_named(objects: list[Token], context: _ArticleContext) -> list[dict]:
    """The placed towns and regions that are themselves the objects: "Russian troops shelled Kharkiv"."""
    entities = [context.entities.entity_at(obj) for obj in objects]
    return [_location_of(e) for e in entities if e is not None and e.label in _PLACE_LABELS and e.country_code]


def _place_target(location: dict) -> Actor:
    """Violence against a place ("struck an airport near Damascus") or a measure on it targets its country."""
    country = location["country_code"]
    return Actor.of(location["name"], country, None)


def _caused_by_non_agent(trigger: _Trigger, lexicon: Lexicon) -> bool:
    """"Killed in a storm", "died in the crash": a disaster, not an actor, did it."""
    for child in trigger.clause.children:
        if child.dep_ == "prep" and child.lower_ in _EN.instrument_preps:
            if any(g.lemma_.lower() in lexicon.non_agent_causes for g in child.children if g.dep_ == "pobj"):
                return True
    return False


def _actors(heads: list[Token], context: _ArticleContext) -> list[Actor]:
    actors = []
    for head in heads:
        for actor in _coordinated_actors(head, context):
            if actor not in actors:
                actors.append(actor)
    return actors


def _coordinated_actors(head: Token, context: _ArticleContext) -> list[Actor]:
    """One actor per country of a coordinated role phrase: "Jordanian and Iraqi officials", "envoys of X and Y"."""
    actor = _actor(head, context)
    if actor is None or context.entities.entity_at(head) is not None or head.pos_ == "PRON":
        return [actor] if actor else []
    phrase = _noun_phrase(head)
    modifiers = [token for token in phrase if token.i < head.i]
    if any(token.dep_ == "cc" for token in modifiers):
        phrase = modifiers  # "the Turkish and Greek sides of Cyprus": the sides are Turkish and Greek
    if not any(token.dep_ == "cc" for token in phrase):
        return [actor]
    countries = _countries_in(phrase, context)
    if len(countries) < 2:
        return [actor]
    type_code = actor.type_code
    return [Actor.of(actor.name, country, type_code) for country in countries]


def _actor(head: Token, context: _ArticleContext) -> Actor | None:
    """An actor from an entity, a role noun or a nationality in the phrase; None if it is neither."""
    if head.pos_ == "PRON":
        reporter = _reporting_subject(head)
        if reporter is not None:
            actor = _actor(reporter, context)
            if actor is not None:
                return replace(actor, via_pronoun=True)
        if head.lower_ not in _EN.personal_pronouns:
            recalled = _recalled_for_pronoun(head, context)
            return replace(recalled, via_pronoun=True) if recalled else None
        person = context.person_before(head)
        actor = _entity_actor(person, [], context) if person else None
        return replace(actor, via_pronoun=True) if actor else None
    if head.lemma_.lower() in _EN.quantity_nouns and context.entities.entity_at(head) is None:
        counted = _of_object(head)
        counted_actor = _actor(counted, context) if counted is not None else None
        if counted_actor is not None and (counted_actor.country_code or counted_actor.type_code
                                          or counted_actor.ethnic_group):
            return counted_actor
    phrase = _noun_phrase(head)
    if any(token.lower_ == "ethnic" and token.i < head.i for token in phrase):
        return _ethnic_group(head, phrase, context)
    entity = context.entities.entity_at(head)
    if entity is not None and entity.label == "NORP":
        residence = _residence(head, context)
        if residence and residence != entity.country_code:
            return _ethnic_group(head, phrase, context)
    if entity is not None:
        others = [token for token in phrase if context.entities.by_token[token.i] is not entity]
        return _entity_actor(entity, others, context)
    type_code = role_type(phrase)
    country = _country_in(phrase, context) or (type_code and _country_in(_located_in(head), context))
    if head.lemma_.lower() in _EN.weapons:
        return Actor.of(_phrase_text(phrase), country, type_code, is_weapon=True)
    if country is None:
        organisation = _coded_organisation_in(phrase, context)
        if organisation is not None:
            return _entity_actor(organisation, [], context)
    if country is None and _is_anaphoric(head, phrase):
        recalled = _recalled_for_noun(head, type_code, context)
        if recalled is not None:
            return recalled
    if type_code is None and country is None:
        return _possessor_actor(head, context)
    return Actor.of(_phrase_text(phrase), country, type_code)


def _is_anaphoric(head: Token, phrase: list[Token]) -> bool:
    """"The group", "the ministry", "the militants": a definite phrase of a role noun alone, naming no one."""
    others = [t for t in phrase if t.i != head.i and not t.is_punct]
    return head.pos_ == "NOUN" and len(others) == 1 and others[0].lower_ in ("the", "this", "that", "these", "those")


def _recalled_for_noun(head: Token, type_code: str | None, context: _ArticleContext) -> Actor | None:
    """The article's one earlier actor of the role the noun names ("the ministry" -> the Afghan foreign
    ministry coded before); "the group" recalls an armed group, opposition or NGO. None if several qualify."""
    lemma = head.lemma_.lower()
    if head.tag_ != "NNS" and lemma not in _EN.body_nouns:
        return None  # "the president" is one person, not the body recalled
    types = _EN.group_noun_types.get(lemma) or (frozenset({type_code}) if type_code else None)
    return context.recalled(types) if types else None


def _recalled_for_pronoun(pronoun: Token, context: _ArticleContext) -> Actor | None:
    """"It"/"its" recall the article's one earlier body (government, organisation, group), "they"/"their"
    its one earlier armed group or force; nothing when several are known (precision first)."""
    word = pronoun.lower_
    if word in ("it", "its"):
        return context.recalled(_CAMEO.singular_body_types)
    if word in ("they", "their", "them"):
        return context.recalled(_CAMEO.plural_group_types)
    return None


def _ethnic_group(head: Token, phrase: list[Token], context: _ArticleContext) -> Actor:
    """An ethnic group, or a people said to live elsewhere ("Albanians of southern Serbia"), of the country
    it lives in, when the phrase says ("ethnic Albanians in Macedonia"); else of the event's place (see
    _events_of)."""
    type_code = role_type(phrase)
    country = _residence(head, context)
    return Actor.of(_phrase_text(phrase), country, type_code, ethnic_group=not country)


def _residence(head: Token, context: _ArticleContext) -> str | None:
    """The country of the place a people is said to live in: "in Macedonia", "of southern Serbia"."""
    for token in _located_in(head, ("in", "of", "throughout", "across")):
        entity = context.entities.by_token[token.i]
        if entity is not None and entity.label in _PLACE_LABELS and entity.country_code:
            return entity.country_code
    return None


def _in_place_of_event(actor: Actor, location: dict | None, located: bool, civilians: bool = False) -> Actor:
    """An ethnic group whose phrase names no country of residence lives where the event happens; so do
    people targeted without a country or role other than civilian (civilians): "killed 23 people in Tel
    Aviv", "food aid to refugees in Liberia". An unknown doer ("gunmen") is not placed."""
    placed = actor.ethnic_group or (civilians and not actor.country_code and actor.type_code in (None, "CVL"))
    if not placed or not located or not location or not location["country_code"]:
        return actor
    country = location["country_code"]
    return replace(actor.in_country(country), ethnic_group=False)


def _armed_group_where_it_fights(actor: Actor, place: dict | None, context: _ArticleContext,
                                 unnamed_unknown: bool = False) -> Actor:
    """Armed groups are coded to the country they fight in, and one group keeps one code through an article
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


def _reporting_subject(pronoun: Token) -> Token | None:
    """The speaker a pronoun subject of reported speech refers to: "Iraq said it would allow" -> Iraq."""
    if pronoun.lower_ not in _EN.reported_pronouns or pronoun.dep_ not in ("nsubj", "nsubjpass"):
        return None
    clause = pronoun.head
    while clause.dep_ in ("xcomp", "conj") and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ != "ccomp" and not (clause.dep_ == "acomp" and clause.head.dep_ == "ccomp"):
        return None
    governor = clause.head if clause.dep_ == "ccomp" else clause.head.head
    subject = next((c for c in governor.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ == "PRON":
        return None
    plural = pronoun.lower_ in ("they", "we")
    if pronoun.lower_ == "it" and subject.tag_ in ("NNS", "NNPS"):
        return None
    if plural and subject.tag_ not in ("NNS", "NNPS") and not any(c.dep_ == "conj" for c in subject.children) \
            and subject.ent_type_ not in ("NORP", "ORG"):
        # "U.N. spokesman Chris Gunness says they condemn": a spokesman's "we"/"they" is the organisation
        return next((t for t in subject.lefts if t.ent_type_ == "ORG" or any(
            g.ent_type_ == "ORG" and g.dep_ == "compound" for g in t.lefts)), None)
    return subject


def _coded_organisation_in(tokens: list[Token], context: _ArticleContext) -> ArticleEntity | None:
    """A known organisation modifying a role noun: "U.N. weapons inspectors", "NATO peacekeeping troops"."""
    for token in tokens:
        entity = context.entities.by_token[token.i]
        if entity is not None and entity.actor_code and token.dep_ in ("compound", "amod", "poss", "nmod"):
            return entity
    return None


def _located_in(head: Token, preps: tuple[str, ...] = ("in", "throughout", "across")) -> list[Token]:
    """The place complement of a role noun: "protesters in Belgrade", "students throughout Indonesia";
    of a people also "of": "Albanians of southern Serbia"."""
    return [t for child in head.rights if child.dep_ == "prep" and child.lower_ in preps for t in child.subtree]


def _possessor_actor(head: Token, context: _ArticleContext) -> Actor | None:
    """"the EU's sanctions package", "Malaysia's proposal": the owner is the participant."""
    for child in head.children:
        if child.dep_ == "poss" and child.pos_ != "PRON":
            return _actor(child, context)
    return None


def _entity_actor(entity: ArticleEntity, phrase: list[Token], context: _ArticleContext) -> Actor | None:
    """Capital metonymy makes a government ("Moscow said" -> RUSGOV); other cities are not actors."""
    if entity.actor_code:
        return Actor(entity.canonical, entity.actor_code, entity.country_code, entity.actor_type)
    if entity.label == "PERSON":
        return _person_actor(entity, phrase, context)
    if entity.label in ("ORG", "NORP"):
        country = entity.country_code or _country_in(phrase, context)
        type_code = entity.actor_type or role_type(phrase)
        return Actor.of(entity.canonical, country, type_code)
    if entity.place_kind == "capital":
        return Actor.of(entity.canonical, entity.country_code, "GOV")
    if entity.place_kind == "country" or entity.actor_type:
        type_code = entity.actor_type or role_type(phrase)
        return Actor.of(entity.canonical, entity.country_code, type_code)
    return None


def _person_actor(entity: ArticleEntity, phrase: list[Token], context: _ArticleContext) -> Actor:
    """A person keeps the country and role the article first gave them: "Former Ukrainian PM Yulia
    Tymoshenko" in the headline makes "Yulia V. Tymoshenko" and "Tymoshenko" later Ukrainian. People are
    matched by surname; a surname the article gives two countries is not recalled. A person of a known
    organisation ("U.N. spokesman Chris Gunness") acts for it."""
    country = entity.country_code or _country_in(phrase, context)
    type_code = entity.actor_type or role_type(phrase)
    organisation = None if country else _coded_organisation_in(phrase, context)
    if organisation is not None:  # "U.N. spokesman Chris Gunness" speaks for the UN
        return Actor(entity.canonical, organisation.actor_code, organisation.country_code, organisation.actor_type)
    surname = entity.canonical.split()[-1].lower() if entity.canonical.split() else ""
    known = context.people.get(surname)
    if country and known is None:
        context.people[surname] = (country, type_code)
    elif country and known[0] != country:
        context.people[surname] = (None, None)
    elif not country and known and known[0]:
        country, type_code = known[0], type_code or known[1]
    private = type_code is None and not entity.actor_code
    return Actor.of(entity.canonical, country, type_code, private_person=private)


def _noun_phrase(head: Token) -> list[Token]:
    """The head with its left modifiers and an "of" complement ("the president of France")."""
    tokens = [head]
    for child in head.lefts:
        tokens.extend(child.subtree)
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "from"):
            tokens.extend(child.subtree)
    return sorted(tokens, key=lambda token: token.i)


def _phrase_text(phrase: list[Token]) -> str:
    words = [token for token in phrase if token.dep_ != "det" and not token.is_punct]
    return " ".join(token.text for token in words) or phrase[0].text


def _countries_in(tokens: list[Token], context: _ArticleContext) -> list[str]:
    """Distinct countries named in a phrase, in order."""
    countries = []
    for token in tokens:
        entity = context.entities.by_token[token.i]
        if entity is not None and entity.country_code and entity.label in ("NORP", "GPE", "LOC", "ORG"):
            if entity.country_code not in countries:
                countries.append(entity.country_code)
    return countries


def _country_in(tokens: list[Token], context: _ArticleContext) -> str | None:
    """Country named in a phrase by a nationality, place or national organisation ("Kyiv police"), or by
    the leader a role belongs to ("the Obama administration", "Putin's spokesman")."""
    for token in tokens:
        entity = context.entities.by_token[token.i]
        if entity is not None and entity.country_code and (
            entity.label in ("NORP", "GPE", "LOC", "ORG")
            or (entity.label == "PERSON" and token.dep_ in ("compound", "poss"))
        ):
            return entity.country_code
    return None


def _pairs(actors1: list[Actor], actors2: list[Actor], code: str) -> list[tuple[Actor | None, Actor | None]]:
    """Actor pairs of one trigger; a joint action ("X and Y met", ontology joint_action_*) pairs the subjects
    with each other, also when the only target named has no country ("Israel and Lebanon renewed negotiations
    on a troop pullback"); coordinated doers of any other act did it together, each with no target."""
    countries1 = {actor.country_code for actor in actors1 if actor.country_code}
    if len(countries1) > 1 and not any(actor.country_code or actor.type_code == "IGO" for actor in actors2):
        actors2 = []
    if actors2:
        pairs = [(a1, a2) for a1 in actors1 or [None] for a2 in actors2]
    elif len(actors1) > 1 and (code[:2] in _CAMEO.joint_action_roots or code[:3] in _CAMEO.joint_action_codes):
        pairs = [(a, b) for i, a in enumerate(actors1) for b in actors1[i + 1 :]]
    else:
        pairs = [(actor, None) for actor in actors1]
    if code[:2] in _CAMEO.official_doer_roots:  # "Sabrina from USA is visiting Bhutan": a tourist, no diplomacy
        pairs = [(a1, a2) for a1, a2 in pairs if not (a1 and a1.private_person)]
    return [(a1, a2) for a1, a2 in pairs if a1 != a2 and ((a1 and a1.code) or (a2 and a2.code))]


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


def _location(
    trigger_place: dict | None, sentence: Span, used_tokens: set[int], context: _ArticleContext,
    clause: Token | None = None,
) -> tuple[dict | None, bool]:
    """Where, from the event's own clause or sentence only: the place the trigger is located at, else the
    first place of the sentence that names no participant and is not in the phrase of whoever reports the
    event ("the Pentagon in Washington said jets struck ..."); else None (the caller falls back to an
    actor's country). Never a place from elsewhere in the article: the dateline or the article's first
    place says where the story is set, not where each of its events happened."""
    if trigger_place is not None:
        return trigger_place, True
    by_token = context.entities.by_token
    speakers = _speaker_tokens(clause) if clause is not None else set()
    for token in sentence:
        entity = by_token[token.i]
        if entity is not None and entity.label in _PLACE_LABELS and entity.country_code and \
                token.i not in used_tokens and token.i not in speakers and not _is_dateline(token):
            return _location_of(entity), True
    return None, False


def _speaker_tokens(clause: Token) -> set[int]:
    """Tokens of the subjects of the clauses above the event's own: the reporter and its place."""
    tokens: set[int] = set()
    word = clause
    while word.head.i != word.i:
        word = word.head
        for child in word.children:
            if child.dep_ in ("nsubj", "nsubjpass") and not (child.i <= clause.i and clause.i in {t.i for t in child.subtree}):
                tokens |= {t.i for t in child.subtree}
    return tokens


def _actor_country_place(actor1: Actor | None, actor2: Actor | None, code: str) -> dict | None:
    """An event its sentence does not place is in the doer's country, else the target's; else nowhere. A
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


def _trigger_place(trigger: _Trigger, context: _ArticleContext) -> dict | None:
    """The place the trigger's own "in"/"near"/"at" phrase names ("killed 23 people in Tel Aviv")."""
    for word in (trigger.clause, trigger.word, trigger.complement):
        for child in word.children if word is not None else ():
            if child.dep_ == "prep" and child.lower_ in _EN.locative_preps:
                for pobj in _with_conjuncts([g for g in child.children if g.dep_ == "pobj"]):
                    entity = context.entities.by_token[pobj.i]
                    if entity is not None and entity.label in _PLACE_LABELS:
                        return _location_of(entity)
                    if entity is None and pobj.pos_ == "PROPN":
                        place = _gazetteer_place(pobj)
                        if place is not None:
                            return place
    return None


def _place_after(trigger: _Trigger, sentence: Span, context: _ArticleContext) -> dict | None:
    """The first place named after the trigger ("killed 23 people ... in Tel Aviv"); places before it are
    more often the doer's ("Pakistan, a key U.S. ally, refused ...")."""
    for token in sentence:
        entity = context.entities.by_token[token.i]
        if token.i > trigger.word.i and entity is not None and entity.label in _PLACE_LABELS and entity.country_code:
            return _location_of(entity)
    return None


def _location_of(entity: ArticleEntity) -> dict:
    return builders.location(name=entity.canonical, country_code=entity.country_code, lat=entity.lat, lon=entity.lon)


def _gazetteer_place(token: Token) -> dict | None:
    """A place name the NER missed after "in"/"near" ("near Donetsk"), looked up in the gazetteer."""
    words = [child for child in token.lefts if child.dep_ == "compound"] + [token]
    place = places.resolve_place(" ".join(word.text for word in words))
    if place is None or place.country_code is None:
        return None
    return builders.location(name=place.name, country_code=place.country_code, lat=place.lat, lon=place.lon)


def _event_record(
    article_id: str,
    sentence: Span,
    trigger: _Trigger,
    code: str,
    actor1: Actor | None,
    actor2: Actor | None,
    location: dict | None,
    location_in_sentence: bool,
    when: dates.EventDate,
    lexicon: Lexicon,
) -> dict:
    root = code[:2]
    return builders.event(
        event_id=event_id(article_id, sentence.start_char, code, actor1, actor2),
        event_code=code,
        event_root_code=root,
        plover_type=plover_type(code),
        quad_class=lexicon.quad_class_by_root[root],
        goldstein=lexicon.goldstein.get(code, lexicon.goldstein[root]),
        actor1=actor1.as_record() if actor1 else None,
        actor2=actor2.as_record() if actor2 else None,
        location=location,
        event_date=when.date,
        event_date_precision=when.precision,
        background=when.background,
        sentence=sentence.text.rstrip(),
        sentence_start=sentence.start_char,
        trigger=trigger.word.text,
        confidence=_confidence(trigger, code, actor1, actor2, location_in_sentence),
    )


def event_id(article_id: str, sentence_start: int, code: str, actor1: Actor | None, actor2: Actor | None) -> str:
    """Stable id: the same who-did-what-to-whom in the same sentence is the same event on replay."""

    def key(actor: Actor | None) -> str:
        return (actor.code or actor.name) if actor else ""

    material = "\x1f".join((article_id, str(sentence_start), code, key(actor1), key(actor2)))
    return hashlib.sha1(material.encode("utf-8")).hexdigest()[:16]


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
