"""`eventwire backfill` on a real runner: JSONL + WARC + a Kafka offset range, date partitions, re-runs, resume."""

import io
import json
import shutil
import subprocess
import sys

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines import schemas
from tests.integration.streaming import REPO, produce, real_articles
from tests.shared_data import WIKINEWS_2019

pytestmark = pytest.mark.integration

PAGE = (b"<html><head><title>Rebels seize northern town</title></head><body><article><h1>Rebels seize northern town</h1>"
        b"<p>Tuareg rebels attacked the northern Malian town of Kidal on Monday, officials in Bamako said.</p>"
        b"<p>The army said its troops withdrew after heavy fighting. The United Nations condemned the attack.</p>"
        b"</article></body></html>")


def write_warc(path):
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        html = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://news.example.org/mali/kidal", "response",
                                                      payload=io.BytesIO(PAGE), http_headers=html))
        writer.write_record(writer.create_warc_record("https://news.example.org/logo.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG"), http_headers=image))
        writer.write_record(writer.create_warc_record("https://news.example.org/empty", "response",
                                                      payload=io.BytesIO(b"<html><body></body></html>"), http_headers=html))


def backfill(*args: str) -> dict:
    subprocess.run([sys.executable, "-m", "pipelines.cli", "backfill", *args], cwd=REPO, check=True,
                   capture_output=True, text=True, timeout=1800)
    output = args[args.index("--output") + 1]
    return json.loads((REPO / output / "_summary.json").read_text())


def snapshot(folder):
    return {path.relative_to(folder): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def partition_records(output):
    return {path.parent.name: [record["article_id"] for record in schemas.read_container(path)]
            for path in (output / "articles").glob("date=*/part-00000.avro")}


def event_rows_by_partition(output):
    return {path.parent.name: list(schemas.read_container(path)) for path in (output / "events").glob("date=*/part-00000.avro")}


def test_backfill_files_and_warc_into_date_partitions_and_rerun_changes_nothing(tmp_path):
    lines = real_articles(60)
    source = tmp_path / "news.jsonl.gz"
    subprocess.run(["gzip", "-c"], input=b"\n".join(lines + lines[:5] + [b"{broken"]) + b"\n",
                   stdout=source.open("wb"), check=True)
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc)
    output = tmp_path / "out"

    summary = backfill("--input", str(source), "--warc", str(warc), "--output", str(output))

    assert summary["articles_in"] == 60 + 5 + 1 + 2 and summary["balanced"]
    assert summary["annotated"] == 61 and summary["duplicates"] == 5
    assert summary["dead_letters_by_reason"] == {"malformed_json": 1, "empty_body": 1}
    partitions = partition_records(output)
    published = {json.loads(line)["id"]: json.loads(line)["published_at"][:10] for line in lines}
    for name, ids in partitions.items():
        assert len(ids) == len(set(ids))
        assert all(name == f"date={published[i]}" for i in ids if i in published)
    assert sorted(i for ids in partitions.values() for i in ids if i in published) == sorted(published)
    warc_ids = [i for ids in partitions.values() for i in ids if i.startswith("warc:")]
    assert len(warc_ids) == 1
    clusters = list(schemas.read_container(output / "event_clusters.avro"))
    events = [event for path in sorted((output / "articles").glob("date=*/*.avro"))
              for record in schemas.read_container(path) for event in record["events"]]
    assert len(events) == summary["events"]
    assert clusters and sum(c["num_mentions"] for c in clusters) == sum(event["mentions"] for event in events)
    for cluster in clusters:
        schemas.check(cluster, "event_cluster")
    assert len(list(schemas.read_container(output / "dead_letters.avro"))) == 2
    rows = event_rows_by_partition(output)
    assert sum(len(r) for r in rows.values()) == summary["events"] > 0
    assert all(name == f"date={row['event_date'] or 'unknown'}" for name, r in rows.items() for row in r)
    assert all(row["event_description"] and row["quad_class_name"] for r in rows.values() for row in r)
    assert all(path.stat().st_mode & 0o777 == 0o644 for path in output.rglob("*.avro"))

    before = snapshot(output)
    backfill("--input", str(source), "--warc", str(warc), "--output", str(output))
    assert snapshot(output) == before, "re-running the same input changes no file"


