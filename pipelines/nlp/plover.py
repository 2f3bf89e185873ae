"""CAMEO code -> PLOVER event type, from data/cameo_plover.tsv (derived from the PLOVER manual, CC BY-SA 4.0).

PLOVER is the successor ontology of CAMEO; carrying its type beside the CAMEO code lets users
query either without a second coding pass.
"""

from __future__ import annotations

import functools

from pipelines.nlp.data_tables import tsv_rows


@functools.cache
def _plover_types() -> dict[str, str]:
    return {row["cameo"]: row["plover_type"] for row in tsv_rows("cameo_plover.tsv")}


def plover_type(cameo_code: str) -> str | None:
    """The PLOVER type of a CAMEO code, from the longest listed prefix; None for statements (01)."""
    table = _plover_types()
    for size in (4, 3, 2):
        if len(cameo_code) >= size and cameo_code[:size] in table:
            return table[cameo_code[:size]]
    return None
