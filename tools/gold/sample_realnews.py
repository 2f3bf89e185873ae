"""Draw the real-news gold sample (issue 11): whole articles at random with a fixed seed, split into sentences.

Dev tool, run once; its output is committed and then coded by hand (tests/gold/CONVENTIONS.md):

    .venv/bin/python -m tools.gold.sample_realnews --out tests/gold/realnews

Articles come in equal numbers from Wikinews 2019-2020, Global Voices 2012 and Wikinews politics
2004-2014 (../shared/data/news). Articles with over MAX_SENTENCES sentences are skipped and the next
draw is taken, so that whole articles can be coded by hand; the skipped share is printed. Each article
goes to `dev` or `test` by the same seeded draw, before anyone reads it. Sentences are cut by the
pipeline's own model over the pipeline's own text (title, blank line, body), so a sentence's
start/end offsets are those of the coder's records.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

from pipelines.nlp.model import load_nlp
from pipelines.nlp.records import article_text
from pipelines.options import DEFAULT_MODEL

NEWS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "news"
SOURCES = ("wikinews_2019_2020.jsonl", "globalvoices_2012_05.jsonl", "wikinews_politics_2004_2014.jsonl.gz")
SEED = 20261127
PER_SOURCE = 22
MAX_SENTENCES = 25
TEST_SHARE = 0.4


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def sentences(nlp, article: dict) -> list[dict]:
    doc = nlp(article_text(article))
    return [{"start": s.start_char, "end": s.end_char, "text": s.text} for s in doc.sents if s.text.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="tests/gold/realnews")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--per-source", type=int, default=PER_SOURCE)
    parser.add_argument("--exclude", nargs="*", default=[], type=Path,
                        help="gold files whose articles are not drawn again (for a later, separate sample)")
    parser.add_argument("--only-split", help="put every drawn article in this split (e.g. a second test set)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    excluded = {json.loads(line)["article_id"] for path in args.exclude for line in path.open(encoding="utf-8")
                if line.strip()}
    nlp = load_nlp(DEFAULT_MODEL)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    split_rows = {args.only_split: []} if args.only_split else {"dev": [], "test": []}
    for source in SOURCES:
        articles = [a for a in read_jsonl(NEWS / source) if a.get("body", "").strip() and a.get("language", "en") == "en"
                    and a["id"] not in excluded]
        rng.shuffle(articles)
        taken = skipped = 0
        for article in articles:
            if taken == args.per_source:
                break
            cut = sentences(nlp, article)
            if len(cut) > MAX_SENTENCES:
                skipped += 1
                continue
            split = "test" if rng.random() < TEST_SHARE else "dev"
            split = args.only_split or split
            taken += 1
            for number, sentence in enumerate(cut):
                split_rows[split].append({"article_id": article["id"], "source_file": source, "url": article.get("url"),
                                          "license": article.get("license"), "published_at": article.get("published_at"),
                                          "sentence": number, **sentence, "events": None})
        print(f"{source}: {taken} articles, {skipped} skipped as longer than {MAX_SENTENCES} sentences")
    for split, rows in split_rows.items():
        with open(out / f"{split}.jsonl", "w", encoding="utf-8") as sink:
            for row in rows:
                sink.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{split}: {len({r['article_id'] for r in rows})} articles, {len(rows)} sentences")


if __name__ == "__main__":
    main()
