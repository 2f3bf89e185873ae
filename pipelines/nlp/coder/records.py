"""The event record of a coded event, and its stable id (the same event on replay has the same id)."""

from __future__ import annotations

import hashlib

from spacy.tokens import Span

from pipelines.nlp import builders, dates
from pipelines.nlp.plover import plover_type
from pipelines.nlp.coder.lexicon import Lexicon
from pipelines.nlp.coder.context import Actor
from pipelines.nlp.coder.triggers import _Trigger
from pipelines.nlp.coder.selection import _confidence


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
