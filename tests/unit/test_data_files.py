"""Every data file the coder loads is validated: an unknown key or column is an error naming file and key."""

import json

import pytest

from pipelines.nlp import coder, data_files, entities, places
from pipelines.nlp.data_files import DataFileError
from pipelines.nlp.data_tables import COLUMNS, tsv_rows


def test_packaged_files_are_valid():
    assert coder.load_lexicon().verbs
    assert entities.load_actor_roles()["roles"]
    assert places.load_gazetteer()["organizations"]
    for filename in COLUMNS:
        assert tsv_rows(filename)


def _lexicon_text(tmp_path, edit):
    data = data_files.read_yaml(data_files.data_path("cameo_triggers.yaml"))
    edit(data)
    path = tmp_path / "cameo_triggers.yaml"
    path.write_text(json.dumps(data), "utf-8")  # JSON is YAML
    return path


def test_lexicon_misspelt_verb_key_is_an_error(tmp_path):
    path = _lexicon_text(tmp_path, lambda data: data["verbs"].__setitem__("attack", {"code": "190", "partciles": {}}))
    with pytest.raises(DataFileError, match=r"cameo_triggers\.yaml.*'partciles'.*verbs: attack"):
        coder.load_lexicon(path)


def test_lexicon_unknown_top_level_key_is_an_error(tmp_path):
    path = _lexicon_text(tmp_path, lambda data: data.__setitem__("light_verb", ["hold"]))
    with pytest.raises(DataFileError, match=r"cameo_triggers\.yaml: unknown key 'light_verb'"):
        coder.load_lexicon(path)


def test_lexicon_flag_that_is_not_true_or_false_is_an_error(tmp_path):
    path = _lexicon_text(tmp_path, lambda data: data["verbs"].__setitem__("march", {"code": "141", "intransitive": "yes"}))
    with pytest.raises(DataFileError, match=r"cameo_triggers\.yaml: verbs: march: intransitive: expected true or false"):
        coder.load_lexicon(path)


def test_lexicon_schema_unknown_kind_is_an_error(tmp_path):
    from pipelines.nlp.coder.lexicon import load_lexicon_schema

    schema = data_files.read_yaml(data_files.data_path("lexicon_schema.yaml"))
    schema["verb_keys"]["intransitive"] = "boolean"
    path = tmp_path / "lexicon_schema.yaml"
    path.write_text(json.dumps(schema), "utf-8")
    with pytest.raises(DataFileError, match=r"lexicon_schema\.yaml: verb_keys: intransitive: unknown kind 'boolean'"):
        load_lexicon_schema(path)


def test_lexicon_malformed_code_is_an_error(tmp_path):
    path = _lexicon_text(tmp_path, lambda data: data["nouns"].__setitem__("raid", "19x"))
    with pytest.raises(DataFileError, match=r"cameo_triggers\.yaml: nouns: raid: '19x'"):
        coder.load_lexicon(path)


def test_actor_roles_unknown_key_is_an_error(tmp_path):
    path = tmp_path / "actor_roles.json"
    path.write_text(json.dumps({"type_priority": ["GOV"], "roles": {"GOV": ["minister"]}, "role": {}}), "utf-8")
    with pytest.raises(DataFileError, match=r"actor_roles\.json: unknown key 'role'"):
        entities.load_actor_roles(path)


def test_actor_roles_type_outside_priority_is_an_error(tmp_path):
    path = tmp_path / "actor_roles.json"
    path.write_text(json.dumps({"type_priority": ["GOV"], "roles": {"GOV": ["minister"], "MLI": ["soldier"]}}), "utf-8")
    with pytest.raises(DataFileError, match=r"actor_roles\.json: unknown key 'MLI' in roles"):
        entities.load_actor_roles(path)


def test_gazetteer_unknown_key_is_an_error(tmp_path):
    path = tmp_path / "gazetteer.json"
    path.write_text(json.dumps({"organizations": [{"name": "UN", "cod": "IGOUNO"}]}), "utf-8")
    with pytest.raises(DataFileError, match=r"gazetteer\.json: unknown key 'cod' in organizations\[1\]"):
        places.load_gazetteer(path)
    path.write_text(json.dumps({"metonym": {}}), "utf-8")
    with pytest.raises(DataFileError, match=r"gazetteer\.json: unknown key 'metonym'"):
        places.load_gazetteer(path)


def test_tsv_unknown_column_is_an_error(tmp_path):
    path = tmp_path / "groups.tsv"
    path.write_text("# a comment\nname\taliases\tcountry\ttype\tnote\nPKK\t\tTUR\tREB\tx\n", "utf-8")
    with pytest.raises(DataFileError, match=r"groups\.tsv: unknown column 'note'"):
        tsv_rows("groups.tsv", path)


def test_tsv_missing_column_is_an_error(tmp_path):
    path = tmp_path / "leaders.tsv"
    path.write_text("name\tsurname\tcountry\ttype\nVladimir Putin\tPutin\tRUS\tGOV\n", "utf-8")
    with pytest.raises(DataFileError, match=r"leaders\.tsv: missing column 'alt'"):
        tsv_rows("leaders.tsv", path)
