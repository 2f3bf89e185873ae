"""Write the real-news gold sentences and the coder's events on them as JSON, for the learned-root probe.

    .venv/bin/python -m tools.probes.gold_sentences --out .cache/probe/gold.json

Only the dev and calibration files are written: the test files are never read by a probe. Each sentence has
its file, text and gold CAMEO roots; each event the pipeline emits (as `eventwire evaluate` and
`tools.calibrate_confidence` count them: mentions merged, background left out, one per mention sentence and
distinct root + actor countries) has its file, the index of its sentence in the sentence list, its root and
whether evaluate's dyad matching pairs it with a gold event of that sentence.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

GOLD_DIR = Path(__file__).resolve().parents[2] / "tests" / "gold" / "realnews"
PROBED_SPLITS = ("dev", "calibration")


def probed_files(gold_dir: Path = GOLD_DIR) -> list[Path]:
    """The gold files a probe may read: dev and calibration splits, never test."""
    from pipelines.evaluate import split_of

    return [path for path in sorted(gold_dir.glob("*.jsonl")) if split_of(path) in PROBED_SPLITS]


def sentence_events(sentence, coded: list[dict]) -> list[dict]:
    """The sentence's distinct coded (root, actor1 country, actor2 country), each marked right or not."""
    from pipelines.evaluate import coded_keys, pair_dyads, root_of

    keys = coded_keys(coded, root_of)
    matched, _, _ = pair_dyads(sentence.events, keys)
    return [{"root": key[0], "right": key in matched} for key in keys]


def collect(paths: list[Path]) -> dict:
    from pipelines.evaluate import assign_to_sentences, emitted_mentions, load_realnews_gold
    from pipelines.nlp.model import load_nlp
    from pipelines.nlp.records import article_text

    nlp = load_nlp()
    sentences, events = [], []
    for path in paths:
        gold = load_realnews_gold(path)
        for doc, (article, gold_sentences) in zip(nlp.pipe([article_text(a) for a, _ in gold], batch_size=8), gold):
            mentions = emitted_mentions(doc, article["id"], article.get("published_at"))
            assigned, _ = assign_to_sentences(gold_sentences, mentions)
            for sentence, coded in zip(gold_sentences, assigned):
                events += [{"file": path.stem, "sentence": len(sentences), **event}
                           for event in sentence_events(sentence, coded)]
                sentences.append({"file": path.stem, "text": sentence.text,
                                  "roots": sorted({event.kind for event in sentence.events})})
    return {"sentences": sentences, "events": events}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args(argv)
    data = collect(probed_files())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data))
    print(f"{len(data['sentences'])} sentences, {len(data['events'])} coded events -> {args.out}")


if __name__ == "__main__":
    main()
