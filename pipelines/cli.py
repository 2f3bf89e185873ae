"""The `eventwire` command line: produce, stream, extract, inspect."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import apache_beam as beam
import click
from apache_beam.io.filesystems import FileSystems
from tqdm import tqdm

from pipelines import schemas
from pipelines.options import EventwireOptions
from pipelines.summary import accounting, format_summary, run_counters

BEAM_ARGS = dict(ignore_unknown_options=True, allow_extra_args=True, help_option_names=[])


@click.group()
@click.option("--log-level", default="WARNING", show_default=True)
def main(log_level):
    """eventwire: news articles in, CAMEO events out, every record traceable to its sentence."""
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--input", "inputs", multiple=True, required=True, help="JSONL or JSONL.gz file (repeatable)")
@click.option("--topic", default="articles.raw", show_default=True)
@click.option("--bootstrap-servers", default=None, help="default: $EVENTWIRE_KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092")
@click.option("--rate", type=float, default=None, help="messages per second (default: as fast as the broker takes them)")
def produce(inputs, topic, bootstrap_servers, rate):
    """Publish JSONL lines as they are (bad lines too), keyed by article id where one can be read."""
    from pipelines.produce import produce_files

    counts = produce_files(list(inputs), topic, bootstrap_servers, rate, progress=tqdm)
    click.echo(f"produced {counts['sent']} messages to {topic} ({counts['keyed']} keyed by article id, "
               f"{counts['unkeyed']} without a readable id)")


def _options_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eventwire stream", description="Beam options and eventwire options; "
                                     "any other Beam pipeline option (--runner, --prism_location, ...) passes through.")
    EventwireOptions._add_argparse_args(parser)
    return parser


@main.command(context_settings=BEAM_ARGS)
@click.pass_context
def stream(ctx):
    """Run the streaming pipeline (Kafka -> annotate -> Avro files + Kafka). Try `eventwire stream --help`."""
    if "--help" in ctx.args or "-h" in ctx.args:
        _options_parser().print_help()
        return
    from pipelines.graphs import stream as stream_graph

    options = EventwireOptions(_stream_args(ctx.args), streaming=True)
    started = time.monotonic()
    pipeline = beam.Pipeline(options=options)
    stream_graph.build(pipeline, options)
    result = pipeline.run()
    result.wait_until_finish()
    report = accounting(run_counters(result))
    click.echo(format_summary(report, options.output))
    click.echo(f"  wall time        {time.monotonic() - started:.1f} s")
    _write_report(options.output, report)


STREAM_JOB_SERVICE_TIMEOUT_S = 10 * 365 * 24 * 3600


def _stream_args(args: list[str]) -> list[str]:
    """Stream defaults: Prism when no runner is named, and no deadline on the job service's streams.

    Beam's portable runner (which PrismRunner is) opens the job-state stream with
    `--job_server_timeout` as a gRPC deadline, 300 s by default: a stream running longer died
    with DEADLINE_EXCEEDED (found by the 10-minute soak). A streaming job has no deadline.
    """
    if not any(arg.startswith(("--job_server_timeout", "--job-server-timeout")) for arg in args):
        args = [*args, f"--job_server_timeout={STREAM_JOB_SERVICE_TIMEOUT_S}"]
    return _with_default_runner(args)


def _with_default_runner(args: list[str]) -> list[str]:
    """Without --runner, stream on Prism when its binary is installed (`make setup` builds it).

    Prism has real watermarks, state and timers, so windows close and offsets are committed while
    the stream runs; the FnApiRunner that DirectRunner falls back to runs stateful steps only
    when the source ends.
    """
    if any(arg.startswith("--runner") for arg in args):
        return args
    prism = Path(os.environ.get("EVENTWIRE_PRISM", Path(__file__).resolve().parent.parent / ".cache/bin/prism"))
    if not prism.is_file():
        logging.warning("no Prism binary at %s: streaming on the FnApiRunner (stateful steps run at the end)", prism)
        return args
    return ["--runner=PrismRunner", f"--prism_location={prism}", "--environment_type=LOOPBACK", *args]


def _write_report(output: str, report: dict) -> None:
    summary, content = FileSystems.join(output, "_summary.json"), (json.dumps(report, indent=2) + "\n").encode()
    if schemas.read_if_exists(summary) != content:
        schemas.write_atomically(summary, content)


@main.command(context_settings=BEAM_ARGS)
@click.option("--input", "inputs", multiple=True, required=True, help="JSONL or JSONL.gz file or glob (repeatable)")
@click.option("--output", required=True, help="FILE.jsonl or FILE.avro")
@click.pass_context
def extract(ctx, inputs, output):
    """Annotate files without Kafka: one output record per article; bad lines go to OUTPUT.dead_letters.jsonl."""
    from pipelines.graphs import extract as extract_graph

    options = EventwireOptions(ctx.args)
    pipeline = beam.Pipeline(options=options)
    extract_graph.build(pipeline, options, list(inputs), output)
    result = pipeline.run()
    result.wait_until_finish()
    report = accounting(run_counters(result))
    click.echo(f"annotated {report['annotated']} of {report['articles_in']} articles -> {output}; "
               f"{report['dead_lettered']} dead-lettered -> {extract_graph.dead_letters_path(output)} "
               f"{report['dead_letters_by_reason'] or ''}; {report['events']} events")
    if not report["balanced"]:
        sys.exit("accounting mismatch: in != annotated + dead-lettered")


@main.command(context_settings=BEAM_ARGS)
@click.option("--input", "inputs", multiple=True, help="JSONL or JSONL.gz file or glob (repeatable)")
@click.option("--warc", "warcs", multiple=True, help="WARC file or glob (repeatable); HTML responses become articles")
@click.option("--kafka-topic", default=None, help="read this topic between --from-*/--to-* (default: all of it)")
@click.option("--from-offset", type=int, default=None)
@click.option("--to-offset", type=int, default=None, help="exclusive")
@click.option("--from-time", default=None, help="ISO-8601; first record at or after it")
@click.option("--to-time", default=None, help="ISO-8601; exclusive")
@click.option("--output", required=True, help="folder: articles/date=.../, event_clusters.avro, dead_letters.avro")
@click.option("--resume", is_flag=True, help="skip articles whose date partition is already complete")
@click.option("--cluster-bucket-days", type=int, default=1, show_default=True, help="date window of an event cluster")
@click.pass_context
def backfill(ctx, inputs, warcs, kafka_topic, from_offset, to_offset, from_time, to_time, output, resume,
             cluster_bucket_days):
    """Re-process archives (files, WARC, a Kafka range) with the stream's composites; Avro by publication date."""
    from pipelines.graphs import backfill as backfill_graph
    from pipelines.io.files import count_lines, expand_inputs
    from pipelines.io.kafka import OffsetBounds

    options = EventwireOptions(ctx.args)
    jsonl = expand_inputs(list(inputs)) if inputs else []
    sources = backfill_graph.BackfillInputs(
        jsonl=jsonl, warc=expand_inputs(list(warcs)) if warcs else [], kafka_topic=kafka_topic,
        kafka_bounds=OffsetBounds(from_offset, to_offset, _epoch_ms(from_time), _epoch_ms(to_time)))
    total = sum(count_lines(path) for path in jsonl) if jsonl and not (warcs or kafka_topic) else None
    started = time.monotonic()
    pipeline = beam.Pipeline(options=options)
    backfill_graph.build(pipeline, options, sources, output, resume, cluster_bucket_days, total)
    result = pipeline.run()
    result.wait_until_finish()
    report = accounting(run_counters(result))
    click.echo(format_summary(report, backfill_graph.articles_dir(output)))
    elapsed = time.monotonic() - started
    click.echo(f"  wall time        {elapsed:.1f} s ({report['articles_in'] / elapsed:.2f} articles/s)")
    _write_report(output, report)
    if not report["balanced"]:
        sys.exit("accounting mismatch: in != annotated + dead-lettered + duplicates + skipped")


