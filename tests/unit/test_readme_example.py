"""The README's pandas example ("which countries did Russia act against in a week") runs and is right, and its
example row is what the coder writes today."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import schemas
from pipelines.export import encode, write_file
from pipelines.outputs import event_rows_of
from tests.unit.test_export import article

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    match = re.search(r"<!-- example: russia -->\n```python\n(.*?)```", README.read_text(), re.S)
    assert match, "the README lost its example"
    return match.group(1)


def event(code: str, date: str, actor1: str, actor2: str | None) -> dict:
    record = article(1, code)
    (coded,) = record["events"]
    quad = {"19": 4, "17": 4, "11": 3, "05": 1, "01": 1}[code[:2]]
    coded.update(event_id=f"{actor1}-{actor2}-{code}-{date}", event_date=date, quad_class=quad,
                 actor1={"name": actor1, "code": actor1 + "GOV", "country_code": actor1, "type_code": "GOV"},
                 actor2=actor2 and {"name": actor2, "code": actor2, "country_code": actor2, "type_code": None})
    return coded


def test_the_readme_example_counts_what_russia_did_to_whom_this_week(tmp_path):
    events = [event("190", "2020-09-06", "RUS", "UKR"), event("172", "2020-09-03", "RUS", "UKR"),
              event("111", "2020-08-31", "RUS", "GEO"), event("057", "2020-09-05", "RUS", "CHN"),
              event("190", "2020-08-30", "RUS", "SYR"),   # the week is 2020-08-31 .. 2020-09-06 (README)
              event("190", "2020-09-07", "RUS", "SYR"),
              event("173", "2020-09-05", "RUS", "RUS"),   # domestic
              event("190", "2020-09-05", "UKR", "RUS"),   # Russia as the target
              event("010", "2020-09-04", "RUS", None)]    # no target
    schemas.write_container_atomically(tmp_path / "out" / "a.avro", schemas.ANNOTATED_ARTICLE,
                                       [{**article(1, "190"), "events": events}])
    parquet = tmp_path / "events.parquet"
    write_file(parquet, encode(event_rows_of(tmp_path / "out"), "parquet"))
    code = readme_example().replace('"out/news/events.parquet"', repr(str(parquet)))
    printed = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    table = {line.split()[0]: line.split()[1:] for line in printed.splitlines()[2:]}
    header = printed.splitlines()[0].split()
    assert header[1:] == ["Material", "conflict", "Verbal", "conflict", "Verbal", "cooperation"], printed
    assert set(table) == {"China", "Georgia", "Ukraine"}, printed
    assert table["Ukraine"] == ["2", "0", "0"] and table["Georgia"] == ["0", "1", "0"] and table["China"] == ["0", "0", "1"]


@pytest.mark.spacy_model
def test_the_readme_row_is_what_the_coder_writes_for_its_article():
    """The one EventRow the README shows is the coder's row for that Wikinews headline today (re-read from
    ../shared/data/news), so a coder change that alters it shows up here, not in a new user's first hour."""
    from pipelines.articles import parse_article
    from pipelines.nlp.model import load_nlp
    from pipelines.nlp.records import annotated_record, article_text, event_rows

    block = re.search(r"```json\n(\{\"event_id\".*?\})\n```", README.read_text(), re.S)
    assert block, "the README lost its example row"
    shown = json.loads(block.group(1))
    news = Path(__file__).resolve().parents[3] / "shared" / "data" / "news" / "wikinews_2019_2020.jsonl"
    raw = next(line for line in news.read_bytes().splitlines() if shown["article_id"].encode() in line)
    article = parse_article(raw)
    annotated = annotated_record(load_nlp()(article_text(article)), article, model="m", pipeline_version="0",
                                 processed_at="2020-01-01T00:00:00Z", origin=None)
    rows = [row for row in event_rows(annotated) if row["event_id"] == shown["event_id"]]
    assert rows == [shown]
