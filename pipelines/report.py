"""`eventwire report`: one self-contained HTML file to look at an output, offline.

Four views of the flat event rows (pipelines.outputs.event_rows_of): a world map of where events
happened, a timeline by QuadClass, the most frequent actor pairs as a matrix, and a table of the
top events with their sentence and source link. Date range, country and CAMEO root code filter
all four at once.

Everything is inline, so the file opens with no network: the Vega, Vega-Lite and Vega-Embed
JavaScript comes from vl-convert-python's bundle (`vl_convert.javascript_bundle`), the basemap
from the country outlines that the countryinfo package ships (Natural Earth 1:110m derived, via
world.geo.json), and the data as JSON. Charts are Vega-Lite specs built with Altair (validated
against the Vega-Lite schema) on a named dataset `events`; a small inline script filters the
rows and hands them to every view (`view.data("events", rows)`) and fills the table.
"""

from __future__ import annotations

import functools
import html
import json
import re
from importlib import resources
from pathlib import Path

import altair as alt
import vl_convert

from pipelines.export import write_file
from pipelines.nlp import labels
from pipelines.outputs import event_rows_of

VEGA_LITE_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
TOP_PAIRS = 20
QUAD_COLOURS = {"Verbal cooperation": "#4c9f70", "Material cooperation": "#1b6e3a",
                "Verbal conflict": "#e0913a", "Material conflict": "#c0392b"}
# Fields the page needs, in this order; the rest of the EventRow stays in the export.
FIELDS = ("event_id", "event_date", "event_code", "event_description", "event_root_code", "event_root_description",
          "quad_class", "quad_class_name", "goldstein", "confidence", "actor1_name", "actor1_code",
          "actor1_country_code", "actor1_country_name", "actor2_name", "actor2_code", "actor2_country_code",
          "actor2_country_name", "location_name", "location_country_code", "location_country_name", "location_lat",
          "location_lon", "sentence", "url", "source", "title")


@functools.cache
def world_features() -> list[dict]:
    """Country outlines (GeoJSON features, id = ISO alpha-3) from the countryinfo package's data files."""
    features = []
    for entry in sorted(resources.files("countryinfo").joinpath("data").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            features += (json.loads(entry.read_text("utf-8")).get("geoJSON") or {}).get("features", [])
    if len(features) < 150:
        raise RuntimeError(f"countryinfo gave {len(features)} country outlines; expected about 170")
    return [{"type": "Feature", "id": f["id"], "properties": {"name": f["properties"]["name"]},
             "geometry": {"type": f["geometry"]["type"], "coordinates": _for_d3(f["geometry"])}}
            for f in features]


def _for_d3(geometry: dict) -> list:
    """Coordinates rounded to 0.01 degree, rings wound as d3-geo wants them (exterior clockwise).

    GeoJSON (RFC 7946) winds exterior rings counter-clockwise; d3-geo, which Vega uses, reads a
    counter-clockwise ring as the whole globe minus the country, and paints the sphere.
    """
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    wound = [[_wind([[round(x, 2), round(y, 2)] for x, y, *_ in ring], clockwise=index == 0)
              for index, ring in enumerate(polygon)] for polygon in polygons]
    return wound[0] if geometry["type"] == "Polygon" else wound


def _wind(ring: list, clockwise: bool) -> list:
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))  # > 0: counter-clockwise
    return ring[::-1] if (area > 0) == clockwise else ring


def _events_data() -> alt.NamedData:
    return alt.NamedData(name="events")


def map_spec() -> dict:
    basemap = alt.Chart(alt.Data(values=world_features())).mark_geoshape(
        fill="#e8e8e8", stroke="#ffffff", strokeWidth=0.5)
    points = alt.Chart(_events_data()).transform_filter(
        "isValid(datum.location_lat) && isValid(datum.location_lon)"
    ).transform_aggregate(
        events="count()", groupby=["location_name", "location_country_name", "location_lat", "location_lon"]
    ).mark_circle(color="#2c5d8f", opacity=0.7, stroke="#ffffff", strokeWidth=0.5).encode(
        latitude="location_lat:Q", longitude="location_lon:Q",
        size=alt.Size("events:Q", scale=alt.Scale(range=[30, 900]), title="events"),
        tooltip=[alt.Tooltip("location_name:N", title="place"), alt.Tooltip("location_country_name:N", title="country"),
                 alt.Tooltip("events:Q")])
    chart = alt.layer(basemap, points).project("equalEarth").properties(
        width=820, height=420, title="Where: events by place")
    return chart.to_dict(validate=True)


