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
_SCHEMA_FILE = "lexicon_schema.yaml"
_SCHEMA_KEYS = ("anchors", "verb_keys", "noun_keys", "refinement_keys")
"""The sections of data/lexicon_schema.yaml itself: the file's own format, which this loader reads."""
_KINDS = frozenset({"code", "code_map", "refinements", "flag"})
"""What a lexicon entry key may hold: one per branch of load_lexicon's checks, so it stays with that code
(data/lexicon_schema.yaml says which entry key holds which kind; adding a key is a data change)."""


def load_lexicon_schema(path=None) -> dict:
    """data/lexicon_schema.yaml (or PATH), validated: its own keys, and a known kind for every entry key."""
    path = data_files.data_path(_SCHEMA_FILE) if path is None else path
    filename, schema = data_files.file_name(path), data_files.read_yaml(path)
    data_files.check_keys(filename, schema, _SCHEMA_KEYS, required=_SCHEMA_KEYS)
    data_files.check_words(filename, schema["anchors"], "anchors")
    for table in _SCHEMA_KEYS[1:]:
        data_files.check_keys(filename, schema[table], schema[table].keys() if isinstance(schema[table], dict) else (),
                              table)
        for key, kind in schema[table].items():
            if kind not in _KINDS:
                raise data_files.DataFileError(f"{filename}: {table}: {key}: unknown kind {kind!r} "
                                               f"(expected one of {', '.join(sorted(_KINDS))})")
    return schema


def _validated_lexicon(data: object, filename: str) -> dict:
    """DATA, after checking that every key is one the coder reads (data/lexicon_schema.yaml) and every code is
    well-formed."""
    schema = load_lexicon_schema()
    required = [field.name for field in fields(Lexicon)]
    data_files.check_keys(filename, data, [*required, *schema["anchors"]], required=required)

    def code(value: object, where: str) -> None:
        if value is not None:
            data_files.check_code(filename, value, where)

    def code_map(table: object, where: str) -> None:
        data_files.check_keys(filename, table, table.keys() if isinstance(table, dict) else (), where)
        for word, value in table.items():
            code(value, f"{where}: {word}")

    def entry_fields(entry: dict, kinds: dict, where: str) -> None:
        data_files.check_keys(filename, entry, kinds, where)
        for key, value in entry.items():
            kind, place = kinds[key], f"{where}: {key}"
            if kind == "code":
                code(value, where if key == "code" else place)
            elif kind == "code_map":
                code_map(value, place)
            elif kind == "flag" and not isinstance(value, bool):
                raise data_files.DataFileError(f"{filename}: {place}: expected true or false, found {value!r}")
            elif kind == "refinements":
                data_files.check_keys(filename, value, value.keys() if isinstance(value, dict) else (), place)
                for word, refined in value.items():
                    if isinstance(refined, dict):
                        entry_fields(refined, schema["refinement_keys"], f"{place}: {word}")
                    else:
                        code(refined, f"{place}: {word}")

    for kind, kinds in (("verbs", schema["verb_keys"]), ("nouns", schema["noun_keys"])):
        data_files.check_keys(filename, data[kind], data[kind].keys() if isinstance(data[kind], dict) else (), kind)
        for word, entry in data[kind].items():
            if isinstance(entry, dict):
                entry_fields(entry, kinds, f"{kind}: {word}")
            else:
                data_files.check_code(filename, entry, f"{kind}: {word}")
    for key in set(required) - {"verbs", "nouns", "goldstein", "quad_class_by_root"}:
        data_files.check_words(filename, data[key], key)
    for table in ("goldstein", "quad_class_by_root"):
        data_files.check_keys(filename, data[table], data[table].keys() if isinstance(data[table], dict) else (), table)
        for root_or_code in data[table]:
            data_files.check_code(filename, root_or_code, table)
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
