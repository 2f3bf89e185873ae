"""Cost of entity resolution and event coding on top of spaCy, measured in one run on the same texts.

Prints articles/s and tokens/s, single process, for
- raw:      `spacy.load(model).pipe` (the model as shipped, every component),
- pipeline: `load_nlp(model).pipe` (unused components dropped, paragraph breaks, gazetteer fix),
- coded:    `load_nlp(model).pipe` plus `annotated_record` (entities, resolution, CAMEO events),
and the ratio coded / raw (issue 3 asks for >= 0.80). Each variant runs `--rounds` times, interleaved,
and its best round counts, so a background hiccup does not decide the figure.

    .venv/bin/python -m benchmarks.coding_speed --articles 300
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path

import spacy

from pipelines.nlp.model import DEFAULT_MODEL, load_nlp
from pipelines.nlp.records import annotated_record, article_text

NEWS = Path(__file__).resolve().parents[2] / "shared" / "data" / "news" / "wikinews_2019_2020.jsonl"


def articles(path: Path, count: int) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in itertools.islice(lines, count)]


def timed_pipe(nlp, texts: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32))
    return time.perf_counter() - started, tokens


def timed_coding(nlp, batch: list[dict]) -> tuple[float, int, int]:
    started = time.perf_counter()
    tokens = events = 0
    docs = nlp.pipe([article_text(article) for article in batch], batch_size=32)
    for doc, article in zip(docs, batch):
        record = annotated_record(doc, article, model="bench", pipeline_version="bench",
                                  processed_at="1970-01-01T00:00:00Z", origin=None)
        tokens += len(doc)
        events += len(record["events"])
    return time.perf_counter() - started, tokens, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--input", type=Path, default=NEWS)
    args = parser.parse_args()

    batch = articles(args.input, args.articles)
    texts = [article_text(article) for article in batch]
    raw, pipeline = spacy.load(args.model), load_nlp(args.model)
    timed_pipe(raw, texts[:20]), timed_coding(pipeline, batch[:20])  # warm-up: first-call loading
    best = {"raw": float("inf"), "pipeline": float("inf"), "coded": float("inf")}
    for _ in range(args.rounds):
        seconds, tokens = timed_pipe(raw, texts)
        best["raw"] = min(best["raw"], seconds)
        seconds, _ = timed_pipe(pipeline, texts)
        best["pipeline"] = min(best["pipeline"], seconds)
        seconds, _, events = timed_coding(pipeline, batch)
        best["coded"] = min(best["coded"], seconds)
    print(f"{len(batch)} articles, {tokens} tokens, model {args.model}, best of {args.rounds} rounds, 1 process")
    for name, seconds in best.items():
        print(f"  {name:<9} {len(batch) / seconds:8.1f} articles/s  {tokens / seconds:9.0f} tokens/s")
    print(f"  events coded: {events}")
    print(f"  ratio coded / raw nlp.pipe:      {best['raw'] / best['coded']:.2f}")
    print(f"  ratio coded / pipeline nlp.pipe: {best['pipeline'] / best['coded']:.2f}")


if __name__ == "__main__":
    main()
