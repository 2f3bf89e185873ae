"""The `eventwire` command line: produce, stream, extract, backfill, inspect, evaluate.

Every subcommand is a click command. Pipeline options come from `EventwireOptions`' argparse
definitions (one source of names, defaults and help), turned into click options per command;
Beam's own options (--runner, --prism_location, ...) are accepted by the names Beam registers and
anything else is an error with a suggestion. `--log-level`, `--log-format` and `--debug` may stand
anywhere on the line. Expected failures print `Error:` and `Hint:` lines (pipelines/preflight.py).

Adding a subcommand: `@main.command()` (with `@pipeline_options(...)` for a Beam job) at the end.
"""

from __future__ import annotations

import sys

from pipelines import logsetup

logsetup.configure(*logsetup.from_argv(sys.argv[1:]))  # before apache_beam is imported: it logs on import

import argparse  # noqa: E402
import contextlib  # noqa: E402
import difflib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import datetime  # noqa: E402
from functools import lru_cache  # noqa: E402
from pathlib import Path  # noqa: E402

import click  # noqa: E402

from pipelines import __version__, preflight, schemas  # noqa: E402
from pipelines.options import EventwireOptions  # noqa: E402
from pipelines.preflight import UserError  # noqa: E402

LOG = logging.getLogger("pipelines.cli")

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_NOTHING_ANNOTATED, EXIT_UNBALANCED = 0, 1, 2, 3, 4
EXIT_CODES_EPILOG = ("Exit codes: 0 done; 1 error (Error: and Hint: lines); 2 wrong command line; "
                     "3 records were read but none was annotated; 4 accounting mismatch; 130 stopped by a second Ctrl-C.")
COMMON_EPILOG = "Anywhere on the line: --log-level DEBUG|INFO|WARNING|ERROR, --log-format text|json, --debug (tracebacks)."


class EventwireGroup(click.Group):
    """Strips the logging options wherever they are, and turns unexpected exceptions into Error/Hint lines."""

    def main(self, args=None, *rest, **kwargs):
        args = list(sys.argv[1:] if args is None else args)
        level, log_format, debug, args = logsetup.from_argv(args, strip=True)
        args = [_UNDERSCORE_ALIASES().get(arg.split("=", 1)[0], arg.split("=", 1)[0]) + arg[len(arg.split("=", 1)[0]):]
                for arg in args]  # --until_idle is --until-idle (the dashed spelling is the one --help shows)
        logsetup.configure(level, log_format, debug)
        try:
            kwargs.setdefault("prog_name", "eventwire")
            return super().main(args, *rest, standalone_mode=False, **kwargs)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(130)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "eventwire"
            message = error.format_message()
            click.echo(f"Error: {message[0].lower() + message[1:]}", err=True)
            click.echo(f"Hint: `{command} --help` lists the options, with an example", err=True)
            sys.exit(EXIT_USAGE)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except Exception as error:  # noqa: BLE001 - the last line of defence: one line, not a traceback
            if debug:
                raise
            first_line = (str(error).strip().splitlines() or [""])[0][:300]
            click.echo(f"Error: {type(error).__name__}: {first_line}", err=True)
            click.echo("Hint: run again with --debug for the full traceback", err=True)
            sys.exit(EXIT_ERROR)


@click.group(cls=EventwireGroup, epilog=f"{COMMON_EPILOG}\n\n{EXIT_CODES_EPILOG}",
             context_settings={"max_content_width": 110})
@click.version_option(__version__, "--version", prog_name="eventwire")
@click.option("--log-level", default="INFO", show_default=True, help="eventwire's messages; other libraries' show from "
              "ERROR up unless DEBUG (may stand anywhere on the line)")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one object per line, for services")
@click.option("--debug", is_flag=True, help="show tracebacks")
def main(log_level, log_format, debug):
    """eventwire: news articles in, CAMEO events out, every record traceable to its sentence."""


# --- pipeline options: EventwireOptions' argparse definitions as click options; Beam's by their registered names ---

KAFKA_CONNECTION = ("kafka_bootstrap_servers", "security_protocol", "sasl_mechanism", "sasl_username", "ssl_cafile")
ANNOTATION = ("model", "language_models", "languages", "batch_size", "annotate_processes", "allow_partial",
              "max_message_bytes", "max_body_chars", "include_background", "min_confidence")


