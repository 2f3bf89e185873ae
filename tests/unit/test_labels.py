"""Label tables: validated when loaded, complete for every code the coder emits; event rows carry the labels."""

import json
import re

import pytest
import yaml
from fastavro.validation import validate

from pipelines import schemas
from pipelines.nlp import labels
from pipelines.nlp.data_tables import tsv_rows
from pipelines.nlp.records import event_rows
from tests.unit.test_schemas import ANNOTATED

DATA = labels.__file__.rsplit("/", 1)[0] + "/data/"


def test_every_lexicon_code_and_root_has_a_description():
    lexicon = yaml.safe_load(open(DATA + "cameo_triggers.yaml"))
    text = open(DATA + "cameo_triggers.yaml").read()
    codes = set(lexicon["goldstein"]) | set(re.findall(r'"(\d{2,4})"', text))
    codes |= {f"{root:02d}" for root in range(1, 21)}
    assert codes and all(labels.cameo_description(code) for code in codes)
    assert labels.cameo_description("057") == "Sign formal agreement"
    assert labels.cameo_description("19") == "Fight"


def test_every_plover_table_code_is_a_cameo_code():
    assert all(labels.cameo_description(row["cameo"]) for row in tsv_rows("cameo_plover.tsv"))


def test_every_actor_type_the_coder_can_emit_has_a_name():
    roles = json.load(open(DATA + "actor_roles.json"))
    types = set(roles["roles"]) | set(roles["type_priority"])
    types |= {row["type"] for row in tsv_rows("groups.tsv")} | {row["type"] for row in tsv_rows("leaders.tsv")}
    types |= set(re.findall(r'"type":\s*"([A-Z]{3})"', open(DATA + "gazetteer.json").read()))
    assert all(labels.actor_type_name(code) for code in types)
    assert labels.actor_type_name(None) is None


def test_quad_classes_and_countries():
    assert [labels.quad_class_name(q) for q in (1, 2, 3, 4)] == [
        "Verbal cooperation", "Material cooperation", "Verbal conflict", "Material conflict"]
    assert labels.country_name("RUS") == "Russia" and labels.country_name("XKX") == "Kosovo"
    assert labels.country_name(None) is None


@pytest.mark.parametrize("lookup, code", [(labels.cameo_description, "999"), (labels.cameo_description, "19x"),
                                          (labels.quad_class_name, 5), (labels.actor_type_name, "XYZ"),
                                          (labels.country_name, "ZZZ")])
def test_an_unknown_code_is_an_error(lookup, code):
    with pytest.raises(labels.UnknownCode):
        lookup(code)


@pytest.mark.parametrize("rows, message", [
    ([{"code": "01", "description": "x", "extra": "y"}], "columns"),
    ([{"code": "01"}], "columns"),
    ([{"code": "01", "description": "a"}, {"code": "01", "description": "b"}], "twice"),
    ([{"code": "1a", "description": "a"}], "does not match"),
    ([{"code": "01", "description": " "}], "no description"),
    ([], "empty"),
])
def test_a_malformed_table_is_rejected(rows, message):
    with pytest.raises(labels.LabelTableError, match=message):
        labels.validated_table("t.tsv", "code", "description", r"\d{2,4}", rows=rows)


def test_event_rows_carry_every_label():
    annotated = {**ANNOTATED, "title": "Troops attack"}
    annotated["events"] = [{**ANNOTATED["events"][0], "actor2": {"name": "Ukraine's army", "code": "UKRMIL",
                                                                  "country_code": "UKR", "type_code": "MIL"}}]
    (row,) = event_rows(annotated)
    assert validate(row, schemas.schema(schemas.EVENT_ROW), strict=True)
    assert row["event_description"] == "Use conventional military force, not specified below"
    assert row["event_root_description"] == "Fight"
    assert row["quad_class_name"] == "Material conflict"
    assert row["plover_type"] == "ASSAULT"
    assert (row["actor1_name"], row["actor1_code"], row["actor1_country_name"], row["actor1_type_name"]) == (
        "Russian troops", "RUSMIL", "Russia", "Military")
    assert (row["actor2_country_name"], row["location_name"], row["location_country_name"]) == ("Ukraine", "Kyiv", "Ukraine")
    assert (row["event_date"], row["url"], row["sentence"], row["title"], row["trigger"]) == (
        "2020-01-01", "https://x.org/1", "Russian troops attacked Kyiv.", "Troops attack", "attacked")


def test_an_event_row_of_an_unknown_code_is_an_error():
    broken = {**ANNOTATED, "events": [{**ANNOTATED["events"][0], "event_code": "999"}]}
    with pytest.raises(labels.UnknownCode):
        event_rows(broken)
