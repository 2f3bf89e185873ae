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


class _Metrics:
    """A runner's metric results: (step, name, committed, attempted) rows in eventwire's namespace."""

    def __init__(self, rows):
        from apache_beam.metrics.execution import MetricKey, MetricResult
        from apache_beam.metrics.metricbase import MetricName

        self._results = [MetricResult(MetricKey(step, MetricName(counters.NAMESPACE, name)), committed, attempted)
                         for step, name, committed, attempted in rows]

    def query(self, _filter=None):
        return {"counters": self._results}


class _Result:
    def __init__(self, rows):
        self._metrics = _Metrics(rows)

    def metrics(self):
        return self._metrics


def test_a_bundle_the_runner_lost_from_its_metrics_is_taken_from_this_process_count(caplog):
    """Prism once reported `annotated` 104 of 146 (one window's 42 missing from its committed values) while the files
    held all 146: the summary said MISMATCH and exited 4. This process counted every increment; the summary uses it."""
    from pipelines.summary import run_counters

    result = _Result([("Parse", counters.ARTICLES_IN, 146, 1), ("CountDurable", counters.ANNOTATED, 104, 86)])
    assert not accounting(run_counters(result))["balanced"]
    in_process = Counter({counters.ARTICLES_IN: 146, counters.ANNOTATED: 146})
    report = accounting(run_counters(result, in_process))
    assert report["balanced"] and report["annotated"] == 146
    assert "annotated 42" in caplog.text


def test_this_process_count_never_hides_a_loss():
    """A record lost before its file is counted by neither Beam nor this process: still a MISMATCH. A runner whose
    workers ran elsewhere (this process counted less) keeps the runner's values."""
    from pipelines.summary import run_counters

    result = _Result([("Parse", counters.ARTICLES_IN, 146, None), ("CountDurable", counters.ANNOTATED, 145, None)])
    assert not accounting(run_counters(result, Counter({counters.ARTICLES_IN: 146, counters.ANNOTATED: 145})))["balanced"]
    assert run_counters(result, Counter())[counters.ANNOTATED] == 145


def test_only_runners_that_run_each_bundle_once_in_this_process_use_its_counts():
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipelines.summary import in_process_counts

    assert in_process_counts(PipelineOptions(["--runner=PrismRunner", "--environment_type=LOOPBACK"])) is not None
    assert in_process_counts(PipelineOptions([])) is not None
    assert in_process_counts(PipelineOptions(["--runner=PrismRunner", "--environment_type=DOCKER"])) is None
    assert in_process_counts(PipelineOptions(["--runner=FlinkRunner", "--environment_type=LOOPBACK"])) is None
