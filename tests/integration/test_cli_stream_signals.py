"""`eventwire stream` as an operator runs it: stopped by Ctrl-C or SIGTERM mid-stream, scraped by Prometheus, and
quiet on stderr. Real broker (fixture), Prism, the real spaCy model; the command runs in its own process group."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.integration.conftest import free_ports
from tests.integration.streaming import (BAD_RECORDS, REPO, article_id, avro_records, committed_offsets, produce,
                                         real_articles, run_stream, stream_command)

pytestmark = pytest.mark.integration

STOP_WITHIN_S = 120  # from the signal to the exit: windows close, files, commits, summary
OWN_STDERR_LINE = re.compile(
    r"^(\d\d:\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|CRITICAL) (pipelines|eventwire)[\w.]*: .*"  # eventwire's log lines
    r"|SIG(INT|TERM): stopping; .*)$")                                                     # the signal notice


def third_party_lines(stderr: str) -> list[str]:
    """Lines of stderr that are not eventwire's own (log lines, progress, the signal notice)."""
    lines = [line.rstrip() for line in stderr.replace("\r", "\n").splitlines() if line.strip()]
    return [line for line in lines if not OWN_STDERR_LINE.match(line)]


class Stream:
    """`eventwire stream` in its own session (as a shell job), stdout and stderr captured to files."""

    def __init__(self, bootstrap: str, topics: dict, output: Path, group: str, *extra: str):
        self.output, self._logs = output, output.parent
        self._stdout, self._stderr = open(self._logs / "stdout.txt", "w"), open(self._logs / "stderr.txt", "w")
        self.process = subprocess.Popen(stream_command(bootstrap, topics, output, group, *extra), cwd=REPO,
                                        stdout=self._stdout, stderr=self._stderr, start_new_session=True)

    def wait_for(self, condition, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"stream exited ({self.process.returncode}) before {what}:\n{self.stderr}"
            if condition():
                return
            time.sleep(0.5)
        raise AssertionError(f"no {what} within {timeout} s:\n{self.stderr}")

    def stop(self, signum: int, group: bool) -> tuple[int, float]:
        """Sends `signum` once (to the process group as a terminal's Ctrl-C does, or to the process alone as a
        service manager does); returns the exit code and the seconds it took."""
        sent = time.monotonic()
        (os.killpg if group else os.kill)(self.process.pid, signum)
        try:
            code = self.process.wait(timeout=STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            raise AssertionError(f"still running {STOP_WITHIN_S} s after {signal.Signals(signum).name}:\n{self.stderr}")
        return code, time.monotonic() - sent

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._stdout.close()
        self._stderr.close()

    @property
    def stdout(self) -> str:
        self._stdout.flush()
        return (self._logs / "stdout.txt").read_text()

    @property
    def stderr(self) -> str:
        self._stderr.flush()
        return (self._logs / "stderr.txt").read_text()


def assert_clean_exit(stream: Stream, code: int, seconds: float) -> dict:
    """Exit 0, the summary printed and written balanced, no traceback or other library's message on stderr."""
    stderr = stream.stderr
    assert code == 0, f"exit {code}:\n{stream.stdout}\n{stderr}"
    assert "Traceback" not in stderr and "grpc" not in stderr.lower(), stderr
    assert third_party_lines(stderr) == [], stderr
    assert "eventwire summary" in stream.stdout and "accounting" in stream.stdout and "OK" in stream.stdout, stream.stdout
    summary = json.loads((stream.output / "_summary.json").read_text())
    assert summary["balanced"], summary
    deadline = time.monotonic() + 10
    while group_alive(stream.process.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not group_alive(stream.process.pid), "a process (Prism?) outlived the stream"
    print(f"stopped in {seconds:.1f} s; summary {summary['articles_in']} in, {summary['annotated']} annotated")
    return summary


@pytest.mark.parametrize("signum, group", [(signal.SIGINT, True), (signal.SIGTERM, False)], ids=["SIGINT", "SIGTERM"])
def test_signal_mid_stream_finishes_commits_and_summarises(kafka_broker, fresh_topics, tmp_path, signum, group):
    """One SIGINT (to the process group, as Ctrl-C) or SIGTERM (to the process) while records are still arriving:
    exit 0 in bounded time, what was read is written once and committed, and a restart finds the rest."""
    bootstrap, topic = kafka_broker.bootstrap, fresh_topics["articles.raw"]
    articles = real_articles(150)
    produce(bootstrap, topic, articles[:60])
    output = tmp_path / "out"
    group_id = f"it-{signal.Signals(signum).name}"
    stream = Stream(bootstrap, fresh_topics, output, group_id, "--until-idle", "3600")
    try:
        stream.wait_for(lambda: avro_records(output), 600, "first Avro file")
        produce(bootstrap, topic, articles[60:])  # read, or in flight, when the signal comes
        time.sleep(0.5)
        code, seconds = stream.stop(signum, group)
        summary = assert_clean_exit(stream, code, seconds)
    finally:
        stream.kill()
    assert seconds < STOP_WITHIN_S

    written = [record["article_id"] for record in avro_records(output)]
    assert len(written) == len(set(written)) == summary["annotated"]
    offsets = committed_offsets(bootstrap, topic, group_id)
    assert all(offsets["committed"][p] <= offsets["end"][p] for p in offsets["end"]), offsets
    assert sum(offsets["committed"].values()) == summary["articles_in"], (offsets, summary)  # what was read, committed
    assert 60 <= summary["articles_in"] <= len(articles)

    run_stream(bootstrap, fresh_topics, output, group_id, "--until-idle", "8")  # the rest, and nothing twice
    assert Counter(record["article_id"] for record in avro_records(output)) == Counter(map(article_id, articles))
    offsets = committed_offsets(bootstrap, topic, group_id)
    assert offsets["committed"] == offsets["end"]


def scrape(port: int) -> dict[str, float]:
    """`name{labels}` -> value of every sample on /metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def test_metrics_endpoint_during_a_real_stream(kafka_broker, fresh_topics, tmp_path):
    """Scrape /metrics while the stream runs: records read, annotated, dead-lettered by reason, duplicates, lag per
    partition and the latency histogram are there and reach the run's totals; then SIGTERM, and stderr is quiet."""
    bootstrap, topic = kafka_broker.bootstrap, fresh_topics["articles.raw"]
    articles = real_articles(40)
    bad = [(b"{not json at all", "malformed_json"), (b"[1, 2, 3]", "not_an_object"),
           (json.dumps({"id": "bad-empty", "url": "https://x.org", "source": "t", "title": "t", "body": ""}).encode(),
            "empty_body")]
    duplicates = articles[:5]
    produce(bootstrap, topic, articles + [payload for payload, _ in bad] + duplicates)
    total = len(articles) + len(bad) + len(duplicates)
    port = free_ports(1)[0]
    output = tmp_path / "out"
    stream = Stream(bootstrap, fresh_topics, output, "it-metrics", "--until-idle", "3600", "--metrics-port", str(port))
    expected = {"eventwire_records_read_total": total, "eventwire_annotated_total": len(articles),
                "eventwire_duplicates_total": len(duplicates),
                **{f'eventwire_dead_lettered_total{{reason="{reason}"}}': count
                   for reason, count in Counter(reason for _, reason in bad).items()}}
    scrapes: list[dict] = []

    def finished() -> bool:
        try:
            scrapes.append(scrape(port))
        except OSError:
            return False
        last = scrapes[-1]
        lags = {name: value for name, value in last.items() if name.startswith("eventwire_consumer_lag{")}
        return (all(last.get(name) == value for name, value in expected.items())
                and len(lags) == 3 and not any(lags.values()))

    try:
        stream.wait_for(finished, 600, "final counts on /metrics")
        code, seconds = stream.stop(signal.SIGTERM, group=False)
        summary = assert_clean_exit(stream, code, seconds)
    finally:
        stream.kill()

    last = scrapes[-1]
    lags = [name for name in last if name.startswith("eventwire_consumer_lag{") and f'topic="{topic}"' in name]
    assert sorted(re.search(r'partition="(\d+)"', name).group(1) for name in lags) == ["0", "1", "2"], sorted(last)
    assert last["eventwire_end_to_end_latency_seconds_count"] == len(articles)
    assert last['eventwire_end_to_end_latency_seconds_bucket{le="+Inf"}'] == len(articles)
    assert 0 < last["eventwire_end_to_end_latency_seconds_sum"]
    assert summary["articles_in"] == total and summary["annotated"] == len(articles)
    assert summary["duplicates"] == len(duplicates) and summary["dead_lettered"] == len(bad)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def test_second_ctrl_c_exits_130_and_leaves_no_process(kafka_broker, fresh_topics, tmp_path):
    """A second Ctrl-C quits at once (130) without the clean-up; Prism, started with SIGINT ignored, must not be left
    running behind it."""
    bootstrap, topic = kafka_broker.bootstrap, fresh_topics["articles.raw"]
    produce(bootstrap, topic, real_articles(20))
    output = tmp_path / "out"
    stream = Stream(bootstrap, fresh_topics, output, "it-twice", "--until-idle", "3600")
    try:
        stream.wait_for(lambda: avro_records(output), 600, "first Avro file")
        os.killpg(stream.process.pid, signal.SIGINT)
        time.sleep(1)
        code, _ = stream.stop(signal.SIGINT, group=True)
        assert code == 130, stream.stderr
        deadline = time.monotonic() + 10
        while group_alive(stream.process.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        left = subprocess.run(["ps", "-o", "pid,args", "-g", str(stream.process.pid)], capture_output=True, text=True)
        assert not group_alive(stream.process.pid), f"left running after exit 130:\n{left.stdout}"
    finally:
        stream.kill()