def _eventwire_actions() -> list[argparse.Action]:
    parser = argparse.ArgumentParser(add_help=False)
    EventwireOptions._add_argparse_args(parser)
    return [action for action in parser._actions if action.option_strings]


@lru_cache(maxsize=1)
def _UNDERSCORE_ALIASES() -> dict[str, str]:
    return {name: dashed[0] for action in _eventwire_actions()
            for dashed in [[n for n in action.option_strings if "_" not in n]] if dashed
            for name in action.option_strings if "_" in name}


def _click_option(action: argparse.Action) -> click.Option:
    dashed = [name for name in action.option_strings if "_" not in name] or action.option_strings
    if action.nargs == 0:  # a store_true switch
        return click.Option([*dashed, action.dest], is_flag=True, default=bool(action.default), help=action.help)
    kind = click.Choice(action.choices) if action.choices else {int: click.INT, float: click.FLOAT}.get(action.type, click.STRING)
    return click.Option([*dashed, action.dest], type=kind, default=action.default, show_default=action.default is not None,
                        help=action.help)


def pipeline_options(*dests: str, example: str):
    """Adds the named EventwireOptions (all when none is named) as click options, accepts Beam options, and an example."""

    def decorate(function):
        actions = {action.dest: action for action in _eventwire_actions()}
        chosen = list(dests) if dests else list(actions)
        function.__click_params__ = [*getattr(function, "__click_params__", []),
                                     *(_click_option(actions[dest]) for dest in reversed(chosen))]
        function.eventwire_dests = chosen
        function.eventwire_epilog = (f"Example:\n\n\b\n  {example}\n\nBeam pipeline options (--runner, --prism_location, "
                                     "--direct_num_workers, --flink_master, ...) are accepted by their Beam names.")
        return function

    return decorate


def example(text: str):
    """The example line of a command's --help."""

    def decorate(function):
        function.eventwire_epilog = f"Example:\n\n\b\n  {text}"
        return function

    return decorate


class EventwireCommand(click.Command):
    """A subcommand whose --help ends with its example, the common options and the exit codes; Beam options pass
    (checked by `beam_args`) when it was decorated with `pipeline_options`."""

    def __init__(self, *args, callback=None, **kwargs):
        epilog = getattr(callback, "eventwire_epilog", None)
        kwargs["epilog"] = "\n\n".join(part for part in (epilog, kwargs.get("epilog"), COMMON_EPILOG, EXIT_CODES_EPILOG) if part)
        self.eventwire_dests = getattr(callback, "eventwire_dests", None)
        if self.eventwire_dests is not None:
            kwargs["context_settings"] = {**(kwargs.get("context_settings") or {}), "ignore_unknown_options": True,
                                          "allow_extra_args": True}
        super().__init__(*args, callback=callback, **kwargs)


EventwireGroup.command_class = EventwireCommand


@lru_cache(maxsize=1)
def beam_option_names() -> dict[str, bool]:
    """Every option Beam's registered PipelineOptions subclasses define: name -> whether it takes a value."""
    from apache_beam.options.pipeline_options import PipelineOptions

    names, pending, seen = {}, [PipelineOptions], set()
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls in seen or cls is EventwireOptions or "_add_argparse_args" not in vars(cls):
            seen.add(cls)
            continue
        seen.add(cls)
        parser = argparse.ArgumentParser(add_help=False, conflict_handler="resolve")
        try:
            cls._add_argparse_args(parser)
        except Exception:  # noqa: BLE001 - a broken third-party options class must not break the CLI
            continue
        for action in parser._actions:
            for name in action.option_strings:
                names[name] = action.nargs != 0
    return names


JOB_SERVER_RUNNERS = frozenset({"FlinkRunner", "PortableRunner"})
"""Runners whose Java job server takes options Beam's Python SDK does not define (e.g. the Flink runner's
--checkpointing_interval): Beam passes unknown `--name=value` options on to it, so they are accepted there."""


def _runner(args: list[str]) -> str | None:
    for index, arg in enumerate(args):
        if arg.startswith("--runner="):
            return arg.split("=", 1)[1]
        if arg == "--runner" and index + 1 < len(args):
            return args[index + 1]
    return None


