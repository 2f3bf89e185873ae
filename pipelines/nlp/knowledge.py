"""The event coder's knowledge outside its code: the CAMEO code algebra (data/cameo_ontology.yaml) and
the words of a language (data/lang/<lang>.yaml), each loaded once and validated.

Both files are flat maps whose keys are exactly the fields of CameoOntology / Language: an unknown or
missing key is a DataFileError naming the file and the key, and every value is checked for its kind
(a two-digit root, a three-digit code, a list of distinct words, three-letter actor types)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, fields

from pipelines.nlp import data_files
from pipelines.nlp.data_files import DataFileError

_ROOT = re.compile(r"\d{2}")
_CODE = re.compile(r"\d{3}")
_PREFIX = re.compile(r"\d{2,3}")
_TYPE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class CameoOntology:
    """Sets and maps of CAMEO roots ("19"), codes ("190") and actor types ("GOV") the coder's rules share."""

    violent_roots: frozenset[str]
    target_of_roots: frozenset[str]
    purpose_target_roots: frozenset[str]
    statement_code: str
    place_target_codes: frozenset[str]
    visit_codes: frozenset[str]
    force_posture_root: str
    protest_root: str
    protest_eased_code: str
    complaint_root: str
    threat_root: str
    topic_roots: frozenset[str]
    demand_code: str
    refusal_codes: dict[str, str]
    intent_codes: dict[str, str | None]
    unknown_doer_code_map: dict[str, str]
    foreign_target_code_map: dict[str, str]
    state_action_prefixes: tuple[str, ...]
    custody_prefixes: tuple[str, ...]
    domestic_types: frozenset[str]
    domestic_target_types: frozenset[str]
    international_types: frozenset[str]
    person_types: frozenset[str | None]
    plural_group_types: frozenset[str]
    armed_group_types: frozenset[str]
    joint_action_roots: frozenset[str]
    joint_action_codes: frozenset[str]
    official_doer_roots: frozenset[str]
    own_people_target_codes: frozenset[str]
    crowd_control_code: str
    material_quad_classes: frozenset[int]
    assault_code: str
    fight_root: str
    crowd_control_doer_types: frozenset[str]
    crowd_control_target_types: frozenset[str]
    singular_body_types: frozenset[str]

    @functools.cached_property
    def place_target_roots(self) -> frozenset[str]:
        """Roots whose event, when no target is named, is against the place it happens in: violence ("struck
        an airport near Damascus") and protest ("thousands demonstrated in Belgrade": against Serbia's rulers)."""
        return self.violent_roots | {self.protest_root}


@dataclass(frozen=True)
class Language:
    """The words (spaCy lemmas) of one language that the coder's rules read."""

    modals: frozenset[str]
    conditional_marks: frozenset[str]
    target_preps: frozenset[str]
    locative_preps: frozenset[str]
    posting_preps: frozenset[str]
    topic_preps: frozenset[str]
    instrument_preps: frozenset[str]
    reporting_verbs: frozenset[str]
    future_auxiliaries: frozenset[str]
    intent_heads: frozenset[str]
    personal_pronouns: frozenset[str]
    speaker_pronouns: frozenset[str]
    quote_toggles: frozenset[str]
    quote_openers: frozenset[str]
    quote_closers: frozenset[str]
    held_pronouns: frozenset[str]
    result_verbs: frozenset[str]
    measure_nouns: frozenset[str]
    background_marks: frozenset[str]
    background_preps: frozenset[str]
    background_adverbs: frozenset[str]
    event_anaphors: frozenset[str]
    assailants: frozenset[str]
    habitual_quantifiers: frozenset[str]
    one_sided_lemmas: frozenset[str]
    span_preps: frozenset[str]
    place_nouns: frozenset[str]
    closing_marks: frozenset[str]
    final_marks: frozenset[str]
    finite_verb_tags: frozenset[str]
    charge_preps: frozenset[str]
    background_year_phrases: frozenset[str]
    status_participles: frozenset[str]
    occasion_nouns: frozenset[str]
    place_labels: frozenset[str]
    not_target_preps: frozenset[str]
    unknown_marks: frozenset[str]
    unknown_doers: frozenset[str]
    weapons: frozenset[str]
    other_reporting_lemmas: frozenset[str]
    dashes: frozenset[str]
    statement_nouns: frozenset[str]
    stative_participles: frozenset[str]
    patient_possessor_nouns: frozenset[str]
    group_noun_types: dict[str, frozenset[str]]
    body_nouns: frozenset[str]
    quantity_nouns: frozenset[str]
    reported_pronouns: frozenset[str]
    date_future_auxiliaries: frozenset[str]
    date_future_heads: frozenset[str]
    date_reporting_verbs: frozenset[str]

    @functools.cached_property
    def plain_reporting_lemmas(self) -> frozenset[str]:
        """Lemmas of a plain reporting frame ("X said", "told reporters"): never an event of their own."""
        return self.reporting_verbs | self.other_reporting_lemmas


