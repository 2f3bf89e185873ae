"""Turn an annotated doc into the Avro records of schemas/: AnnotatedArticle and flat EventRows.

Pure functions over plain dicts, so the Beam transforms, the CLI and the tests share them.
"""

from __future__ import annotations

from spacy.tokens import Doc

from pipelines.nlp import builders, labels
from pipelines.nlp.entities import extract_entities
from pipelines.nlp.events import code_events

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
) -> dict:
    """The AnnotatedArticle record of one article, from the doc of its article_text."""
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
        events=code_events(doc, article_id=article["id"], published_at=article.get("published_at")),
        model=model,
        pipeline_version=pipeline_version,
        origin=origin,
    )


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
