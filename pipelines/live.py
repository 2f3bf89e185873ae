"""Live figures of the running process: counter values as DoFns increment them, consumer lag, latency.

`pipelines.counters` increments these beside each Beam counter, so progress lines and the Prometheus
endpoint (pipelines/metrics.py) see them while the job runs; Beam's own metrics arrive only at the end
on some runners. They cover the DoFns that run in this process: all of them with the in-process
runners (Prism LOOPBACK, the FnApiRunner), which `stream` and `extract` use by default.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

_LOCK = threading.Lock()
_COUNTS: Counter = Counter()
_LAG: dict[tuple[str, int], int] = {}
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)
_LATENCY = {"buckets": [0] * len(LATENCY_BUCKETS), "count": 0, "sum": 0.0}


def inc(name: str, value: int = 1) -> None:
    with _LOCK:
        _COUNTS[name] += value


def counts() -> Counter:
    with _LOCK:
        return Counter(_COUNTS)


def set_lag(lag: dict[tuple[str, int], int]) -> None:
    with _LOCK:
        _LAG.clear()
        _LAG.update(lag)


def lag() -> dict[tuple[str, int], int]:
    with _LOCK:
        return dict(_LAG)


def observe_latency(seconds: float) -> None:
    with _LOCK:
        for index, bound in enumerate(LATENCY_BUCKETS):
            if seconds <= bound:
                _LATENCY["buckets"][index] += 1
        _LATENCY["count"] += 1
        _LATENCY["sum"] += seconds


def latency() -> dict:
    """Cumulative bucket counts (Prometheus style), count and sum of the end-to-end latencies seen."""
    with _LOCK:
        return {"buckets": list(_LATENCY["buckets"]), "count": _LATENCY["count"], "sum": _LATENCY["sum"]}


def reset() -> None:
    with _LOCK:
        _COUNTS.clear()
        _LAG.clear()
        _LATENCY.update(buckets=[0] * len(LATENCY_BUCKETS), count=0, sum=0.0)


class Rate:
    """Articles per second between two calls."""

    def __init__(self):
        self._last = (time.monotonic(), 0)

    def __call__(self, total: int) -> float:
        now, (then, before) = time.monotonic(), self._last
        self._last = (now, total)
        return (total - before) / (now - then) if now > then else 0.0