def test_resume_skips_complete_partitions(tmp_path):
    output = tmp_path / "out"
    first = backfill("--input", str(WIKINEWS_2019), "--output", str(output))
    partitions = partition_records(output)
    removed = sorted(partitions)[0]
    shutil.rmtree(output / "articles" / removed)

    resumed = backfill("--input", str(WIKINEWS_2019), "--output", str(output), "--resume")

    assert resumed["annotated"] == len(partitions[removed])
    assert resumed["skipped_complete"] == 295 - len(partitions[removed]) and resumed["balanced"]
    assert partition_records(output) == partitions
    mentions = sum(event["mentions"] for path in sorted((output / "articles").glob("date=*/*.avro"))
                   for record in schemas.read_container(path) for event in record["events"])
    assert sum(c["num_mentions"] for c in schemas.read_container(output / "event_clusters.avro")) == mentions
    assert sum(len(rows) for rows in event_rows_by_partition(output).values()) == first["events"]


def test_backfill_reads_a_kafka_offset_range(kafka_broker, fresh_topics, tmp_path):
    topic = fresh_topics["articles.raw"]
    produce(kafka_broker.bootstrap, topic, real_articles(30))
    output = tmp_path / "out"
    everything = backfill("--kafka-topic", topic, "--bootstrap-servers", kafka_broker.bootstrap, "--output", str(output))
    assert everything["annotated"] == 30
    bounded = backfill("--kafka-topic", topic, "--bootstrap-servers", kafka_broker.bootstrap, "--from-offset", "2",
                       "--to-offset", "5", "--output", str(tmp_path / "bounded"))
    assert bounded["articles_in"] == 9 and bounded["annotated"] == 9  # offsets 2, 3, 4 of each of 3 partitions


def test_resume_reprocesses_complete_partitions_whose_input_changed(tmp_path):
    lines = real_articles(295)
    date = lambda line: json.loads(line)["published_at"][:10]  # noqa: E731
    first = lines[:25]
    first_dates = {date(line) for line in first}
    later = [line for line in lines[25:] if date(line) in first_dates]
    grown, added_later = later[:5], later[5:7]
    new_partition = [line for line in lines[25:] if date(line) not in first_dates][:2]
    source, larger, other = tmp_path / "first.jsonl", tmp_path / "larger.jsonl", tmp_path / "other.jsonl"
    source.write_bytes(b"\n".join(first) + b"\n")
    larger.write_bytes(b"\n".join(first + grown + new_partition) + b"\n")
    other.write_bytes(b"\n".join(added_later) + b"\n")
    output = tmp_path / "out"
    backfill("--input", str(source), "--output", str(output))

    resumed = backfill("--input", str(larger), "--output", str(output), "--resume")

    changed = {f"date={date(line)}" for line in grown}
    in_changed = [line for line in first if f"date={date(line)}" in changed]
    assert resumed["partitions_reprocessed"] == len(changed)
    assert resumed["annotated"] == len(grown) + len(new_partition) + len(in_changed)
    assert resumed["skipped_complete"] == len(first) - len(in_changed) and resumed["balanced"]
    ids = lambda batch: sorted(json.loads(line)["id"] for line in batch)  # noqa: E731
    assert sorted(i for found in partition_records(output).values() for i in found) == ids(first + grown + new_partition)

    again = backfill("--input", str(other), "--output", str(output), "--resume")

    assert again["annotated"] == len(added_later)
    assert again["partitions_reprocessed"] == len({date(line) for line in added_later})
    assert sorted(i for found in partition_records(output).values() for i in found) == ids(
        first + grown + new_partition + added_later), "a partition reprocessed from other input keeps what it held"
