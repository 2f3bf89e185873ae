"""`eventwire report` writes one HTML file that needs no network: scripts, basemap and data inline."""

import json
import re

from click.testing import CliRunner

from pipelines import schemas
from pipelines.cli import main
from pipelines.nlp.records import event_rows
from pipelines.report import FIELDS, render, world_features
from tests.unit.test_export import article


def script_value(page: str, name: str):
    match = re.search(rf"const {name} = (.*?);\n", page)
    assert "<" not in match.group(1)
    return json.loads(match.group(1))


def test_the_page_is_self_contained_and_carries_the_rows(tmp_path):
    hostile = article(1, "190")
    hostile["events"][0]["sentence"] = "A </script><script>alert(1)</script> <!-- sentence"
    rows = event_rows(hostile) + event_rows(article(2, "111", "057"))
    page = render(rows, "t")
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    assert not re.search(r"\b(src|href)=|url\(|@import", markup), "the markup loads nothing"
    assert len(re.findall(r"<script\b", page)) == page.count("<script>") == 2, "both scripts are inline"
    assert "window.vegaEmbed=" in page
    assert page.count("</script>") == 2, "no data can close the script element"
    assert script_value(page, "EVENTS") == [{field: row[field] for field in FIELDS} for row in rows]
    specs = script_value(page, "SPECS")
    assert set(specs) == {"map", "timeline", "pairs"}
    assert all(spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6") for spec in specs.values())
    assert '<option value="19">19 Fight</option>' in page and '<option value="RUS">Russia (RUS)</option>' in page


def test_basemap_comes_from_the_package_with_rings_wound_for_d3():
    features = world_features()
    assert len(features) > 150 and {"RUS", "FRA", "BRA", "AUS"} <= {f["id"] for f in features}
    for feature in features:
        polygons = feature["geometry"]["coordinates"]
        for polygon in [polygons] if feature["geometry"]["type"] == "Polygon" else polygons:
            ring = polygon[0]
            area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))
            assert area <= 0, f"{feature['id']}: exterior ring must be clockwise for d3-geo"


def test_report_command_writes_a_readable_file(tmp_path):
    schemas.write_container_atomically(tmp_path / "out" / "a.avro", schemas.ANNOTATED_ARTICLE, [article(1, "190")])
    result = CliRunner().invoke(main, ["report", str(tmp_path / "out"), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    assert "report of 1 events" in result.output
    assert (tmp_path / "r.html").stat().st_mode & 0o777 == 0o644
