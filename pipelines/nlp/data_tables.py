"""The package's hand-kept data tables (pipelines/nlp/data/*.tsv): tab-separated, a header row,
comment lines starting with "#" that say where the data comes from."""

from __future__ import annotations

import csv
from importlib import resources


def tsv_rows(filename: str) -> list[dict[str, str]]:
    """The rows of data/FILENAME as dicts keyed by the header."""
    text = resources.files(__package__).joinpath("data", filename).read_text("utf-8")
    return list(csv.DictReader([line for line in text.splitlines() if line and not line.startswith("#")],
                               delimiter="\t"))