@dataclass(frozen=True)
class Knowledge:
    """What the event coder knows beyond its lexicon: the CAMEO ontology and one language's words."""

    cameo: CameoOntology
    language: Language


def _checked_list(filename: str, key: str, value: object, pattern: re.Pattern | None, allow_null: bool = False) -> list:
    if not isinstance(value, list):
        raise DataFileError(f"{filename}: {key}: expected a list, found {type(value).__name__}")
    for item in value:
        if item is None and allow_null:
            continue
        if not isinstance(item, str) or not item or (pattern is not None and not pattern.fullmatch(item)):
            what = f"does not match {pattern.pattern}" if pattern is not None else "is not a word"
            raise DataFileError(f"{filename}: {key}: {item!r} {what}")
    if len(set(value)) != len(value):
        raise DataFileError(f"{filename}: {key}: an item is listed twice")
    return value


def _checked_scalar(filename: str, key: str, value: object, pattern: re.Pattern) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise DataFileError(f"{filename}: {key}: {value!r} does not match {pattern.pattern}")
    return value


def _checked_root_codes(filename: str, key: str, value: object) -> dict[str, str | None]:
    data_files.check_keys(filename, value, value.keys() if isinstance(value, dict) else (), key)
    for root, code in value.items():
        _checked_scalar(filename, f"{key}: root", root, _ROOT)
        if code is not None:
            _checked_scalar(filename, f"{key}: {root}", code, _CODE)
    return dict(value)


def _checked_code_map(filename: str, key: str, value: object) -> dict[str, str]:
    """A map of CAMEO code to CAMEO code."""
    data_files.check_keys(filename, value, value.keys() if isinstance(value, dict) else (), key)
    for code, other in value.items():
        _checked_scalar(filename, f"{key}: code", code, _CODE)
        _checked_scalar(filename, f"{key}: {code}", other, _CODE)
    return dict(value)


def _read_fields(name: str, path, cls: type) -> tuple[str, dict]:
    """(file name, data) of the data file NAME (or PATH), whose keys must be exactly CLS's fields."""
    path = data_files.data_path(name) if path is None else path
    filename = data_files.file_name(path)
    data = data_files.read_yaml(path)
    names = [field.name for field in fields(cls)]
    data_files.check_keys(filename, data, names, required=names)
    return filename, data


def load_ontology(path=None) -> CameoOntology:
    """The CAMEO ontology of PATH (default: the packaged data/cameo_ontology.yaml), validated."""
    filename, data = _read_fields("cameo_ontology.yaml", path, CameoOntology)
    values: dict[str, object] = {}
    for field in fields(CameoOntology):
        key, value = field.name, data[field.name]
        if key.endswith("_roots"):
            values[key] = frozenset(_checked_list(filename, key, value, _ROOT))
        elif key.endswith("_codes") and isinstance(value, list):
            values[key] = frozenset(_checked_list(filename, key, value, _CODE))
        elif key.endswith("_codes"):
            values[key] = _checked_root_codes(filename, key, value)
        elif key.endswith("_code_map"):
            values[key] = _checked_code_map(filename, key, value)
        elif key.endswith("_prefixes"):
            values[key] = tuple(_checked_list(filename, key, value, _PREFIX))
        elif key.endswith("_types"):
            values[key] = frozenset(_checked_list(filename, key, value, _TYPE, allow_null=key == "person_types"))
        elif key.endswith("_quad_classes"):
            if not isinstance(value, list) or not value or any(v not in (1, 2, 3, 4) for v in value):
                raise DataFileError(f"{filename}: {key}: expected a list of quad classes 1-4")
            values[key] = frozenset(value)
        elif key.endswith("_root"):
            values[key] = _checked_scalar(filename, key, value, _ROOT)
        elif key.endswith("_code"):
            values[key] = _checked_scalar(filename, key, value, _CODE)
        else:  # pragma: no cover - a field added to CameoOntology without a rule here
            raise DataFileError(f"{filename}: {key}: no validation rule for this key")
    return CameoOntology(**values)


def load_language(lang: str = "en", path=None) -> Language:
    """The words of LANG from PATH (default: the packaged data/lang/LANG.yaml), validated."""
    filename, data = _read_fields(f"lang/{lang}.yaml", path, Language)
    values: dict[str, object] = {}
    for field in fields(Language):
        key, value = field.name, data[field.name]
        if key == "group_noun_types":
            data_files.check_keys(filename, value, value.keys() if isinstance(value, dict) else (), key)
            values[key] = {noun: frozenset(_checked_list(filename, f"{key}: {noun}", types, _TYPE))
                           for noun, types in value.items()}
        else:
            values[key] = frozenset(_checked_list(filename, key, value, None))
    return Language(**values)


@functools.cache
def coder_knowledge(lang: str = "en") -> Knowledge:
    """The packaged ontology and LANG's words, loaded once per process."""
    return Knowledge(cameo=load_ontology(), language=load_language(lang))
