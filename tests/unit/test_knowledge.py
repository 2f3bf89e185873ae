"""The CAMEO ontology and the English word lists are data files, validated on load."""

import pytest
import yaml

from pipelines.nlp import data_files, knowledge
from pipelines.nlp.data_files import DataFileError


def _copy(tmp_path, filename, edit):
    data = data_files.read_yaml(data_files.data_path(filename))
    edit(data)
    path = tmp_path / filename.rsplit("/", 1)[-1]
    path.write_text(yaml.safe_dump(data), "utf-8")
    return path


def test_packaged_knowledge_loads():
    known = knowledge.coder_knowledge("en")
    assert known.cameo.statement_code == "010"
    assert known.cameo.place_target_roots == known.cameo.violent_roots | {known.cameo.protest_root}
    assert "say" in known.language.plain_reporting_lemmas and "claim" in known.language.plain_reporting_lemmas
    assert known.cameo.refusal_codes["04"] == "125" and known.cameo.intent_codes["03"] is None


def test_ontology_unknown_key_is_an_error(tmp_path):
    path = _copy(tmp_path, "cameo_ontology.yaml", lambda data: data.__setitem__("violent_root", ["18"]))
    with pytest.raises(DataFileError, match=r"cameo_ontology\.yaml: unknown key 'violent_root'"):
        knowledge.load_ontology(path)


def test_ontology_missing_key_is_an_error(tmp_path):
    path = _copy(tmp_path, "cameo_ontology.yaml", lambda data: data.pop("demand_code"))
    with pytest.raises(DataFileError, match=r"cameo_ontology\.yaml: missing key 'demand_code'"):
        knowledge.load_ontology(path)


@pytest.mark.parametrize("key, value", [("violent_roots", ["18", "190"]), ("statement_code", "10"),
                                        ("refusal_codes", {"03": "12"}), ("domestic_types", ["gov"]),
                                        ("visit_codes", ["042", "042"]), ("material_quad_classes", [2, 5]),
                                        ("crowd_control_doer_types", ["police"]),
                                        ("unknown_doer_code_map", {"190": "18"}),
                                        ("foreign_target_code_map", {"17": "163"})])
def test_ontology_malformed_code_is_an_error(tmp_path, key, value):
    path = _copy(tmp_path, "cameo_ontology.yaml", lambda data: data.__setitem__(key, value))
    with pytest.raises(DataFileError, match=rf"cameo_ontology\.yaml: {key}"):
        knowledge.load_ontology(path)


def test_language_unknown_key_is_an_error(tmp_path):
    path = _copy(tmp_path, "lang/en.yaml", lambda data: data.__setitem__("weapon", ["gun"]))
    with pytest.raises(DataFileError, match=r"en\.yaml: unknown key 'weapon'"):
        knowledge.load_language("en", path)


def test_language_non_word_is_an_error(tmp_path):
    path = _copy(tmp_path, "lang/en.yaml", lambda data: data.__setitem__("modals", ["may", True]))
    with pytest.raises(DataFileError, match=r"en\.yaml: modals: True is not a word"):
        knowledge.load_language("en", path)
