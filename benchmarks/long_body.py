"""Time to annotate one article whose body has no sentence punctuation (issue 10: 195,000 characters took 125 s).

    python -m benchmarks.long_body [--chars 195000]

Prints the spaCy time, the Doc -> record time and the longest sentence the coder was handed. The body is one
news clause repeated with spaces only, which the parser leaves as a single sentence (the worst case; random words
draw sentence breaks from the parser).
"""

from __future__ import annotations

import argparse
import json
import time

from pipelines.nlp.model import load_nlp
from pipelines.nlp.records import annotated_record, article_text

CLAUSE = "Russian troops attacked Kyiv and NATO leaders met in Brussels"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=195_000)
    chars = parser.parse_args().chars
    body = " ".join([CLAUSE] * (chars // len(CLAUSE) + 1))[:chars]
    article = {"id": "long", "url": "u", "source": "s", "title": "Long", "body": body, "published_at": None,
               "language": "en"}
    nlp = load_nlp()
    started = time.perf_counter()
    doc = nlp(article_text(article))
    parsed = time.perf_counter()
    record = annotated_record(doc, article, model="m", pipeline_version="v", processed_at="t", origin=None)
    done = time.perf_counter()
    print(json.dumps({"body_chars": len(body), "spacy_s": round(parsed - started, 2),
                      "record_s": round(done - parsed, 2), "sentences": sum(1 for _ in doc.sents),
                      "longest_sentence_chars": max(len(s.text) for s in doc.sents), "events": len(record["events"])}))


if __name__ == "__main__":
    main()