def timeline_spec() -> dict:
    chart = alt.Chart(_events_data()).transform_filter("isValid(datum.event_date)").mark_bar().encode(
        x=alt.X("yearmonthdate(event_date):T", title="event date"),
        y=alt.Y("count():Q", title="events"),
        color=alt.Color("quad_class_name:N", title="QuadClass",
                        scale=alt.Scale(domain=list(QUAD_COLOURS), range=list(QUAD_COLOURS.values()))),
        tooltip=[alt.Tooltip("yearmonthdate(event_date):T", title="date"), alt.Tooltip("quad_class_name:N", title="QuadClass"),
                 alt.Tooltip("count():Q", title="events")],
    ).properties(width=820, height=180, title="When: events per day by QuadClass")
    return chart.to_dict(validate=True)


def pairs_spec(top: int = TOP_PAIRS) -> dict:
    chart = alt.Chart(_events_data()).transform_filter(
        "datum.actor1_code && datum.actor2_code"
    ).transform_aggregate(
        events="count()", groupby=["actor1_code", "actor2_code"]
    ).transform_window(
        rank="row_number()", sort=[alt.SortField("events", order="descending"), alt.SortField("actor1_code"),
                                   alt.SortField("actor2_code")]
    ).transform_filter(f"datum.rank <= {top}").mark_rect().encode(
        x=alt.X("actor2_code:N", title="actor 2 (target)", sort="ascending"),
        y=alt.Y("actor1_code:N", title="actor 1 (source)", sort="ascending"),
        color=alt.Color("events:Q", scale=alt.Scale(scheme="oranges"), title="events"),
        tooltip=[alt.Tooltip("actor1_code:N", title="actor 1"), alt.Tooltip("actor2_code:N", title="actor 2"),
                 alt.Tooltip("events:Q")],
    ).properties(width=420, height=320, title=f"Who to whom: the {top} most frequent actor pairs")
    return chart.to_dict(validate=True)


def page_rows(rows: list[dict]) -> list[dict]:
    return [{field: row.get(field) for field in FIELDS} for row in rows]