def beam_args(ctx: click.Context) -> list[str]:
    """The extra arguments, checked against Beam's option names (unknown ones rejected with a suggestion); with a
    job-server runner, unknown options written `--name=value` pass through to it."""
    known = beam_option_names()
    ours = [name for param in ctx.command.params for name in getattr(param, "opts", [])]
    to_job_server = _runner(ctx.args) in JOB_SERVER_RUNNERS
    expects_value = False
    for arg in ctx.args:
        if arg.startswith("--"):
            name = arg.split("=", 1)[0]
            if name not in known and to_job_server and "=" in arg:
                expects_value = False
                continue
            if name not in known:
                suggestion = difflib.get_close_matches(name, ours + list(known), n=1, cutoff=0.6)
                hint = f"; did you mean {suggestion[0]}?" if suggestion else ""
                raise click.UsageError(f"no such option {name}{hint}", ctx)
            expects_value = known[name] and "=" not in arg
        elif expects_value:
            expects_value = False
        else:
            raise click.UsageError(f"unexpected argument {arg!r}", ctx)
    return list(ctx.args)


def build_options(ctx: click.Context, values: dict, *, streaming: bool = False) -> EventwireOptions:
    """EventwireOptions from the command's click values and the checked Beam arguments; the model follows --languages."""
    dests = getattr(ctx.command, "eventwire_dests", None) or []
    settings = {dest: values[dest] for dest in dests if dest in values}
    options = EventwireOptions(beam_args(ctx) if not streaming else _stream_args(beam_args(ctx)), streaming=streaming,
                               **settings)
    if "languages" in settings:
        model = preflight.languages(options.accepted_languages(), options.models_by_language())
        if ctx.get_parameter_source("model") in (None, click.core.ParameterSource.DEFAULT):
            options.view_as(EventwireOptions).model = model
    return options


# --- commands ---


@main.command()
@click.option("--input", "inputs", multiple=True, required=True, help="JSONL or JSONL.gz file or glob (repeatable)")
@click.option("--topic", default="articles.raw", show_default=True)
@click.option("--bootstrap-servers", default=None, help="default: $EVENTWIRE_KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092")
@click.option("--rate", type=float, default=None, help="messages per second (default: as fast as the broker takes them)")
@example("eventwire produce --input examples/articles.jsonl --rate 10")
def produce(inputs, topic, bootstrap_servers, rate):
    """Publish JSONL lines as they are (bad lines too), keyed by article id where one can be read."""
    from tqdm import tqdm

    from pipelines.io.kafka_config import KafkaConfig
    from pipelines.produce import produce_files

    paths = preflight.jsonl_inputs(list(inputs))
    preflight.broker(KafkaConfig.from_settings(bootstrap_servers=bootstrap_servers), [topic])
    counts = produce_files(paths, topic, bootstrap_servers, rate, progress=tqdm)
    click.echo(f"produced {counts['produced']} messages to {topic} ({counts['keyed']} keyed by article id, "
               f"{counts['unkeyed']} without a readable id)")
    for error, count in sorted(counts["refused"].items()):
        click.echo(f"refused {count} of {counts['sent']} messages: {error}", err=True)
    if counts["refused"]:
        sys.exit(1)


@main.command()
@click.option("--metrics-port", type=int, default=None, help="serve Prometheus metrics on this port (/metrics)")
@pipeline_options(example="eventwire stream --bootstrap-servers 127.0.0.1:9092 --output out/stream --until-idle 10")
@click.pass_context
def stream(ctx, metrics_port, **values):
    """Run the streaming pipeline: Kafka -> parse -> deduplicate -> annotate -> Avro files + Kafka, then commit offsets.

    Ctrl-C (SIGINT) or SIGTERM stops reading, finishes and commits what was read, and prints the summary.
    """
    import apache_beam as beam

    from pipelines import live, shutdown
    from pipelines.graphs import stream as stream_graph
    from pipelines.metrics import LagMonitor, serve

    options = build_options(ctx, values, streaming=True)
    preflight.output_dir(options.output)
    kafka = options.kafka_config()
    preflight.broker(kafka, [options.input_topic, options.annotated_topic, options.dlq_topic, options.events_topic])
    with _group_lease(kafka, options.consumer_group, options.input_topic):
        if metrics_port is not None:
            serve(metrics_port)
        started = time.monotonic()
        live.reset()  # the summary checks Beam's metrics against this run's own counts (summary.in_process_counts)
        pipeline = beam.Pipeline(options=options)
        stream_graph.build(pipeline, options)
        shutdown.ignore_in_children()
        result = pipeline.run()
        shutdown.install()
        monitor = LagMonitor(kafka, options.input_topic, options.consumer_group)
        monitor.start()
        try:
            result.wait_until_finish()
        finally:
            monitor.stop()
    _finish(result, options.output, options.output, started, options)


