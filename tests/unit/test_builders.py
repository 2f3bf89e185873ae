"""Each record is built in one place (pipelines/nlp/builders.py) and follows its .avsc: every schema field, no other."""

import json

import pytest

from pipelines import schemas
from pipelines.nlp import builders

ACTOR = {"name": "Russia", "code": "RUS"}
LOCATION = {"name": "Kyiv"}
ENTITY = {"text": "Kyiv", "label": "GPE", "canonical": "Kyiv", "count": 1, "start_char": 0}
EVENT = {"event_id": "e1", "event_code": "190", "event_root_code": "19", "quad_class": 4, "goldstein": -10.0,
         "sentence": "Russia attacked Kyiv.", "confidence": 0.5}
ARTICLE = {"article_id": "a1", "processed_at": "2020-01-01T00:00:00Z", "entities": [], "events": [],
           "model": "m", "pipeline_version": "0"}
ROW = {"event_id": "e1", "article_id": "a1", "event_code": "190", "event_root_code": "19", "quad_class": 4,
       "goldstein": -10.0, "sentence": "s", "confidence": 0.5}


def _schema_fields(schema_name: str, record: str) -> list[str]:
    """Field names of a named record, read straight from the .avsc text (not through the builders' reader)."""
    found = {}

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "record":
                found[node["name"]] = [field["name"] for field in node["fields"]]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads((schemas.SCHEMA_DIR / f"{schema_name}.avsc").read_text()))
    return found[record]


@pytest.mark.parametrize("builder, record, schema_name, minimal", [
    (builders.actor, "Actor", schemas.ANNOTATED_ARTICLE, ACTOR),
    (builders.location, "Location", schemas.ANNOTATED_ARTICLE, LOCATION),
    (builders.entity, "Entity", schemas.ANNOTATED_ARTICLE, ENTITY),
    (builders.event, "Event", schemas.ANNOTATED_ARTICLE, EVENT),
    (builders.annotated_article, "AnnotatedArticle", schemas.ANNOTATED_ARTICLE, ARTICLE),
    (builders.event_row, "EventRow", schemas.EVENT_ROW, ROW),
])
def test_each_builder_gives_exactly_its_schema_fields(builder, record, schema_name, minimal):
    assert list(builder(**minimal)) == _schema_fields(schema_name, record)


def test_built_records_validate_against_the_schema():
    event = builders.event(**EVENT, actor1=builders.actor(**ACTOR), location=builders.location(**LOCATION))
    article = builders.annotated_article(**{**ARTICLE, "events": [event], "entities": [builders.entity(**ENTITY)]})
    schemas.check(article, schemas.ANNOTATED_ARTICLE)
    schemas.check(builders.event_row(**ROW), schemas.EVENT_ROW)


def test_unknown_or_missing_fields_are_errors():
    with pytest.raises(TypeError, match="no field"):
        builders.actor(**ACTOR, colour="red")
    with pytest.raises(TypeError, match="needs 'code'"):
        builders.actor(name="Russia")


def test_defaults_are_not_shared_between_records():
    first = builders.event(**EVENT)
    for name, value in first.items():
        if isinstance(value, (list, dict)):
            value.append(1) if isinstance(value, list) else value.update(x=1)
            assert builders.event(**EVENT)[name] != value
