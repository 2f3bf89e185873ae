"""The package's hand-kept data tables (pipelines/nlp/data/*.tsv): tab-separated, a header row,
comment lines starting with "#" that say where the data comes from.

Each table's columns are declared in COLUMNS and checked on load: an unknown, missing or repeated
column is a DataFileError naming the file and the column (a misspelt header would otherwise make
every row's value silently None)."""

from __future__ import annotations

import csv

from pipelines.nlp import data_files
from pipelines.nlp.data_files import DataFileError

COLUMNS: dict[str, tuple[str, ...]] = {
    "cameo_actor_types.tsv": ("code", "description"),
    "cameo_labels.tsv": ("code", "description"),
    "cameo_plover.tsv": ("cameo", "plover_type", "mode", "context", "description"),
    "confidence_calibration.tsv": ("raw_min", "confidence"),
    "countries.tsv": ("alpha3", "demonyms", "lat", "lon", "aliases"),
    "groups.tsv": ("name", "aliases", "country", "type"),
    "leaders.tsv": ("name", "surname", "country", "type", "alt"),
    "quad_classes.tsv": ("quad_class", "name"),
}


def tsv_rows(filename: str, path=None) -> list[dict[str, str]]:
    """The rows of data/FILENAME (or of the file PATH, checked as FILENAME) as dicts keyed by the header."""
    source = data_files.data_path(filename) if path is None else path
    text = source.read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    name = data_files.file_name(source)
    expected = COLUMNS.get(filename)
    if expected is None:
        raise DataFileError(f"{filename}: no columns declared for this table in data_tables.COLUMNS")
    header = lines[0].split("\t") if lines else []
    for column in header:
        if column not in expected:
            raise DataFileError(f"{name}: unknown column {column!r} (expected {', '.join(expected)})")
    if len(set(header)) != len(header):
        raise DataFileError(f"{name}: a column is repeated in the header {header}")
    for column in expected:
        if column not in header:
            raise DataFileError(f"{name}: missing column {column!r}")
    return list(csv.DictReader(lines, delimiter="\t"))