@contextlib.contextmanager
def _group_lease(kafka, consumer_group: str, topic: str):
    """One stream per consumer group (pipelines/io/group_lease.py): a second one stops here with one line."""
    from pipelines.io.group_lease import ConsumerGroupInUse, GroupLease

    try:
        with GroupLease(kafka, consumer_group, topic):
            yield
    except ConsumerGroupInUse as error:
        raise UserError(str(error), "each eventwire stream needs its own --consumer-group; to use more cores or "
                        "machines, run one stream on a runner with more workers (README: One stream per consumer "
                        "group)") from None


def _finish(result, summary_dir: str, avro_dir: str, started: float, options=None) -> None:
    from pipelines.summary import accounting, format_summary, in_process_counts, run_counters

    report = accounting(run_counters(result, in_process_counts(options) if options is not None else None))
    elapsed = time.monotonic() - started
    click.echo(format_summary(report, avro_dir))
    click.echo(f"  wall time        {elapsed:.1f} s ({report['articles_in'] / elapsed:.2f} articles/s)")
    _write_report(summary_dir, report)
    _exit_for(report)


def _exit_for(report: dict) -> None:
    if not report["balanced"]:
        raise UserError("accounting mismatch: in != annotated + dead-lettered + duplicates (+ skipped)",
                        "this is a bug: please report it with the summary above", EXIT_UNBALANCED)
    if report["articles_in"] and not report["annotated"] and not any(
            report.get(name) for name in ("duplicates", "replays", "skipped_complete")):
        reasons = ", ".join(f"{reason} {count}" for reason, count in report["dead_letters_by_reason"].items())
        raise UserError(f"read {report['articles_in']} records but annotated none (dead-lettered: {reasons or 'none'})",
                        "see the dead letters for each record's reason; `--languages` and `--language-models` "
                        "choose which languages are annotated", EXIT_NOTHING_ANNOTATED)


STREAM_JOB_SERVICE_TIMEOUT_S = 10 * 365 * 24 * 3600


def _stream_args(args: list[str]) -> list[str]:
    """Stream defaults: Prism when no runner is named, and no deadline on the job service's streams.

    Beam's portable runner (which PrismRunner is) opens the job-state stream with
    `--job_server_timeout` as a gRPC deadline, 300 s by default: a stream running longer died
    with DEADLINE_EXCEEDED (found by the 10-minute soak). A streaming job has no deadline.
    """
    if not any(arg.startswith(("--job_server_timeout", "--job-server-timeout")) for arg in args):
        args = [*args, f"--job_server_timeout={STREAM_JOB_SERVICE_TIMEOUT_S}"]
    if not any(arg.startswith("--prism_log_level") for arg in args) and not LOG.isEnabledFor(logging.DEBUG):
        args = [*args, "--prism_log_level=error"]  # Prism logs every job and worker at info; shown only from ERROR up
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
        LOG.warning("no Prism binary at %s: streaming on the FnApiRunner (stateful steps run at the end)", prism)
        return args
    return ["--runner=PrismRunner", f"--prism_location={prism}", "--environment_type=LOOPBACK", *args]


def _write_report(output: str, report: dict) -> None:
    from apache_beam.io.filesystems import FileSystems

    summary, content = FileSystems.join(output, "_summary.json"), (json.dumps(report, indent=2) + "\n").encode()
    if schemas.read_if_exists(summary) != content:
        schemas.write_atomically(summary, content)


@main.command()
@click.option("--input", "inputs", multiple=True, required=True, help="JSONL or JSONL.gz file or glob (repeatable)")
@click.option("--output", required=True, help="FILE.jsonl or FILE.avro")
@pipeline_options(*ANNOTATION, example="eventwire extract --input examples/articles.jsonl --output out/articles.jsonl")
@click.pass_context
def extract(ctx, inputs, output, **values):
    """Annotate files without Kafka: one output record per article; bad lines go to OUTPUT.dead_letters.jsonl."""
    import apache_beam as beam

    from pipelines.graphs import extract as extract_graph
    from pipelines.io.files import count_lines
    from pipelines.summary import accounting, run_counters

    options = build_options(ctx, values)  # the command line first: a typo is reported before any file is read
    paths = preflight.jsonl_inputs(list(inputs))
    preflight.output_file(output)
    pipeline = beam.Pipeline(options=options)
    extract_graph.build(pipeline, options, paths, output, total=sum(count_lines(path) for path in paths))
    result = pipeline.run()
    result.wait_until_finish()
    report = accounting(run_counters(result))
    click.echo(f"annotated {report['annotated']} of {report['articles_in']} articles -> {output}; "
               f"{report['dead_lettered']} dead-lettered -> {extract_graph.dead_letters_path(output)} "
               f"{report['dead_letters_by_reason'] or ''}; {report['events']} events")
    _exit_for(report)


