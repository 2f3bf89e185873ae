"""Fit and check the calibrated event confidence (pipelines/nlp/calibration.py) on real-news gold.

    python -m tools.calibrate_confidence fit --gold tests/gold/realnews/calibration.jsonl \
        --gold tests/gold/realnews/calibration2.jsonl [--write]
    python -m tools.calibrate_confidence table --gold tests/gold/realnews/test.jsonl --gold tests/gold/realnews/test2.jsonl

Every event the pipeline emits (mentions merged, background left out) is scored once per mention sentence:
right when evaluate's dyad matching pairs its (CAMEO root, actor1 country, actor2 country) with a gold event
of that sentence. `fit` groups these samples by the coder's raw score, smooths each group's precision towards
the overall one (PRIOR_EVENTS pseudo-events at the overall precision, so a sparse group is not certain), makes it
non-decreasing in the raw score with pool-adjacent-violators (isotonic regression, weighted by counts; equal
neighbours pooled) and prints, or with --write stores, pipelines/nlp/data/confidence_calibration.tsv. `table` prints, for
t = 0.1, 0.3 and 0.5 .. 0.9, how many emitted events have calibrated confidence >= t and the share of them that is right.
Only counts are printed, never sentences, so it may be run on a test split.
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

THRESHOLDS = (0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9)
PRIOR_EVENTS = 4


def samples(gold_path: Path, calibrated: bool) -> list[tuple[float, bool]]:
    """(confidence, right) per emitted event and mention sentence of the gold file's articles."""
    from pipelines.evaluate import actor_country, assign_to_sentences, load_realnews_gold, pair_dyads
    from pipelines.nlp import calibration
    from pipelines.nlp.coder import code_events
    from pipelines.nlp.model import load_nlp
    from pipelines.nlp.records import article_text, merge_mentions, mention_events, selected_events

    nlp = load_nlp()
    gold = load_realnews_gold(gold_path)
    out = []
    for doc, (article, sentences) in zip(nlp.pipe([article_text(a) for a, _ in gold], batch_size=8), gold):
        events = selected_events(merge_mentions(code_events(doc, article_id=article["id"],
                                                            published_at=article.get("published_at"))))
        mentions = [mention for event in events for mention in mention_events(event)]
        assigned, _ = assign_to_sentences(sentences, mentions)
        for sentence, coded in zip(sentences, assigned):
            best: dict[tuple, float] = {}
            for event in coded:
                key = (event["event_root_code"], actor_country(event["actor1"]), actor_country(event["actor2"]))
                best[key] = max(best.get(key, 0.0), event["confidence"])
            right, _, _ = pair_dyads(sentence.events, list(best))
            for key, raw in best.items():
                out.append((calibration.calibrated(raw) if calibrated else raw, key in right))
    return out


def isotonic(points: list[tuple[float, bool]]) -> list[tuple[float, float, int]]:
    """(lowest raw score, smoothed precision, events) blocks, precision non-decreasing (pool adjacent violators)."""
    by_score: dict[float, list[int]] = {}
    for raw, right in points:
        counts = by_score.setdefault(round(raw, 4), [0, 0])
        counts[0] += right
        counts[1] += 1
    overall = sum(right for right, _ in by_score.values()) / max(len(points), 1)

    def precision(block) -> float:
        _, right, count, groups = block
        return (right + groups * PRIOR_EVENTS * overall) / (count + groups * PRIOR_EVENTS)

    blocks = []  # [lowest raw score, right, events, raw-score groups pooled]
    for score in sorted(by_score):
        blocks.append([score, *by_score[score], 1])
        while len(blocks) > 1 and round(precision(blocks[-2]), 3) >= round(precision(blocks[-1]), 3):
            _, right, count, groups = blocks.pop()
            blocks[-1][1] += right
            blocks[-1][2] += count
            blocks[-1][3] += groups
    return [(block[0], precision(block), block[2]) for block in blocks]


def table_text(blocks: list[tuple[float, float, int]], source: str) -> str:
    lines = ["# Calibrated confidence of the coder's raw score (pipelines/nlp/calibration.py): a step function,",
             f"# fitted by `python -m tools.calibrate_confidence fit --write` on {source}: observed dyad precision",
             f"# per raw score, smoothed with {PRIOR_EVENTS} pseudo-events at the overall precision, made non-decreasing"
             " by\n# pool-adjacent-violators. Events per step: " +
             ", ".join(str(count) for _, _, count in blocks) + ".",
             "raw_min\tconfidence"]
    for index, (low, precision, _) in enumerate(blocks):
        lines.append(f"{0.0 if index == 0 else low}\t{precision:.3f}")
    return "\n".join(lines) + "\n"


def precision_table(points: list[tuple[float, bool]]) -> str:
    lines = ["t     events  right  precision"]
    for t in THRESHOLDS:
        kept = [right for confidence, right in points if confidence >= t - 1e-9]
        precision = f"{sum(kept) / len(kept):.3f}" if kept else "-"
        lines.append(f"{t:.1f}  {len(kept):6d}  {sum(kept):5d}  {precision:>9}")
    everything = [right for _, right in points]
    lines.append(f"all   {len(everything):6d}  {sum(everything):5d}  "
                 f"{(sum(everything) / len(everything) if everything else 0):9.3f}")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["fit", "table"])
    parser.add_argument("--gold", type=Path, action="append", required=True,
                        help="real-news gold file (JSONL); repeat to pool several dev files")
    parser.add_argument("--write", action="store_true", help="fit: store the table in pipelines/nlp/data/")
    args = parser.parse_args(argv)
    if args.command == "fit":
        if any("test" in gold.name for gold in args.gold):
            parser.error("fit only on the calibration splits: test splits are for reporting")
        points = [point for gold in args.gold for point in samples(gold, calibrated=False)]
        text = table_text(isotonic(points), " + ".join(gold.name for gold in args.gold))
        print(text, end="")
        if args.write:
            path = Path(str(resources.files("pipelines.nlp").joinpath("data", "confidence_calibration.tsv")))
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    else:
        print(precision_table([point for gold in args.gold for point in samples(gold, calibrated=True)]))


if __name__ == "__main__":
    main()
