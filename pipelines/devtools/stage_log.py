"""Benchmark-only stage timestamps: where each article is when, to break latency down by stage.

With the environment variable EVENTWIRE_STAGE_LOG=FILE set, the streaming stages append one line
`stage<TAB>key<TAB>epoch seconds` per record to FILE (`benchmarks/streaming.py --stages` reads it).
Unset, `reached` returns at once: one global lookup per call in the hot path.
"""

from __future__ import annotations

import os
import time

PATH = os.environ.get("EVENTWIRE_STAGE_LOG")


def reached(stage: str, keys) -> None:
    """Records that `keys` (article ids; bytes or str; None is skipped) reached `stage` now."""
    if PATH is None:
        return
    now = time.time()
    lines = "".join(f"{stage}\t{key.decode() if isinstance(key, bytes) else key}\t{now:.6f}\n" for key in keys
                    if key is not None)
    if lines:
        descriptor = os.open(PATH, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, lines.encode())  # one append per call, so lines of concurrent bundles never mix
        finally:
            os.close(descriptor)
