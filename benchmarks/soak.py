"""Sustained load: `eventwire stream` at a fraction of its maximum for many minutes (`make chaos`).

Every 15 s it prints the consumer lag (articles appended to articles.raw and not yet on
articles.annotated) and the resident memory of the stream's process tree; at the end it checks
that the lag stayed bounded (the last quarter's worst lag is no more than 30 s of arrivals) and
that memory did not grow more than 10% after warm-up (the first quarter), and exits non-zero if not.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time

from benchmarks import streaming
from benchmarks.bench import NEWS, sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--fraction", type=float, default=0.75, help="of the measured maximum rate")
    parser.add_argument("--articles", type=int, default=120)
    args = parser.parse_args()
    articles = sample(NEWS, args.articles)
    with streaming.stream_under_test() as (_, stream, watcher, producer, _):
        streaming.warm_up(producer, watcher, articles)
        rate = args.fraction * streaming.maximum_rate(producer, watcher, articles)
        print(f"sustained load: {rate:.2f} articles/s ({args.fraction:.0%} of the maximum) for {args.minutes} min")
        produced, samples, started = {}, [], time.monotonic()
        source = itertools.cycle(articles)
        while time.monotonic() - started < args.minutes * 60:
            batch = [next(source) for _ in range(max(1, round(rate * 15)))]
            produced.update(streaming.produce(producer, "articles.raw", batch, f"soak-{time.time_ns()}", rate))
            if stream.poll() is not None:
                sys.exit(f"the stream exited with {stream.returncode} after {time.monotonic() - started:.0f} s")
            lag = sum(1 for article_id in produced if article_id not in watcher.appended)
            rss = sum(streaming.process_tree_memory_mb(stream.pid, "VmRSS").values())
            samples.append({"t_s": round(time.monotonic() - started), "lag": lag, "rss_mb": round(rss)})
            print(json.dumps(samples[-1]), flush=True)
        watcher.wait_for(produced, timeout=900)
    quarter = max(1, len(samples) // 4)
    worst_late_lag = max(s["lag"] for s in samples[-quarter:])
    warm_rss, end_rss = samples[quarter - 1]["rss_mb"], samples[-1]["rss_mb"]
    lag_ok, memory_ok = worst_late_lag <= rate * 30, end_rss <= warm_rss * 1.10
    print(f"lag in the last quarter at most {worst_late_lag} articles ({'bounded' if lag_ok else 'GROWING'}); "
          f"memory {warm_rss} MB after warm-up -> {end_rss} MB at the end ({'flat' if memory_ok else 'GROWING'}); "
          f"all {len(produced)} articles annotated")
    sys.exit(0 if lag_ok and memory_ok else 1)


if __name__ == "__main__":
    main()
