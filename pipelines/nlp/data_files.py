"""Validation of the coder's data files (data/*.yaml, data/*.json, data/*.tsv) when they are loaded.

A key (or column) that the code does not read is an error naming the file and the key, not silently
ignored: a misspelt "partciles:" in the trigger lexicon would otherwise drop every particle of a verb.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

import yaml

CAMEO_CODE = re.compile(r"\d{2,4}")
"""A CAMEO event code: a two-digit root ("19") or a code below it ("190", "1031")."""


class DataFileError(ValueError):
    """A data file does not have the expected shape; the message names the file and the key."""


def data_path(filename: str):
    """The packaged data file data/FILENAME."""
    return resources.files(__package__).joinpath("data", filename)


def read_yaml(path) -> object:
    return yaml.safe_load(Path(path).read_text("utf-8") if isinstance(path, (str, Path)) else path.read_text("utf-8"))


def read_json(path) -> object:
    return json.loads(Path(path).read_text("utf-8") if isinstance(path, (str, Path)) else path.read_text("utf-8"))


def file_name(path) -> str:
    return getattr(path, "name", None) or str(path)


def check_keys(filename: str, mapping: object, allowed: Iterable[str], where: str = "",
               required: Iterable[str] = ()) -> None:
    """An error unless MAPPING is a mapping whose keys are all ALLOWED and include every REQUIRED one."""
    place = f" in {where}" if where else ""
    if not isinstance(mapping, Mapping):
        raise DataFileError(f"{filename}: expected a mapping{place}, found {type(mapping).__name__}")
    allowed = set(allowed)
    for key in mapping:
        if key not in allowed:
            raise DataFileError(f"{filename}: unknown key {key!r}{place} (expected one of {', '.join(sorted(allowed))})")
    for key in required:
        if key not in mapping:
            raise DataFileError(f"{filename}: missing key {key!r}{place}")


def check_code(filename: str, code: object, where: str) -> None:
    """An error unless CODE is a well-formed CAMEO event code."""
    if not isinstance(code, str) or not CAMEO_CODE.fullmatch(code):
        raise DataFileError(f"{filename}: {where}: {code!r} is not a CAMEO event code")


def check_words(filename: str, words: object, where: str) -> None:
    """An error unless WORDS is a list of non-empty strings."""
    if not isinstance(words, list) or not all(isinstance(word, str) and word for word in words):
        raise DataFileError(f"{filename}: {where}: expected a list of words")
