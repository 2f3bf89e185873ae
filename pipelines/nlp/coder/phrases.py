"""How the coder reads a phrase of the dependency parse: its words, its head, the countries it names.

Small readings of spaCy tokens ("hundreds of villagers" counts villagers, "X and Y" are conjuncts, a
passive has no active subject, "BRUSSELS —" is a dateline) that triggers, participants and places all use.
"""

from __future__ import annotations

from spacy.tokens import Token

from pipelines.nlp.coder.lexicon import _EN
from pipelines.nlp.coder.context import _ArticleContext


def _is_headline(sentence) -> bool:
    """A sentence with no final full stop (or closing quote after one; language final_marks): a headline, which
    drops "was" and "is" ("Ex-PM arrested"), so its grammar is read differently."""
    words = [token for token in sentence if not token.is_space]
    return bool(words) and words[-1].text not in _EN.final_marks


def _counted_noun(word: Token) -> Token:
    """What a quantity counts: "hundreds of villagers" -> villagers."""
    if word.lemma_.lower() not in _EN.quantity_nouns:
        return word
    return _of_object(word) or word


def _of_object(word: Token) -> Token | None:
    """The object of the word's "of" complement: "thousands of students" -> students."""
    return next((g for c in word.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                 if g.dep_ == "pobj"), None)


def _direct_object(verb: Token) -> Token | None:
    """What the verb acts on: the direct object, or the subject of a passive."""
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            return child
    return None


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


def _is_active(verb: Token) -> bool:
    """False for passives ("individuals who were charged", "people killed by")."""
    return verb.tag_ != "VBN" and not any(child.dep_ in ("nsubjpass", "auxpass") for child in verb.children)


def _with_conjuncts(tokens: list[Token]) -> list[Token]:
    seen, result = set(), []
    for token in tokens:
        for member in (token, *token.conjuncts):
            if member.i not in seen:
                seen.add(member.i)
                result.append(member)
    return result


def _located_in(head: Token, preps: tuple[str, ...] = ("in", "throughout", "across")) -> list[Token]:
    """The place complement of a role noun: "protesters in Belgrade", "students throughout Indonesia";
    of a people also "of": "Albanians of southern Serbia"."""
    return [t for child in head.rights if child.dep_ == "prep" and child.lower_ in preps for t in child.subtree]


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
