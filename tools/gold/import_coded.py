"""Turn hand-coded real-news files into the committed gold form, without the news text (issue 11).

Dev tool:

    .venv/bin/python -m tools.gold.import_coded --out tests/gold/realnews/dev.jsonl CODED.jsonl [CODED.jsonl ...]

Each input line is a sampled sentence (tools/gold/sample_realnews.py) with its `text` and the coders'
`events`. The output keeps everything but the text: the sentence is re-read at evaluation time from
../shared/data/news and checked against `text_hash`. An event's `trigger` (words quoted from the
sentence) becomes `trigger_spans`, [start, end) offsets in the article text of each "..."-separated
part, so no news wording is stored either; a part not found in the sentence is dropped.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from pipelines.evaluate import NEWS_DIR, load_articles, sentence_hash
from pipelines.nlp.records import article_text

KEPT = ("article_id", "source_file", "url", "license", "published_at", "sentence", "start", "end")


def trigger_spans(trigger: str | None, sentence: str, start: int) -> list[list[int]]:
    spans = []
    lowered = sentence.lower()
    for part in re.split(r"\s*(?:\.\.\.|…)\s*", trigger or ""):
        part = part.strip().strip('"').strip()
        at = lowered.find(part.lower()) if part else -1
        if at >= 0:
            spans.append([start + at, start + at + len(part)])
    return spans


def committed_row(row: dict, text: str) -> dict:
    sentence = text[row["start"]:row["end"]]
    if sentence != row["text"]:
        raise ValueError(f"{row['article_id']} sentence {row['sentence']}: text differs from ../shared")
    events = [{"code": e["code"], "root": e["root"], "source": e["source"], "target": e["target"],
               "symmetric": bool(e.get("symmetric")),
               "trigger_spans": trigger_spans(e.get("trigger"), sentence, row["start"]),
               "why": e.get("why")} for e in row["events"]]
    return {**{key: row[key] for key in KEPT}, "text_hash": sentence_hash(sentence), "events": events}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("coded", nargs="+")
    args = parser.parse_args()
    rows = [json.loads(line) for path in args.coded for line in Path(path).read_text("utf-8").splitlines() if line.strip()]
    articles = load_articles(NEWS_DIR, {(r["source_file"], r["article_id"]) for r in rows})
    with open(args.out, "w", encoding="utf-8") as sink:
        for row in rows:
            if row["events"] is None:
                raise ValueError(f"{row['article_id']} sentence {row['sentence']} is not coded")
            text = article_text(articles[row["source_file"], row["article_id"]])
            sink.write(json.dumps(committed_row(row, text), ensure_ascii=False) + "\n")
    print(f"{args.out}: {len(rows)} sentences, {sum(len(r['events']) for r in rows)} events")


if __name__ == "__main__":
    main()
