"""What the coder knows, as data: the trigger lexicon, the CAMEO code algebra and the English words.

The trigger lexicon (data/cameo_triggers.yaml) maps verbs and event nouns to CAMEO codes; it is validated
on load so that a misspelt key or a malformed code is an error naming the file, not a silently unused
entry. The CAMEO code algebra (data/cameo_ontology.yaml, _CAMEO) and the English words the rules read
(data/lang/en.yaml, _EN) come from pipelines/nlp/knowledge.py. Adding a verb is a change to these files.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

from pipelines.nlp import data_files, knowledge


_KNOWLEDGE = knowledge.coder_knowledge("en")
_CAMEO = _KNOWLEDGE.cameo
"""The CAMEO code algebra: data/cameo_ontology.yaml."""
_EN = _KNOWLEDGE.language
"""The English words the rules read: data/lang/en.yaml."""


@dataclass(frozen=True)
class Lexicon:
    """The trigger lexicon and the CAMEO tables, as loaded from data/cameo_triggers.yaml."""

    verbs: dict[str, dict]
    nouns: dict[str, dict]
    light_verbs: frozenset[str]
    patient_light_verbs: frozenset[str]
    """Verbs whose object names an event done to their subject ("received a sentence", "faces charges")."""
    realizing_heads: frozenset[str]
    denying_heads: frozenset[str]
    abstaining_heads: frozenset[str]
    non_agent_causes: frozenset[str]
    place_measures: frozenset[str]
    sports_cues: frozenset[str]
    sports_weak_cues: frozenset[str]
    goldstein: dict[str, float]
    quad_class_by_root: dict[str, int]


_LEXICON_FILE = "cameo_triggers.yaml"
_LEXICON_REQUIRED = frozenset(field.name for field in fields(Lexicon))
"""Top-level keys of the lexicon: the fields of Lexicon, plus the YAML anchors the verbs reuse."""
_LEXICON_KEYS = _LEXICON_REQUIRED | {"intent_xcomp", "appeal_xcomp"}
_VERB_KEYS = frozenset({"code", "intransitive", "object_is_instrument", "objects", "preps", "particles", "xcomp",
                        "subject_types", "subject_infinitive"})
_NOUN_KEYS = frozenset({"code", "modifiers"})
_REFINED_KEYS = frozenset({"code", "objects"})
"""Keys of a preposition or particle given as a map ("placed on alert", "called off a strike")."""


def _validated_lexicon(data: object, filename: str) -> dict:
    """DATA, after checking that every key is one the coder reads and every code is well-formed."""
    data_files.check_keys(filename, data, _LEXICON_KEYS, required=_LEXICON_REQUIRED)

    def code_map(table: object, where: str) -> None:
        data_files.check_keys(filename, table, table.keys() if isinstance(table, dict) else (), where)
        for word, code in table.items():
            if code is not None:
                data_files.check_code(filename, code, f"{where}: {word}")

    for kind, keys in (("verbs", _VERB_KEYS), ("nouns", _NOUN_KEYS)):
        data_files.check_keys(filename, data[kind], data[kind].keys() if isinstance(data[kind], dict) else (), kind)
        for word, entry in data[kind].items():
            where = f"{kind}: {word}"
            if not isinstance(entry, dict):
                data_files.check_code(filename, entry, where)
                continue
            data_files.check_keys(filename, entry, keys, where)
            for field in ("code", "subject_infinitive"):
                if entry.get(field) is not None:
                    data_files.check_code(filename, entry[field], f"{where}: {field}" if field != "code" else where)
            for field in ("objects", "xcomp", "subject_types", "modifiers"):
                if field in entry:
                    code_map(entry[field], f"{where}: {field}")
            for field in ("preps", "particles"):
                for word2, refined in entry.get(field, {}).items():
                    if isinstance(refined, dict):
                        data_files.check_keys(filename, refined, _REFINED_KEYS, f"{where}: {field}: {word2}")
                        if refined.get("code") is not None:
                            data_files.check_code(filename, refined["code"], f"{where}: {field}: {word2}")
                        if "objects" in refined:
                            code_map(refined["objects"], f"{where}: {field}: {word2}: objects")
                    elif refined is not None:
                        data_files.check_code(filename, refined, f"{where}: {field}: {word2}")
    for key in _LEXICON_REQUIRED - {"verbs", "nouns", "goldstein", "quad_class_by_root"}:
        data_files.check_words(filename, data[key], key)
    for table in ("goldstein", "quad_class_by_root"):
        data_files.check_keys(filename, data[table], data[table].keys() if isinstance(data[table], dict) else (), table)
        for code in data[table]:
            data_files.check_code(filename, code, table)
    return data


def load_lexicon(path=None) -> Lexicon:
    """The lexicon of PATH (default: the packaged data/cameo_triggers.yaml), validated; a bare code string is
    shorthand for {code: ...}. A key the coder does not read is a DataFileError naming the file and the key."""
    path = data_files.data_path(_LEXICON_FILE) if path is None else path
    data = _validated_lexicon(data_files.read_yaml(path), data_files.file_name(path))

    def entries(table: dict) -> dict[str, dict]:
        return {word: {"code": value} if isinstance(value, str) else value for word, value in table.items()}

    return Lexicon(
        verbs=entries(data["verbs"]),
        nouns=entries(data["nouns"]),
        light_verbs=frozenset(data["light_verbs"]),
        patient_light_verbs=frozenset(data["patient_light_verbs"]),
        realizing_heads=frozenset(data["realizing_heads"]),
        denying_heads=frozenset(data["denying_heads"]),
        abstaining_heads=frozenset(data["abstaining_heads"]),
        non_agent_causes=frozenset(data["non_agent_causes"]),
        place_measures=frozenset(data["place_measures"]),
        sports_cues=frozenset(data["sports_cues"]),
        sports_weak_cues=frozenset(data["sports_weak_cues"]),
        goldstein={code: float(value) for code, value in data["goldstein"].items()},
        quad_class_by_root=data["quad_class_by_root"],
    )


@functools.cache
def trigger_lexicon() -> Lexicon:
    """The packaged lexicon, loaded once per process."""
    return load_lexicon()
