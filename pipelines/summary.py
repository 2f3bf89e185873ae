"""The accounting a run reports: in = annotated + dead-lettered + duplicates + replays (+ skipped), from Beam metrics."""

from __future__ import annotations

import logging
from collections import Counter

from apache_beam.metrics.metric import MetricsFilter

from pipelines import counters as names
from pipelines import live

LOG = logging.getLogger(__name__)

# Runners that run every bundle once, in this process with the environments below: each increment of a counter is
# then also counted, exactly once, in `pipelines.live`. (Flink and Dataflow retry bundles; remote workers' increments
# never reach this process.)
_IN_PROCESS_RUNNERS = {None, "", "PrismRunner", "DirectRunner", "SwitchingDirectRunner", "FnApiRunner"}
_IN_PROCESS_ENVIRONMENTS = {None, "", "LOOPBACK", "EMBEDDED", "BEAM_PYTHON"}


def in_process_counts(options) -> Counter | None:
    """This process's own count of every counter (`pipelines.live`) when all the job's bundles ran here, once each;
    else None."""
    from apache_beam.options.pipeline_options import PortableOptions, StandardOptions

    runner = options.view_as(StandardOptions).runner
    runner = runner if runner is None or isinstance(runner, str) else type(runner).__name__
    environment = options.view_as(PortableOptions).environment_type
    if runner not in _IN_PROCESS_RUNNERS or (environment or "").upper() not in _IN_PROCESS_ENVIRONMENTS:
        return None
    return live.counts()


def run_counters(result, in_process: Counter | None = None) -> Counter:
    """The pipeline's `eventwire` counters: committed values where the runner reports them, else attempted.

    `in_process` (from `in_process_counts`) is this process's own count of the same increments. Prism's metric store
    can lose a bundle's committed values (seen once in three SIGTERM runs: one window's 42 `annotated` missing while
    all were in the files, so the summary said MISMATCH and exited 4), and can never report more than was counted:
    where the two differ the higher, which is this process's exact count, is taken and the gap logged. A record lost
    on its way to the files is counted by neither, so this never turns a loss into "OK".
    """
    counters = Counter()
    for counter in result.metrics().query(MetricsFilter().with_namespace(names.NAMESPACE))["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        counters[counter.key.metric.name] += value or 0
    if in_process is None:
        return counters
    lost = {name: in_process[name] - counters[name] for name in in_process if in_process[name] > counters[name]}
    if lost:
        LOG.warning("the runner's metrics are missing increments counted in this process (%s); the summary uses this "
                    "process's counts", ", ".join(f"{name} {gap}" for name, gap in sorted(lost.items())))
    for name, gap in lost.items():
        counters[name] += gap
    return counters


def accounting(counters: Counter) -> dict:
    dead_letters = {name.split(".", 1)[1]: count for name, count in counters.items() if name.startswith(names.DEAD_LETTER_PREFIX)}
    annotated, duplicates, skipped = counters[names.ANNOTATED], counters[names.DUPLICATES], counters[names.SKIPPED_COMPLETE]
    replays = counters[names.REPLAYS]
    return {
        "articles_in": counters[names.ARTICLES_IN],
        "annotated": annotated,
        "annotated_by_model": counters[names.ANNOTATED_BY_MODEL],
        "dead_lettered": sum(dead_letters.values()),
        "dead_letters_by_reason": dict(sorted(dead_letters.items())),
        "duplicates": duplicates,
        "replays": replays,
        "skipped_complete": skipped,
        "partitions_reprocessed": counters[names.PARTITIONS_REPROCESSED],
        "balanced": counters[names.ARTICLES_IN] == annotated + sum(dead_letters.values()) + duplicates + replays + skipped,
        "entities": counters[names.ENTITIES],
        "events": counters[names.EVENTS],
        "output_too_large": counters[names.OUTPUT_TOO_LARGE],
        "events_by_root_code": {name.split(".", 1)[1]: count for name, count in sorted(counters.items())
                                if name.startswith(names.EVENTS_ROOT_PREFIX)},
    }


def format_summary(report: dict, output: str) -> str:
    lines = [
        "eventwire summary",
        f"  articles in      {report['articles_in']}",
        f"  annotated        {report['annotated']}",
        f"  dead-lettered    {report['dead_lettered']}",
    ]
    lines += [f"    {reason:<22}{count}" for reason, count in report["dead_letters_by_reason"].items()]
    lines.append(f"  duplicates       {report['duplicates']}")
    lines.append(f"  replays          {report['replays']}")
    if report["skipped_complete"]:
        lines.append(f"  skipped (resume) {report['skipped_complete']}")
    if report["partitions_reprocessed"]:
        lines.append(f"  resumed: {report['partitions_reprocessed']} partitions reprocessed because their input changed")
    lines += [
        f"  accounting       in = annotated + dead-lettered + duplicates + replays"
        f"{' + skipped' if report['skipped_complete'] else ''}: "
        f"{'OK' if report['balanced'] else 'MISMATCH'}",
    ]
    if report["output_too_large"]:
        lines.append(f"  output too large {report['output_too_large']} (annotated and in the Avro files, not on its topic; "
                     "dead-lettered)")
    if report["annotated_by_model"] > report["annotated"]:
        lines.append(f"  not durable      {report['annotated_by_model'] - report['annotated']} annotated by the model but "
                     "never written: a loss")
    lines += [
        f"  entities         {report['entities']}",
        f"  events           {report['events']}",
    ]
    lines += [f"    CAMEO root {root}  {count}" for root, count in report["events_by_root_code"].items()]
    lines.append(f"  Avro files       {output}")
    return "\n".join(lines)
