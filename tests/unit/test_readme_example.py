"""The README's pandas example ("which countries did Russia act against in a week") runs and is right."""

import re
import subprocess
import sys
from pathlib import Path

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