def _script_json(value) -> str:
    """JSON that is safe inside a <script> element: no "<" at all (JSON has it only inside strings)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _options(pairs: list[tuple[str, str]]) -> str:
    return "".join(f'<option value="{html.escape(value)}">{html.escape(text)}</option>' for value, text in pairs)


def render(rows: list[dict], title: str, top: int = 50) -> str:
    """The report page for these event rows."""
    rows = page_rows(rows)
    dates = sorted(row["event_date"] for row in rows if row["event_date"])
    countries = sorted({(row[f"{p}_country_code"], row[f"{p}_country_name"]) for row in rows
                        for p in ("actor1", "actor2", "location") if row[f"{p}_country_code"]}, key=lambda c: c[1])
    roots = sorted({row["event_root_code"] for row in rows})
    bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
    if re.search(r"<!--|</?script", bundle, re.I):
        raise RuntimeError("the JavaScript bundle contains markup that would end its <script> element")
    specs = {"map": map_spec(), "timeline": timeline_spec(), "pairs": pairs_spec()}
    return _PAGE.format(
        title=html.escape(title),
        count=len(rows),
        first=dates[0] if dates else "", last=dates[-1] if dates else "",
        countries=_options([("", "all countries")] + [(code, f"{name} ({code})") for code, name in countries]),
        roots=_options([("", "all root codes")] + [(code, f"{code} {labels.cameo_description(code)}") for code in roots]),
        bundle=bundle,
        data=_script_json(rows),
        specs=_script_json(specs),
        top=int(top),
    )


def write_report(output: Path, html_path: Path, top: int = 50) -> int:
    """Write the report of the event rows of `output` to `html_path`; returns the number of events."""
    rows = event_rows_of(output)
    write_file(Path(html_path), render(rows, f"eventwire report: {Path(output).name or output}", top).encode())
    return len(rows)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }}
  h1 {{ font-size: 1.4rem; margin: 0 0 .3rem; }}
  .controls {{ display: flex; gap: 1rem; flex-wrap: wrap; align-items: end; margin: 1rem 0; padding: .7rem;
               background: #f4f4f4; border-radius: 6px; }}
  .controls label {{ display: flex; flex-direction: column; font-size: .8rem; gap: .2rem; }}
  .grid {{ display: flex; flex-wrap: wrap; gap: 1.5rem; }}
  table {{ border-collapse: collapse; font-size: .85rem; width: 100%; margin-top: .5rem; }}
  th, td {{ border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }}
  th {{ background: #fafafa; }}
  td.sentence {{ max-width: 38rem; }}
  .muted {{ color: #666; font-size: .85rem; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="muted"><span id="shown">{count}</span> of {count} events shown, {first} to {last}. Coded by eventwire
  (CAMEO event codes; QuadClass; PLOVER types). Basemap: Natural Earth 1:110m via the countryinfo package.</p>
<div class="controls">
  <label>from <input type="date" id="from" value="{first}" min="{first}" max="{last}"></label>
  <label>to <input type="date" id="to" value="{last}" min="{first}" max="{last}"></label>
  <label>country (actor or place) <select id="country">{countries}</select></label>
  <label>CAMEO root code <select id="root">{roots}</select></label>
  <button id="reset" type="button">reset</button>
</div>
<div class="grid">
  <div id="map"></div>
  <div id="timeline"></div>
  <div id="pairs"></div>
</div>
<h2>Top events <span class="muted">(most intense first: |Goldstein|, then confidence)</span></h2>
<table id="top-events">
  <thead><tr><th>date</th><th>actor 1</th><th>event</th><th>actor 2</th><th>place</th><th>sentence</th><th>source</th></tr></thead>
  <tbody></tbody>
</table>
<script>{bundle}</script>
<script>
"use strict";
const EVENTS = {data};
const SPECS = {specs};
const TOP = {top};
const views = {{}};
const byId = (id) => document.getElementById(id);

function filtered() {{
  const from = byId("from").value, to = byId("to").value;
  const country = byId("country").value, root = byId("root").value;
  return EVENTS.filter((e) =>
    (!from || (e.event_date && e.event_date >= from)) && (!to || (e.event_date && e.event_date <= to)) &&
    (!root || e.event_root_code === root) &&
    (!country || e.actor1_country_code === country || e.actor2_country_code === country ||
     e.location_country_code === country));
}}

function actor(name, code) {{
  return name ? (code ? name + " (" + code + ")" : name) : "";
}}

function cell(row, text, className) {{
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}}

function fillTable(rows) {{
  const top = rows.slice().sort((a, b) =>
    Math.abs(b.goldstein) - Math.abs(a.goldstein) || b.confidence - a.confidence ||
    (a.event_id < b.event_id ? -1 : 1)).slice(0, TOP);
  const body = document.querySelector("#top-events tbody");
  body.replaceChildren();
  for (const e of top) {{
    const tr = document.createElement("tr");
    cell(tr, e.event_date);
    cell(tr, actor(e.actor1_name, e.actor1_code));
    cell(tr, e.event_code + " " + e.event_description + " (" + e.quad_class_name + ")");
    cell(tr, actor(e.actor2_name, e.actor2_code));
    cell(tr, [e.location_name, e.location_country_name].filter(Boolean).join(", "));
    cell(tr, e.sentence, "sentence");
    const source = cell(tr, "");
    if (/^https?:\\/\\//.test(e.url)) {{
      const link = document.createElement("a");
      link.href = e.url; link.textContent = e.source || e.url; link.rel = "noopener"; link.target = "_blank";
      source.appendChild(link);
    }} else {{
      source.textContent = e.source || "";
    }}
    body.appendChild(tr);
  }}
}}

async function update() {{
  const rows = filtered();
  byId("shown").textContent = rows.length;
  fillTable(rows);
  await Promise.all(Object.values(views).map((view) =>
    view.data("events", rows.map((e) => Object.assign({{}}, e))).runAsync()));
  document.body.dataset.ready = String(Number(document.body.dataset.ready || 0) + 1);
}}

async function main() {{
  const rows = filtered();
  for (const [name, spec] of Object.entries(SPECS)) {{
    const withData = Object.assign({{}}, spec, {{datasets: {{events: rows.map((e) => Object.assign({{}}, e))}}}});
    const result = await vegaEmbed("#" + name, withData, {{renderer: "svg", actions: false}});
    views[name] = result.view;
  }}
  for (const id of ["from", "to", "country", "root"]) byId(id).addEventListener("change", update);
  byId("reset").addEventListener("click", () => {{
    byId("from").value = byId("from").min; byId("to").value = byId("to").max;
    byId("country").value = ""; byId("root").value = "";
    update();
  }});
  await update();
}}

main().catch((error) => {{ console.error(error); document.body.dataset.failed = String(error); }});
</script>
</body>
</html>
"""
