"""Turn an annotated doc into the Avro records of schemas/: AnnotatedArticle and flat EventRows.

Pure functions over plain dicts, so the Beam transforms, the CLI and the tests share them.

The coder (`events.code_events`) gives one event per mention, with its raw evidence score. The article's
events (`article_events`) merge mentions of one event: same CAMEO root, same actor1 and actor2 codes, same
event date. The merged record is the first mention's (its event_id, code, sentence, trigger, place), with
`mentions` (sentences that report it) and `mention_sentences` (their offsets); its confidence is the
calibrated best raw score among the mentions (pipelines/nlp/calibration.py; a partial event's stays at most
PARTIAL_CONFIDENCE, its flag), and it is background only when
every mention is. `selected_events` then leaves out background events (unless include_background) and events
below min_confidence: what stream, extract and backfill emit.
"""

from __future__ import annotations

from spacy.tokens import Doc

from pipelines.nlp import builders, calibration, labels
from pipelines.nlp.entities import extract_entities
from pipelines.nlp.coder import PARTIAL_CONFIDENCE, Lexicon, code_events

_ACTOR_FIELDS = builders.field_names("Actor")
_LOCATION_FIELDS = builders.field_names("Location")


def article_text(article: dict) -> str:
    """The text the model reads: title, blank line, body. Every character offset refers to it."""
    return f"{article.get('title') or ''}\n\n{article['body']}"


def annotated_record(
    doc: Doc,
    article: dict,
    *,
    model: str,
    pipeline_version: str,
    processed_at: str,
    origin: dict | None,
    include_background: bool = False,
    min_confidence: float = 0.0,
    lexicon: Lexicon | None = None,
) -> dict:
    """The AnnotatedArticle record of one article, from the doc of its article_text (coded with LEXICON,
    default the packaged trigger lexicon)."""
    if doc.text != article_text(article):
        raise ValueError(f"doc text is not article_text() of article {article['id']!r}: offsets would be wrong")
    return builders.annotated_article(
        article_id=article["id"],
        url=article["url"],
        source=article["source"],
        title=article.get("title") or "",
        published_at=article.get("published_at"),
        processed_at=processed_at,
        language=article.get("language"),
        entities=extract_entities(doc),
        events=selected_events(article_events(doc, article_id=article["id"], published_at=article.get("published_at"),
                                              lexicon=lexicon),
                               include_background=include_background, min_confidence=min_confidence),
        model=model,
        pipeline_version=pipeline_version,
        origin=origin,
    )


def article_events(doc: Doc, *, article_id: str, published_at: str | None,
                   lexicon: Lexicon | None = None) -> list[dict]:
    """Every event of the article once, its mentions merged and its confidence calibrated; background kept,
    flagged. A partial event (--allow-partial) keeps its flag: its confidence stays at most PARTIAL_CONFIDENCE."""
    merged = merge_mentions(code_events(doc, article_id=article_id, published_at=published_at, lexicon=lexicon))
    return [{**event, "confidence": _calibrated(event["confidence"])} for event in merged]


def _calibrated(raw: float) -> float:
    """The table's confidence; a partial event's (the coder caps its raw score at PARTIAL_CONFIDENCE and scores
    every placed event above that, selection._confidence) stays at most PARTIAL_CONFIDENCE."""
    confidence = calibration.calibrated(raw)
    return min(confidence, PARTIAL_CONFIDENCE) if raw <= PARTIAL_CONFIDENCE else confidence


def merge_key(event: dict) -> tuple:
    def code(actor):
        return actor["code"] if actor else None

    return event["event_root_code"], code(event["actor1"]), code(event["actor2"]), event["event_date"]


def merge_mentions(mentions: list[dict]) -> list[dict]:
    """One event per merge_key, in order of first mention: the first mention's record with every mention counted."""
    groups: dict[tuple, list[dict]] = {}
    for mention in mentions:
        groups.setdefault(merge_key(mention), []).append(mention)
    merged = []
    for group in groups.values():
        sentences = sorted({(m["sentence_start"], m["sentence_start"] + len(m["sentence"])) for m in group})
        merged.append(builders.event(**{
            **group[0],
            "mentions": len(sentences),
            "mention_sentences": [{"start": start, "end": end} for start, end in sentences],
            "confidence": max(m["confidence"] for m in group),
            "background": all(m["background"] for m in group),
        }))
    return merged


def selected_events(events: list[dict], *, include_background: bool = False, min_confidence: float = 0.0) -> list[dict]:
    """The events to emit: background ones only with include_background, none below min_confidence."""
    return [event for event in events
            if (include_background or not event["background"]) and event["confidence"] >= min_confidence]


def with_selected_events(annotated: dict, *, include_background: bool = False, min_confidence: float = 0.0) -> dict:
    """The AnnotatedArticle with only the events selected_events keeps."""
    return {**annotated, "events": selected_events(annotated["events"], include_background=include_background,
                                                   min_confidence=min_confidence)}


def mention_events(event: dict) -> list[dict]:
    """The event once per mention sentence (sentence_start set to it): for scoring sentence by sentence."""
    starts = [mention["start"] for mention in event.get("mention_sentences") or []] or [event["sentence_start"]]
    return [{**event, "sentence_start": start} for start in starts]


def event_rows(annotated: dict) -> list[dict]:
    """One flat EventRow per event of an AnnotatedArticle record, each code with its label.

    Raises labels.UnknownCode for a code no label table lists (a coder bug, not bad input).
    """
    return [_event_row(annotated, event) for event in annotated["events"]]


def _event_row(annotated: dict, event: dict) -> dict:
    flat = {}
    for role in ("actor1", "actor2"):
        flat.update(_flatten(role, event[role], _ACTOR_FIELDS))
        flat[f"{role}_country_name"] = labels.country_name(flat[f"{role}_country_code"])
        flat[f"{role}_type_name"] = labels.actor_type_name(flat[f"{role}_type_code"])
    flat.update(_flatten("location", event["location"], _LOCATION_FIELDS))
    flat["location_country_name"] = labels.country_name(flat["location_country_code"])
    return builders.event_row(
        event_id=event["event_id"],
        article_id=annotated["article_id"],
        url=annotated["url"],
        source=annotated["source"],
        published_at=annotated["published_at"],
        event_date=event["event_date"],
        event_code=event["event_code"],
        event_root_code=event["event_root_code"],
        plover_type=event.get("plover_type"),
        quad_class=event["quad_class"],
        goldstein=event["goldstein"],
        sentence=event["sentence"],
        confidence=event["confidence"],
        title=annotated.get("title"),
        trigger=event.get("trigger"),
        event_date_precision=event.get("event_date_precision", "day"),
        background=event.get("background", False),
        mentions=event.get("mentions", 1),
        event_description=labels.cameo_description(event["event_code"]),
        event_root_description=labels.cameo_description(event["event_root_code"]),
        quad_class_name=labels.quad_class_name(event["quad_class"]),
        **flat,
    )


def _flatten(prefix: str, record: dict | None, fields: tuple[str, ...]) -> dict:
    return {f"{prefix}_{name}": record[name] if record else None for name in fields}
