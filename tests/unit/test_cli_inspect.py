"""`eventwire inspect` prints records and summaries of Avro output."""

import json

from click.testing import CliRunner

from pipelines import schemas
from pipelines.cli import main
from tests.unit.test_schemas import ANNOTATED


def test_inspect_prints_records_and_summary(tmp_path):
    schemas.write_container_atomically(tmp_path / "window=x" / "part-000-a.avro", schemas.ANNOTATED_ARTICLE,
                                       [ANNOTATED, {**ANNOTATED, "article_id": "a2", "events": []}])
    runner = CliRunner()
    printed = runner.invoke(main, ["inspect", str(tmp_path), "--limit", "1"])
    assert printed.exit_code == 0
    assert [json.loads(line)["article_id"] for line in printed.output.splitlines()] == ["a1"]
    summary = json.loads(runner.invoke(main, ["inspect", str(tmp_path), "--summary"]).output)
    assert summary == {"files": 1, "records": 2, "by_type": {"AnnotatedArticle": {
        "files": 1, "records": 2, "events": 1, "events_by_root_code": {"19 Fight": 1},
        "events_by_quad_class": {"4 Material conflict": 1}, "entities_by_label": {"GPE": 2}}}}
