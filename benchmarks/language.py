"""Language detection accuracy on the 3,121 blurbs in 55 languages of ../shared/data/news/multilingual_itn_blurbs.jsonl.gz.

    python -m benchmarks.language

Prints the detector's raw accuracy (title + body), then what matters to the pipeline with the
default `--languages en`: how many non-English blurbs pipelines.language.detect routes to the
English model and how many English blurbs it loses, with the declared language kept and removed.
"""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter
from pathlib import Path

from pipelines.language import _identifier, detect, known_languages

BLURBS = Path(__file__).resolve().parents[1].parent / "shared/data/news/multilingual_itn_blurbs.jsonl.gz"


def main() -> None:
    rows = [json.loads(line) for line in gzip.open(BLURBS, "rt", encoding="utf-8")]
    texts = [f"{row.get('title') or ''}\n{row['body']}" for row in rows]
    truth = [row["language"] for row in rows]
    known = known_languages()
    started = time.perf_counter()
    raw = [_identifier().classify(text)[0] for text in texts]
    rate = len(texts) / (time.perf_counter() - started)
    print(f"{len(rows)} blurbs, {len(set(truth))} languages ({sum(t not in known for t in set(truth))} unknown to py3langid)")
    hits = sum(t == r for t, r in zip(truth, raw))
    known_rows = [(t, r) for t, r in zip(truth, raw) if t in known]
    print(f"py3langid top-1 accuracy: {hits}/{len(rows)} = {hits / len(rows):.3f}; on the languages it knows "
          f"{sum(t == r for t, r in known_rows)}/{len(known_rows)} = {sum(t == r for t, r in known_rows) / len(known_rows):.3f}; "
          f"{rate:.0f} texts/s")
    print("most frequent confusions (true, detected):", Counter((t, r) for t, r in zip(truth, raw) if t != r).most_common(6))
    for declared in (True, False):
        chosen = [detect(text, row["language"] if declared else None) for text, row in zip(texts, rows)]
        wrong_en = Counter(t for t, c in zip(truth, chosen) if c == "en" and t != "en")
        lost_en = Counter(c for t, c in zip(truth, chosen) if t == "en" and c != "en")
        print(f"detect(), language {'declared' if declared else 'removed'}: non-English routed to English "
              f"{sum(wrong_en.values())} {dict(wrong_en)}; English lost {sum(lost_en.values())} of {truth.count('en')}")


if __name__ == "__main__":
    main()