def _epoch_ms(moment: str | None) -> int | None:
    from pipelines.articles import normalise_timestamp

    if moment is None:
        return None
    return int(datetime.fromisoformat(normalise_timestamp(moment).replace("Z", "+00:00")).timestamp() * 1000)


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--summary", is_flag=True, help="counts instead of records")
@click.option("--limit", type=int, default=None, help="print at most this many records")
def inspect(path, summary, limit):
    """Print the records of an Avro file, or of every Avro file under a folder, as JSON lines."""
    files = sorted(p for p in ([path] if path.is_file() else path.rglob("*.avro")) if not p.name.startswith("."))
    if summary:
        click.echo(json.dumps(_summarise(files), indent=2))
        return
    printed = 0
    for file in files:
        for record in schemas.read_container(file):
            if limit is not None and printed >= limit:
                return
            click.echo(json.dumps(record, ensure_ascii=False, default=_bytes_as_text))
            printed += 1


def _bytes_as_text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    raise TypeError(type(value).__name__)


def _summarise(files: list[Path]) -> dict:
    records, roots, labels = 0, Counter(), Counter()
    for file in files:
        for record in schemas.read_container(file):
            records += 1
            roots.update(event["event_root_code"] for event in record.get("events", []))
            labels.update(entity["label"] for entity in record.get("entities", []))
    return {"files": len(files), "records": records, "events_by_root_code": dict(sorted(roots.items())),
            "entities_by_label": dict(labels.most_common())}


from pipelines.evaluate import evaluate  # noqa: E402
main.add_command(evaluate)


if __name__ == "__main__":
    main()