@main.command()
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
@pipeline_options(*ANNOTATION, *KAFKA_CONNECTION,
                  example="eventwire backfill --input '../shared/data/news/*.jsonl' --output out/backfill")
@click.pass_context
def backfill(ctx, inputs, warcs, kafka_topic, from_offset, to_offset, from_time, to_time, output, resume,
             cluster_bucket_days, **values):
    """Re-process archives (files, WARC, a Kafka range) with the stream's composites; Avro by publication date."""
    import apache_beam as beam

    from pipelines.graphs import backfill as backfill_graph
    from pipelines.io.files import count_lines, expand_inputs
    from pipelines.io.kafka import OffsetBounds

    if not (inputs or warcs or kafka_topic):
        raise UserError("backfill needs at least one input", "give --input FILE, --warc FILE or --kafka-topic TOPIC")
    options = build_options(ctx, values)
    jsonl = preflight.jsonl_inputs(list(inputs)) if inputs else []
    warc_paths = expand_inputs(list(warcs)) if warcs else []
    preflight.output_dir(output)
    if kafka_topic:
        preflight.broker(options.kafka_config(), [kafka_topic])
    sources = backfill_graph.BackfillInputs(
        jsonl=jsonl, warc=warc_paths, kafka_topic=kafka_topic,
        kafka_bounds=OffsetBounds(from_offset, to_offset, _epoch_ms(from_time), _epoch_ms(to_time)))
    total = sum(count_lines(path) for path in jsonl) if jsonl and not (warcs or kafka_topic) else None
    started = time.monotonic()
    pipeline = beam.Pipeline(options=options)
    backfill_graph.build(pipeline, options, sources, output, resume, cluster_bucket_days, total)
    result = pipeline.run()
    result.wait_until_finish()
    _finish(result, output, backfill_graph.articles_dir(output), started)


def _epoch_ms(moment: str | None) -> int | None:
    from pipelines.articles import Rejected, normalise_timestamp

    if moment is None:
        return None
    try:
        return int(datetime.fromisoformat(normalise_timestamp(moment).replace("Z", "+00:00")).timestamp() * 1000)
    except Rejected:
        raise UserError(f"not a date: {moment!r}", "use ISO-8601, e.g. 2024-05-01T00:00:00Z") from None


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--summary", is_flag=True, help="counts instead of records")
@click.option("--limit", type=int, default=None, help="print at most this many records")
@example("eventwire inspect out/stream --summary")
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
    from pipelines.outputs import summarise

    return summarise(files)


from pipelines.evaluate import evaluate  # noqa: E402
main.add_command(evaluate)


# --- export and report (issue 12): implementations in pipelines/export.py and pipelines/report.py ---
@main.command("export")
@click.argument("output", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "jsonl"]), default="csv", show_default=True)
@click.option("--to", type=click.Path(dir_okay=False, path_type=Path), default=None, help="file (default: stdout)")
def export_rows(output, fmt, to):
    """Flat, labelled event rows of any output (article and/or event-row files) as CSV, Parquet or JSON lines."""
    from pipelines.export import export

    try:
        count = export(output, fmt, to)
    except ValueError as error:
        raise click.UsageError(str(error))
    if to is not None:
        click.echo(f"{count} event rows -> {to}", err=True)


@main.command("report")
@click.argument("output", type=click.Path(exists=True, path_type=Path))
@click.option("--html", "html", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--top", type=int, default=50, show_default=True, help="rows of the top-events table")
def report_html(output, html, top):
    """One self-contained HTML report (map, timeline, actor pairs, top events) that opens offline."""
    from pipelines.report import write_report

    count = write_report(output, html, top=top)
    click.echo(f"report of {count} events -> {html}")


if __name__ == "__main__":
    main()
