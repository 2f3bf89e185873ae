"""`eventwire export` and `inspect --summary` over any output folder: article files and/or event-row files."""

import csv
import io
import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from pipelines import schemas
from pipelines.cli import main
from pipelines.export import columns
from pipelines.nlp.plover import plover_type
from pipelines.nlp.records import event_rows
from pipelines.outputs import event_rows_of
from tests.unit.test_schemas import ANNOTATED

EVENT = ANNOTATED["events"][0]


def article(i: int, *codes: str) -> dict:
    return {**ANNOTATED, "article_id": f"a{i}", "url": f"https://x.org/{i}",
            "events": [{**EVENT, "event_id": f"a{i}-{code}", "event_code": code, "event_root_code": code[:2],
                        "quad_class": 4 if code >= "14" else 1, "event_date": f"2020-01-0{i}",
                        "plover_type": plover_type(code)} for code in codes]}


def output_folder(tmp_path):
    """A stream-like output: article files, and event-row files for the first article only (plus an old row)."""
    first, second = article(1, "190", "057"), article(2, "111")
    schemas.write_container_atomically(tmp_path / "window=a" / "part-000-x.avro", schemas.ANNOTATED_ARTICLE, [first])
    schemas.write_container_atomically(tmp_path / "window=b" / "part-000-y.avro", schemas.ANNOTATED_ARTICLE, [second])
    rows = event_rows(first)
    old_row = {key: value for key, value in rows[0].items() if not key.endswith(("_name", "_description"))}
    schemas.write_container_atomically(tmp_path / "events" / "window=a" / "part-000-x.avro", schemas.EVENT_ROW,
                                       [old_row, rows[1]])
    return tmp_path


def test_event_rows_of_a_folder_count_each_event_once_with_labels(tmp_path):
    rows = event_rows_of(output_folder(tmp_path))
    assert [row["event_id"] for row in rows] == ["a1-057", "a1-190", "a2-111"]
    assert [row["event_description"] for row in rows] == [
        "Sign formal agreement", "Use conventional military force, not specified below", "Criticize or denounce"]
    assert all(list(row) == columns() and row["quad_class_name"] and row["actor1_country_name"] == "Russia"
               for row in rows)


def test_export_csv_jsonl_parquet_have_the_same_rows(tmp_path):
    folder = output_folder(tmp_path / "out")
    runner = CliRunner()
    printed = runner.invoke(main, ["export", str(folder), "--format", "csv"])
    assert printed.exit_code == 0, printed.output
    table = list(csv.DictReader(io.StringIO(printed.stdout)))
    assert [row["event_id"] for row in table] == ["a1-057", "a1-190", "a2-111"] and list(table[0]) == columns()
    assert table[2]["sentence"] == "Russian troops attacked Kyiv." and table[2]["url"] == "https://x.org/2"

    assert runner.invoke(main, ["export", str(folder), "--format", "jsonl", "--to", str(tmp_path / "e.jsonl")]).exit_code == 0
    lines = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert lines == event_rows_of(folder)

    assert runner.invoke(main, ["export", str(folder), "--format", "parquet", "--to", str(tmp_path / "e.parquet")]).exit_code == 0
    parquet = pq.read_table(tmp_path / "e.parquet")
    assert parquet.to_pylist() == lines and str(parquet.schema.field("quad_class").type) == "int32"
    assert all((tmp_path / name).stat().st_mode & 0o777 == 0o644 for name in ("e.jsonl", "e.parquet"))

    assert runner.invoke(main, ["export", str(folder), "--format", "parquet"]).exit_code != 0  # binary needs --to


def test_export_reads_extract_jsonl_output(tmp_path):
    (tmp_path / "x.jsonl").write_text(json.dumps(article(3, "173")) + "\n")
    (tmp_path / "x.jsonl.dead_letters.jsonl").write_text('{"reason": "malformed_json"}\n')
    assert [row["event_root_description"] for row in event_rows_of(tmp_path)] == ["Coerce"]


def test_inspect_summary_per_record_type_with_labels(tmp_path):
    folder = output_folder(tmp_path)
    schemas.write_container_atomically(tmp_path / "dead_letters.avro", schemas.DEAD_LETTER, [
        {"payload": b"{", "reason": "malformed_json", "error": "x", "stage": "parse", "topic": "t", "partition": 0,
         "offset": 1, "failed_at": "2020-01-01T00:00:00Z"}])
    summary = json.loads(CliRunner().invoke(main, ["inspect", str(folder), "--summary"]).output)
    assert summary["files"] == 4 and summary["records"] == 5
    articles, rows = summary["by_type"]["AnnotatedArticle"], summary["by_type"]["EventRow"]
    assert (articles["files"], articles["records"], articles["events"]) == (2, 2, 3)
    assert articles["events_by_root_code"] == {"05 Engage in diplomatic cooperation": 1, "11 Disapprove": 1, "19 Fight": 1}
    assert articles["events_by_quad_class"] == {"1 Verbal cooperation": 2, "4 Material conflict": 1}
    assert rows["records"] == 2 and rows["events_by_plover_type"] == {"ASSAULT": 1, "SUPPORT": 1}
    assert summary["by_type"]["DeadLetter"] == {"files": 1, "records": 1, "by_reason": {"malformed_json": 1}}
