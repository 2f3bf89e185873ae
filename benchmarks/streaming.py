"""End-to-end streaming figures against a real local broker: throughput and append-to-append latency.

A broker of its own (free ports, temporary folder) with LogAppendTime topics, so both ends of
every latency are the broker's own append times: an article's append to articles.raw and its
annotated record's append to articles.annotated. `eventwire stream` runs on Prism as a
subprocess; after a warm-up, articles are produced as fast as the broker takes them (the
maximum), then at fixed fractions of that maximum.
"""

from __future__ import annotations

import json
import os
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

from pipelines.local_kafka import DEFAULT_TOPICS, LocalKafka

REPO = Path(__file__).resolve().parents[1]
PRISM = Path(os.environ.get("EVENTWIRE_PRISM", REPO / ".cache" / "bin" / "prism"))


def free_ports(count: int) -> list[int]:
    probes = [socket.socket() for _ in range(count)]
    for probe in probes:
        probe.bind(("127.0.0.1", 0))
    ports = [probe.getsockname()[1] for probe in probes]
    for probe in probes:
        probe.close()
    return ports


def process_tree_peak_rss_mb(pid: int) -> dict[str, float]:
    """VmHWM (peak resident set) of a process and its descendants, by command name."""
    peaks = {}
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        name = f"{fields['Name'].strip()}[{current}]"
        peaks[name] = int(fields.get("VmHWM", "0 kB").split()[0]) / 1024
        pending.extend(int(child) for child in children)
    return peaks


class PeakMemory(threading.Thread):
    """Samples the peak RSS of a process tree until stopped (children may exit before the end)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self._pid, self.peaks, self._stop = pid, {}, threading.Event()

    def run(self):
        while not self._stop.wait(1.0):
            for name, peak in process_tree_peak_rss_mb(self._pid).items():
                self.peaks[name] = max(peak, self.peaks.get(name, 0.0))

    def stop(self):
        self._stop.set()
        self.join()


class AnnotatedWatcher(threading.Thread):
    """Records the append time of every annotated article id."""

    def __init__(self, bootstrap: str, topic: str):
        super().__init__(daemon=True)
        self.appended: dict[str, int] = {}
        self._consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                       enable_auto_commit=False, group_id=None)
        self._stop = threading.Event()

    def run(self):
        while not self._stop.is_set():
            for batch in self._consumer.poll(timeout_ms=200).values():
                for message in batch:
                    self.appended.setdefault(message.key.decode(), message.timestamp)
        self._consumer.close()

    def wait_for(self, ids, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not all(article_id in self.appended for article_id in ids):
            if time.monotonic() > deadline:
                missing = [i for i in ids if i not in self.appended]
                raise TimeoutError(f"{len(missing)} articles not annotated after {timeout:.0f} s")
            time.sleep(0.1)

    def stop(self):
        self._stop.set()
        self.join()


def produce(producer: KafkaProducer, topic: str, articles: list[dict], tag: str, rate: float | None) -> dict[str, int]:
    """Send articles (ids suffixed with `tag`) at `rate` per second or as fast as possible; their append times."""
    futures, started = {}, time.monotonic()
    for index, article in enumerate(articles):
        article_id = f"{article['id']}#{tag}"
        futures[article_id] = producer.send(topic, key=article_id.encode(), value=json.dumps({**article, "id": article_id}).encode())
        if rate:
            time.sleep(max(0.0, started + (index + 1) / rate - time.monotonic()))
    producer.flush()
    return {article_id: future.get(timeout=60).timestamp for article_id, future in futures.items()}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(articles: list[dict], load_seconds: float = 30.0, window_seconds: int = 10) -> dict:
    port, controller_port = free_ports(2)
    with tempfile.TemporaryDirectory() as folder:
        broker = LocalKafka(Path(folder) / "kafka", port, controller_port)
        broker.up(topics={})
        try:
            with KafkaAdminClient(bootstrap_servers=broker.bootstrap) as admin:
                admin.create_topics([NewTopic(name, partitions, 1, topic_configs={"message.timestamp.type": "LogAppendTime"})
                                     for name, partitions in DEFAULT_TOPICS.items()])
            return _measure_on(broker.bootstrap, Path(folder), articles, load_seconds, window_seconds)
        finally:
            broker.down()


def _measure_on(bootstrap: str, folder: Path, articles: list[dict], load_seconds: float, window_seconds: int) -> dict:
    command = [sys.executable, "-m", "pipelines.cli", "stream", "--runner=PrismRunner", f"--prism_location={PRISM}",
               "--environment_type=LOOPBACK", "--bootstrap-servers", bootstrap, "--output", str(folder / "out"),
               "--until-idle", "60", "--window-seconds", str(window_seconds), "--consumer-group", "bench",
               "--annotate-processes", "2"]
    stream = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    memory = PeakMemory(stream.pid)
    memory.start()
    watcher = AnnotatedWatcher(bootstrap, "articles.annotated")
    watcher.start()
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    try:
        warm = produce(producer, "articles.raw", articles[:3], "warmup", None)
        watcher.wait_for(warm, timeout=300)

        burst = produce(producer, "articles.raw", articles, "max", None)
        watcher.wait_for(burst, timeout=1800)
        span_s = (max(watcher.appended[i] for i in burst) - min(burst.values())) / 1000
        maximum = len(burst) / span_s
        results = {"e2e_articles_per_s": maximum, "e2e_articles": len(burst)}

        for fraction in (0.25, 0.5, 0.75):
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
    finally:
        producer.close()
        watcher.stop()
        stream_output, _ = stream.communicate(timeout=600)
        memory.stop()
    results["stream_peak_rss_mb"] = memory.peaks
    results["stream_summary_ok"] = "accounting" in stream_output and "OK" in stream_output
    results["window_seconds"] = window_seconds
    return results
