"""The accounting a run reports: in = annotated + dead-lettered + duplicates + replays (+ skipped), from Beam metrics."""

from __future__ import annotations

from collections import Counter

from apache_beam.metrics.metric import MetricsFilter

from pipelines import counters as names


def run_counters(result) -> Counter:
    """The pipeline's `eventwire` counters (committed values where the runner reports them)."""
    counters = Counter()
    for counter in result.metrics().query(MetricsFilter().with_namespace(names.NAMESPACE))["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        counters[counter.key.metric.name] += value or 0
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
