"""Calibrated confidence: the fitted table is valid, monotone, and what the emitted events carry."""

import pytest

from pipelines.nlp import calibration
from pipelines.nlp.data_tables import tsv_rows
from tools.calibrate_confidence import isotonic


def test_the_shipped_table_is_valid_and_never_decreases():
    bounds, values = calibration.validated(tsv_rows(calibration.TABLE))
    raws = [step / 100 for step in range(0, 101, 5)]
    mapped = [calibration.calibrated(raw) for raw in raws]
    assert mapped == sorted(mapped) and all(0.0 <= value <= 1.0 for value in mapped)
    assert calibration.calibrated(bounds[-1]) == values[-1]


@pytest.mark.parametrize("rows, problem", [
    ([{"raw": "0", "confidence": "0.1"}], "columns"),
    ([{"raw_min": "0.1", "confidence": "0.1"}], "first raw_min"),
    ([{"raw_min": "0", "confidence": "0.5"}, {"raw_min": "0.5", "confidence": "0.2"}], "never decrease"),
    ([{"raw_min": "0", "confidence": "0.1"}, {"raw_min": "0", "confidence": "0.2"}], "increase strictly"),
    ([{"raw_min": "0", "confidence": "1.5"}], "in \\[0, 1\\]"),
])
def test_a_broken_table_is_refused(rows, problem):
    with pytest.raises(calibration.CalibrationTableError, match=problem):
        calibration.validated(rows)


def test_isotonic_fit_pools_violations_and_smooths_sparse_groups():
    points = [(0.5, False)] * 8 + [(0.6, True)] * 2 + [(0.6, False)] * 8 + [(0.7, False)] * 2 + [(0.9, True)] * 6
    blocks = isotonic(points)
    precisions = [precision for _, precision, _ in blocks]
    assert precisions == sorted(precisions) and 0.0 < precisions[0] and precisions[-1] < 1.0
    assert sum(count for _, _, count in blocks) == len(points)
    assert blocks[0][0] == 0.5 and blocks[-1][0] == 0.9
