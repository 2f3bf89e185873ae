"""Whether a trigger reports an event that happened, one the text announces, or none.

Negated, possible ("could"), conditional and merely intended triggers are not events of their kind; an
announced event ("will visit", "said they would boycott") is coded as CAMEO does, as an intent (03x), a
threat (13x) or a refusal (12x). Background clauses ("where 28 people were killed") give circumstances,
not events, and are not coded.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from pipelines.nlp.coder.lexicon import Lexicon, _CAMEO, _EN
from pipelines.nlp.coder.phrases import _is_headline
from pipelines.nlp.coder.triggers import _Trigger


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
    if _is_standing_status(clause):
        return False
    if clause.dep_ == "conj" and clause.head.pos_ == "VERB":
        return not any(c.dep_ == "aux" and (c.tag_ == "MD" or c.lower_ in _EN.modals) for c in clause.head.children)
    return True


def _is_question(sentence: Span) -> bool:
    """A sentence that ends in a question mark asks and asserts nothing ("How could he have access to the
    records of each person who occupied the church?"): the conventions code only what a sentence asserts."""
    words = [token for token in sentence if not token.is_space and token.text not in _EN.closing_marks]
    return bool(words) and words[-1].text == "?"


def _is_standing_status(clause: Token) -> bool:
    """"Khadr is charged with murder", "he is wanted for fraud": a present passive of a status participle
    with no date says how things stand, not that something happened (a dated one, "is charged on Monday",
    and a headline's "is arrested" are events)."""
    if clause.lower_ not in _EN.status_participles or not any(
            child.dep_ == "auxpass" and child.lower_ in ("is", "are") for child in clause.children):
        return False
    if any(token.ent_type_ in ("DATE", "TIME") for token in clause.subtree):
        return False
    return not _is_headline(clause.sent)


def _is_background(trigger: _Trigger) -> bool:
    """Circumstances a sentence gives for its main event, not events it reports: a place or time relative
    clause ("Montenegro, where 28 people have been killed"), a reduced passive relative ("property
    seized by government forces"), an "as"/"since"/"after" clause, an event noun
    after "after", "following", "because of", "amid" ("because of fighting between ..."), a perfect over a
    time span (language span_preps)."""
    clause = trigger.clause
    if clause.dep_ == "relcl":
        for child in clause.children:
            if child.tag_ == "WRB" or (child.dep_ == "prep" and any(g.tag_ == "WDT" for g in child.children)):
                return True
    if clause.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _EN.background_marks for c in clause.children):
        return True
    if clause.dep_ == "acl" and clause.tag_ == "VBN" and not _is_headline_predicate(clause):
        return True
    if clause.dep_ in ("relcl", "acl") and clause.head.lemma_.lower() in _EN.occasion_nouns and any(
            child.ent_type_ == "ORDINAL" for child in clause.head.children):
        return True  # "this is the second time that Khalil was thrown out": a count of a known event
    if any(c.dep_ == "advmod" and c.lower_ in _EN.background_adverbs for c in clause.children):
        return True  # "Khadr was previously charged by the commission"
    if _is_perfect_over_a_span(clause):
        return True  # "the president has blamed Democratic leaders throughout 2020": a standing practice
    if clause.pos_ == "NOUN":
        head = clause.head
        while head.dep_ in ("pobj", "pcomp", "prep") and head.head.i != head.i and head.lower_ not in _EN.background_preps:
            head = head.head
        if head.dep_ == "prep" and head.lower_ in _EN.background_preps:
            return True
    return False


def _is_headline_predicate(participle: Token) -> bool:
    """"Mongolia: Ex-president arrested for corruption", "Senior official executed for spying", "6,500 civilians
    killed in Sri Lanka, UN reports": in a headline with no other finite verb than a reporting one, a past
    participle on a noun is the headline's passive predicate with "was" dropped, not a reduced relative giving
    background."""
    sentence = participle.sent
    return _is_headline(sentence) and not any(
        token.tag_ in _EN.finite_verb_tags and token.lemma_.lower() not in _EN.plain_reporting_lemmas
        for token in sentence if token.i != participle.i)


def _is_perfect_over_a_span(clause: Token) -> bool:
    """A perfect tense with a time span ("has blamed them throughout 2020", "have protested since May", "more than
    1,000 people have been arrested since the protests began"): a practice or a tally, not one event."""
    if not any(child.dep_ == "aux" and child.lemma_.lower() == "have" for child in clause.children):
        return False
    if any(child.dep_ == "prep" and child.lower_ in _EN.span_preps
           and any(token.ent_type_ == "DATE" for token in child.subtree) for child in clause.children):
        return True
    return _is_tally(clause) and any(  # "more than 1,000 people have been arrested since the protests began"
        child.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in _EN.span_preps for g in child.children)
        for child in clause.children)


def _is_tally(clause: Token) -> bool:
    """A clause whose subject is counted ("more than 1,000 people", "dozens"): a running total."""
    return any(child.dep_ in ("nsubj", "nsubjpass") and (child.pos_ == "NUM" or any(
        g.dep_ in ("nummod", "quantmod") for g in child.children)) for child in clause.children)


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


def _governor_lemma(clause: Token) -> str:
    """The verb a prepositional clause hangs from: "refrained" in "refrained from criticising"."""
    return clause.head.head.lemma_.lower()


def _is_negated_noun(noun: Token) -> bool:
    """"Neither India nor China", "No troops": a subject that says nobody did it."""
    return any(child.dep_ in ("preconj", "det") and child.lower_ in ("neither", "no") for child in noun.children)
