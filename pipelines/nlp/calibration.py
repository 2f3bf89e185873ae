"""Calibrated event confidence: the coder's raw evidence score mapped to the precision it had on real news.

The coder scores each event from its evidence (`coder.selection._confidence`: coded actors on both sides, a
specific code, a verb trigger, a place; 0.05..1.0 in steps of 0.05). That score orders events but is not a probability.
`data/confidence_calibration.tsv` maps it to one: rows `raw_min  confidence`, a step function (an event whose raw
score is at least raw_min and below the next row's takes that row's confidence). It is fitted by
`python -m tools.calibrate_confidence fit` on the real-news calibration splits (never tuned on; the dev splits are,
so their precision is optimistic): every emitted event is scored per mention
sentence with evaluate's dyad matching (CAMEO root + both actor countries), the raw scores are binned and the
observed precision per bin is made non-decreasing by pool-adjacent-violators (isotonic regression), so a higher
raw score never gets a lower confidence. A merged event (several mentions) takes its best mention's raw score.

The table is checked when loaded: exact columns, first raw_min 0, raw_min strictly increasing, confidences in
[0, 1] and non-decreasing.
"""

from __future__ import annotations

import bisect
import functools

from pipelines.nlp.data_tables import tsv_rows

TABLE = "confidence_calibration.tsv"


class CalibrationTableError(ValueError):
    pass


@functools.lru_cache(maxsize=1)
def _table() -> tuple[tuple[float, ...], tuple[float, ...]]:
    return validated(tsv_rows(TABLE))


def validated(rows: list[dict[str, str]]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(raw_min values, confidences) of the table's rows, or CalibrationTableError."""
    if not rows or list(rows[0]) != ["raw_min", "confidence"]:
        raise CalibrationTableError(f"{TABLE}: expected the columns raw_min, confidence")
    try:
        bounds = tuple(float(row["raw_min"]) for row in rows)
        values = tuple(float(row["confidence"]) for row in rows)
    except (TypeError, ValueError) as err:
        raise CalibrationTableError(f"{TABLE}: {err}") from None
    if bounds[0] != 0.0:
        raise CalibrationTableError(f"{TABLE}: the first raw_min must be 0")
    if any(b <= a for a, b in zip(bounds, bounds[1:])):
        raise CalibrationTableError(f"{TABLE}: raw_min must increase strictly")
    if any(not 0.0 <= v <= 1.0 for v in values) or any(b < a for a, b in zip(values, values[1:])):
        raise CalibrationTableError(f"{TABLE}: confidences must lie in [0, 1] and never decrease")
    return bounds, values


def calibrated(raw: float) -> float:
    """The calibrated confidence of a raw coder score."""
    bounds, values = _table()
    return values[max(bisect.bisect_right(bounds, raw + 1e-9) - 1, 0)]
