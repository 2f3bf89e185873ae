"""The learned-root probe's counting, and that no probe reads a test split."""

from tools.probes.gold_sentences import probed_files
from tools.probes.learned_roots import kept_by_threshold, root_scores


def test_root_scores_count_roots_per_sentence_and_clean_no_event_sentences():
    scores = root_scores([{"01", "19"}, set(), {"11"}, set()], [{"19"}, {"04"}, set(), set()])
    assert (scores["tp"], scores["fp"]) == (1, 2)
    assert scores["precision"] == 1 / 3
    assert scores["recall"] == 1 / 2
    assert scores["no_event_uncoded"] == 1 / 2


def test_kept_by_threshold_splits_right_and_wrong_events():
    events = [{"p": 0.9, "right": True}, {"p": 0.1, "right": True}, {"p": 0.05, "right": False}]
    assert kept_by_threshold(events, 0.1) == {"kept": 2, "kept_right": 2, "dropped_right": 0, "dropped_wrong": 1}


def test_probes_read_dev_and_calibration_files_but_never_test():
    names = {path.stem for path in probed_files()}
    assert {"dev", "dev6", "calibration", "calibration2"} <= names
    assert not any(name.startswith("test") for name in names)
