"""The run's accounting: every record read is annotated, dead-lettered, a duplicate, a replay or skipped."""

from collections import Counter

from pipelines import counters
from pipelines.summary import accounting, format_summary


def test_replays_balance_the_accounting_and_have_their_own_line():
    report = accounting(Counter({counters.ARTICLES_IN: 10, counters.ANNOTATED: 5, counters.DUPLICATES: 2,
                                 counters.REPLAYS: 2, counters.DEAD_LETTER_PREFIX + "empty_body": 1}))
    assert report["replays"] == 2 and report["duplicates"] == 2 and report["balanced"]
    lines = format_summary(report, "out").splitlines()
    assert "  replays          2" in lines and "  duplicates       2" in lines
    assert any("in = annotated + dead-lettered + duplicates + replays: OK" in line for line in lines)


def test_a_resume_says_how_many_partitions_it_reprocessed():
    report = accounting(Counter({counters.ARTICLES_IN: 3, counters.ANNOTATED: 1, counters.SKIPPED_COMPLETE: 2,
                                 counters.PARTITIONS_REPROCESSED: 1}))
    assert report["balanced"] and report["partitions_reprocessed"] == 1
    assert "  resumed: 1 partitions reprocessed because their input changed" in format_summary(report, "out").splitlines()
