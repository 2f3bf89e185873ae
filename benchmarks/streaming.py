"""End-to-end streaming figures against a real local broker: throughput and append-to-append latency.

A broker of its own (free ports, temporary folder) with LogAppendTime topics, so both ends of
every latency are the broker's own append times: an article's append to articles.raw and its
annotated record's append to articles.annotated. `eventwire stream` runs on Prism as a
subprocess; after a warm-up, articles are produced as fast as the broker takes them (the
maximum), then at fixed fractions of that maximum.

Run alone (`python -m benchmarks.streaming --fractions 0.5 --maximum 14.99 --stages`) it measures
latency only, at fractions of a given maximum, and with `--stages` breaks it down by stage from
the stream's stage log (`pipelines/devtools/stage_log.py`): per stage p50/p95/p99, and the mean of each
stage over the slowest 5% of articles.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from pipelines.devtools.local_kafka import DEFAULT_TOPICS, LocalKafka

REPO = Path(__file__).resolve().parents[1]
PRISM = Path(os.environ.get("EVENTWIRE_PRISM", REPO / ".cache" / "bin" / "prism"))
# Stages an article passes, in order, as logged by the stream with EVENTWIRE_STAGE_LOG; both ends are broker appends.
STAGES = ("raw append", "read", "dedup", "annotate_start", "annotate_end", "annotated append")


def free_ports(count: int) -> list[int]:
    probes = [socket.socket() for _ in range(count)]
    for probe in probes:
        probe.bind(("127.0.0.1", 0))
    ports = [probe.getsockname()[1] for probe in probes]
    for probe in probes:
        probe.close()
    return ports


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants that are still alive."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():  # children of every thread, not only the main one
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
        found.append(current)
    return found


def memory_mb(pid: int, field: str) -> tuple[str, float]:
    """(name[pid], VmHWM or VmRSS in MB) of one process."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return f"{status['Name'].strip()}[{pid}]", int(status.get(field, "0 kB").split()[0]) / 1024


def process_tree_memory_mb(pid: int, field: str = "VmHWM") -> dict[str, float]:
    """Peak (VmHWM) or current (VmRSS) resident memory of a process tree, by process."""
    sizes = {}
    for member in process_tree(pid):
        try:
            name, size = memory_mb(member, field)
        except (FileNotFoundError, ProcessLookupError):
            continue
        sizes[name] = size
    return sizes


