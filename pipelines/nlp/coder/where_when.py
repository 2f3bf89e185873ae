"""Where an event happened, and its date.

The place comes from the event's own clause or sentence only (a dateline says where the story is set, not
where each event happened); without one, conventions.unplaced_event_in_actor_country places it. The date
is pipelines/nlp/dates.py's reading of the trigger's clause (_event_date).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from pipelines.nlp import builders, dates, places
from pipelines.nlp.coder.lexicon import Lexicon, _EN
from pipelines.nlp.coder.context import _ArticleContext, _location_of
from pipelines.nlp.coder.phrases import _direct_object, _is_dateline, _with_conjuncts
from pipelines.nlp.coder.triggers import _Trigger


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
    return [_location_of(e) for e in entities if e is not None and e.label in _EN.place_labels and e.country_code]


def _location(
    trigger_place: dict | None, sentence: Span, used_tokens: set[int], context: _ArticleContext,
    clause: Token | None = None, event_word: Token | None = None,
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
        if entity is not None and entity.label in _EN.place_labels and entity.country_code and \
                token.i not in used_tokens and token.i not in speakers and not _is_dateline(token) and \
                not (clause is not None and _in_other_event_phrase(token, clause, event_word, context.lexicon)) and \
                not _in_topic_phrase(token, context):
            return _location_of(entity), True
    return None, False


def _in_topic_phrase(token: Token, context: _ArticleContext) -> bool:
    """Whether the place is inside what the event is about, not where it happened: "EU imposes sanctions on
    Iranian firms over drone transfers to Russia" (language topic_preps). "Jets flew over Lebanon" names the
    place itself as the object of "over", and is its location."""
    entity = context.entities.by_token[token.i]
    for ancestor in token.ancestors:
        if ancestor.dep_ == "prep" and ancestor.lower_ in _EN.topic_preps:
            objects = [child for child in ancestor.children if child.dep_ in ("pobj", "pcomp")]
            return any(context.entities.by_token[obj.i] is not entity for obj in objects)
    return False


def _in_other_event_phrase(token: Token, clause: Token, event_word: Token | None, lexicon: Lexicon) -> bool:
    """Whether the place is in the phrase of another event's noun on the way up to the event's clause:
    "Following an attack on Israel, the minister declared a state of emergency": Israel is where the attack
    was, not where the emergency was declared."""
    for ancestor in token.ancestors:
        if ancestor.i == clause.i or (event_word is not None and ancestor.i == event_word.i):
            return False
        if ancestor.dep_ in ("dobj", "attr", "oprd") and ancestor.head.i == clause.i:
            return False  # the clause's own object ("imposed a curfew in northern Syria") is this event's
        if ancestor.pos_ == "NOUN" and ancestor.lemma_.lower() in lexicon.nouns:
            return True
    return False


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


def _trigger_place(trigger: _Trigger, context: _ArticleContext) -> dict | None:
    """The place the trigger's own "in"/"near"/"at" phrase names ("killed 23 people in Tel Aviv")."""
    for word in (trigger.clause, trigger.word, trigger.complement):
        for child in word.children if word is not None else ():
            if child.dep_ == "prep" and child.lower_ in _EN.locative_preps:
                for pobj in _with_conjuncts([g for g in child.children if g.dep_ == "pobj"]):
                    entity = context.entities.by_token[pobj.i]
                    if entity is not None and entity.label in _EN.place_labels:
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
        if token.i > trigger.word.i and entity is not None and entity.label in _EN.place_labels and entity.country_code:
            return _location_of(entity)
    return None


def _gazetteer_place(token: Token) -> dict | None:
    """A place name the NER missed after "in"/"near" ("near Donetsk"), looked up in the gazetteer."""
    words = [child for child in token.lefts if child.dep_ == "compound"] + [token]
    place = places.resolve_place(" ".join(word.text for word in words))
    if place is None or place.country_code is None:
        return None
    return builders.location(name=place.name, country_code=place.country_code, lat=place.lat, lon=place.lon)


def _event_date(trigger: _Trigger, sentence: Span, context: _ArticleContext) -> dates.EventDate:
    """When the event happened: the date its clause gives, relative to the publication date."""
    return dates.event_date(trigger.clause, sentence, context.published, event_noun=trigger.word)