class PeakMemory(threading.Thread):
    """Samples the peak RSS of a process tree until stopped (children may exit before the end)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self._pid, self.peaks, self._stopping = pid, {}, threading.Event()

    def run(self):
        while not self._stopping.wait(1.0):
            for name, peak in process_tree_memory_mb(self._pid).items():
                self.peaks[name] = max(peak, self.peaks.get(name, 0.0))

    def stop(self):
        self._stopping.set()
        self.join()


class AnnotatedWatcher(threading.Thread):
    """Records the append time of every annotated article id."""

    def __init__(self, bootstrap: str, topic: str, stream: subprocess.Popen, stream_log: Path):
        super().__init__(daemon=True)
        self._stream, self._stream_log = stream, stream_log
        self.appended: dict[str, int] = {}
        self._consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                       enable_auto_commit=False, group_id=None)
        self._stopping = threading.Event()

    def run(self):
        while not self._stopping.is_set():
            for batch in self._consumer.poll(timeout_ms=200).values():
                for message in batch:
                    self.appended.setdefault(message.key.decode(), message.timestamp)
        self._consumer.close()

    def wait_for(self, ids, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not all(article_id in self.appended for article_id in ids):
            if self._stream.poll() is not None:
                raise RuntimeError(f"the stream exited with {self._stream.returncode} before its output arrived; "
                                   f"its log: {self._stream_log}")
            if time.monotonic() > deadline:
                missing = [i for i in ids if i not in self.appended]
                raise TimeoutError(f"{len(missing)} articles not annotated after {timeout:.0f} s")
            time.sleep(0.1)

    def stop(self):
        self._stopping.set()
        self.join()


def produce(producer: KafkaProducer, topic: str, articles: list[dict], tag: str, rate: float | None) -> dict[str, int]:
    """Send articles (ids suffixed with `tag`) at `rate` per second or as fast as possible; their append times."""
    futures, started = {}, time.monotonic()
    for index, article in enumerate(articles):
        article_id = f"{article['id']}#{tag}-{index}"  # unique even when a sample repeats an article
        futures[article_id] = producer.send(topic, key=article_id.encode(), value=json.dumps({**article, "id": article_id}).encode())
        if rate:
            time.sleep(max(0.0, started + (index + 1) / rate - time.monotonic()))
    producer.flush()
    return {article_id: future.get(timeout=60).timestamp for article_id, future in futures.items()}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


@contextlib.contextmanager
def stream_under_test(window_seconds: int = 10, stage_log: Path | None = None, annotate_processes: int = 2):
    """A broker of its own with LogAppendTime topics and `eventwire stream` on Prism reading it.

    Yields (bootstrap, stream process, AnnotatedWatcher, producer, PeakMemory); stops everything
    on exit. The temporary folder (broker data, the stream's log) is kept only if something failed.
    With `stage_log`, the stream logs its stage timestamps there.
    """
    port, controller_port = free_ports(2)
    folder = Path(tempfile.mkdtemp(prefix="eventwire-bench-"))
    broker = LocalKafka(folder / "kafka", port, controller_port)
    broker.up(topics={})
    try:
        with KafkaAdminClient(bootstrap_servers=broker.bootstrap) as admin:
            admin.create_topics([NewTopic(name, partitions, 1, topic_configs={"message.timestamp.type": "LogAppendTime"})
                                 for name, partitions in DEFAULT_TOPICS.items()])
        command = [sys.executable, "-m", "pipelines.cli", "stream", "--runner=PrismRunner", f"--prism_location={PRISM}",
                   "--environment_type=LOOPBACK", "--bootstrap-servers", broker.bootstrap, "--output", str(folder / "out"),
                   "--until-idle", "60", "--window-seconds", str(window_seconds), "--consumer-group", "bench",
                   "--annotate-processes", str(annotate_processes)]
        log = folder / "stream.log"
        env = {**os.environ, "EVENTWIRE_STAGE_LOG": str(stage_log)} if stage_log else None
        stream = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=log.open("w"), text=True, env=env)
        memory, watcher = PeakMemory(stream.pid), AnnotatedWatcher(broker.bootstrap, "articles.annotated", stream, log)
        memory.start()
        watcher.start()
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", linger_ms=5)
        try:
            yield broker.bootstrap, stream, watcher, producer, memory
        finally:
            producer.close()
            watcher.stop()
            stream.communicate(timeout=600)
            memory.stop()
    finally:
        broker.down()
    shutil.rmtree(folder)


def warm_up(producer, watcher, articles: list[dict]) -> None:
    watcher.wait_for(produce(producer, "articles.raw", articles[:3], "warmup", None), timeout=300)


def maximum_rate(producer, watcher, articles: list[dict]) -> float:
    """Articles/s from the first append to articles.raw to the last append to articles.annotated."""
    burst = produce(producer, "articles.raw", articles, f"max-{time.time_ns()}", None)
    watcher.wait_for(burst, timeout=1800)
    return len(burst) / ((max(watcher.appended[i] for i in burst) - min(burst.values())) / 1000)


def stage_breakdown(stage_log: Path, raw: dict[str, int], annotated: dict[str, int]) -> dict:
    """Per stage (time from the previous stage) p50/p95/p99, and its mean over the slowest 5% of articles."""
    times = {article_id: {"raw append": ms / 1000, "annotated append": annotated[article_id] / 1000}
             for article_id, ms in raw.items()}
    for line in stage_log.read_text().splitlines():
        stage, article_id, at = line.split("\t")
        if article_id in times:
            times[article_id].setdefault(stage, float(at))
    complete = [t for t in times.values() if all(stage in t for stage in STAGES)]
    total = {id(t): t["annotated append"] - t["raw append"] for t in complete}
    slowest = sorted(complete, key=lambda t: total[id(t)])[-max(1, len(complete) // 20):]
    breakdown = {}
    for before, stage in zip(STAGES, STAGES[1:]):
        spans = [t[stage] - t[before] for t in complete]
        breakdown[f"{before} -> {stage}"] = {
            "p50_s": percentile(spans, 0.5), "p95_s": percentile(spans, 0.95), "p99_s": percentile(spans, 0.99),
            "slowest_5pct_mean_s": statistics.fmean(t[stage] - t[before] for t in slowest)}
    breakdown["total"] = {"p50_s": percentile(list(total.values()), 0.5), "p95_s": percentile(list(total.values()), 0.95),
                          "p99_s": percentile(list(total.values()), 0.99),
                          "slowest_5pct_mean_s": statistics.fmean(total[id(t)] for t in slowest)}
    return {"articles": len(complete), "stages": breakdown}


def measure(articles: list[dict], load_seconds: float = 30.0, window_seconds: int = 10,
            fractions: tuple[float, ...] = (0.25, 0.5, 0.75), maximum: float | None = None,
            stages: bool = False, annotate_processes: int = 2) -> dict:
    """Maximum throughput (measured unless `maximum` is given), then latency at `fractions` of it."""
    stage_folder = Path(tempfile.mkdtemp(prefix="eventwire-stages-")) if stages else None
    stage_log = stage_folder / "stages.tsv" if stages else None
    with stream_under_test(window_seconds, stage_log, annotate_processes) as (_, _, watcher, producer, memory):
        warm_up(producer, watcher, articles)
        if maximum is None:
            maximum = maximum_rate(producer, watcher, articles)
        else:  # the same warm-up as a measured maximum: every article through the pipeline once
            watcher.wait_for(produce(producer, "articles.raw", articles, f"warm-{time.time_ns()}", None), timeout=1800)
        results = {"e2e_articles_per_s": maximum, "e2e_articles": len(articles), "window_seconds": window_seconds}
        for fraction in fractions:
            rate = fraction * maximum
            count = max(5, int(rate * load_seconds))
            sample = (articles * (count // len(articles) + 1))[:count]
            appended = produce(producer, "articles.raw", sample, f"load{int(fraction * 100)}-{time.time_ns()}", rate)
            watcher.wait_for(appended, timeout=load_seconds * 10 + 300)
            latencies = [(watcher.appended[i] - appended[i]) / 1000 for i in appended]
            results[f"latency_{int(fraction * 100)}"] = {
                "rate_per_s": rate, "articles": count, "p50_s": percentile(latencies, 0.5),
                "p95_s": percentile(latencies, 0.95), "p99_s": percentile(latencies, 0.99),
                "mean_s": statistics.fmean(latencies)}
            if stages:
                results[f"stages_{int(fraction * 100)}"] = stage_breakdown(stage_log, appended, watcher.appended)
    results["stream_peak_rss_mb"] = memory.peaks
    if stage_folder:
        shutil.rmtree(stage_folder)
    return results


def main() -> None:
    from benchmarks.bench import NEWS, sample  # bench imports this module

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--load-seconds", type=float, default=30.0, help="duration of each fixed-rate latency run")
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.5, 0.75])
    parser.add_argument("--maximum", type=float, help="articles/s that fractions refer to (default: measured first)")
    parser.add_argument("--stages", action="store_true", help="break latency down by stage")
    parser.add_argument("--annotate-processes", type=int, default=2, help="spaCy processes of the stream")
    args = parser.parse_args()
    results = measure(sample(NEWS, args.articles), args.load_seconds, fractions=tuple(args.fractions),
                      maximum=args.maximum, stages=args.stages, annotate_processes=args.annotate_processes)
    print(f"maximum {results['e2e_articles_per_s']:.2f} articles/s"
          + (" (given)" if args.maximum else f" (measured, {args.articles} articles)"))
    for fraction in args.fractions:
        key = int(fraction * 100)
        load = results[f"latency_{key}"]
        print(f"latency at {key:>2}% load ({load['rate_per_s']:.2f}/s, {load['articles']} articles): "
              f"p50 {load['p50_s']:.2f} s  p95 {load['p95_s']:.2f} s  p99 {load['p99_s']:.2f} s  mean {load['mean_s']:.2f} s")
        if args.stages:
            breakdown = results[f"stages_{key}"]
            print(f"  {'stage (s)':<38} {'p50':>6} {'p95':>6} {'p99':>6}  slowest 5% mean   ({breakdown['articles']} articles)")
            for name, spans in breakdown["stages"].items():
                print(f"  {name:<38} {spans['p50_s']:6.2f} {spans['p95_s']:6.2f} {spans['p99_s']:6.2f}  {spans['slowest_5pct_mean_s']:6.2f}")


if __name__ == "__main__":
    main()
