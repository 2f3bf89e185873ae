"""Event clusters: the pure merge, and the ClusterEvents composite in batch and in a stream."""

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue

from pipelines import schemas
from pipelines.clustering import cluster_record, date_bucket, mentions, merge_mentions
from pipelines.transforms.clusters import ClusterEvents


def event(event_id, code="190", date="2020-03-02", actor1="RUSMIL", actor2="UKRMIL", country="UKR", confidence=0.8):
    return {"event_id": event_id, "event_code": code, "event_root_code": code[:2], "quad_class": 4, "goldstein": -10.0,
            "actor1": {"name": "a", "code": actor1, "country_code": None, "type_code": None},
            "actor2": {"name": "b", "code": actor2, "country_code": None, "type_code": None} if actor2 else None,
            "location": {"name": "Kyiv", "country_code": country, "lat": None, "lon": None} if country else None,
            "event_date": date, "sentence": "s", "sentence_start": 0, "trigger": "t", "confidence": confidence}


def article(article_id, source, published, *events):
    return {"article_id": article_id, "source": source, "published_at": published, "events": list(events)}


ARTICLES = [
    article("a1", "wire-1", "2020-03-02T08:00:00Z", event("e1"), event("e2", code="042", actor2=None, country=None)),
    article("a2", "wire-2", "2020-03-02T09:30:00Z", event("e3", code="193", confidence=0.6)),
    article("a3", "wire-2", "2020-03-03T10:00:00Z", event("e4", code="190", date="2020-03-03")),
]


def clusters_of(articles, bucket_days=1):
    grouped = {}
    for record in articles:
        for key, mention in mentions(record, bucket_days):
            grouped.setdefault(key, {})[mention.event_id] = mention
    return {record["cluster_id"]: record for record in (cluster_record(key, value) for key, value in grouped.items())}


def test_date_bucket():
    assert date_bucket("2020-03-03", 1) == "2020-03-03"
    assert date_bucket("2020-03-03", 7) == "2020-02-27" and date_bucket("2020-03-05", 7) == "2020-03-05"
    assert date_bucket(None, 1) is None


def test_mentions_of_one_event_from_many_outlets_merge():
    clusters = clusters_of(ARTICLES)
    fight = next(c for c in clusters.values() if c["event_root_code"] == "19" and c["event_date"] == "2020-03-02")
    assert fight["num_mentions"] == 2 and fight["num_articles"] == 2 and fight["num_sources"] == 2
    assert fight["first_seen"] == "2020-03-02T08:00:00Z" and fight["last_seen"] == "2020-03-02T09:30:00Z"
    assert fight["event_code"] == "190" and fight["mean_confidence"] == 0.7 and fight["article_ids"] == ["a1", "a2"]
    assert len(clusters) == 3  # the next day's fight is another cluster with a 1-day bucket ...
    assert len(clusters_of(ARTICLES, bucket_days=7)) == 2  # ... and the same one with a week
    for record in clusters.values():
        schemas.check(record, "event_cluster")


def test_a_replayed_event_counts_once():
    key, mention = next(mentions(ARTICLES[0], 1))
    assert merge_mentions([{mention.event_id: mention}, {mention.event_id: mention}]) == {mention.event_id: mention}


def test_cluster_events_in_batch_matches_the_pure_merge():
    with TestPipeline() as pipeline:
        records = pipeline | beam.Create(ARTICLES) | ClusterEvents()
        assert_that(records | beam.Map(lambda r: (r["cluster_id"], r["num_mentions"])),
                    equal_to([(cid, r["num_mentions"]) for cid, r in clusters_of(ARTICLES).items()]))


def test_streaming_clusters_update_with_each_mention_including_late_ones():
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    day = 18323 * 86400  # 2020-03-02
    stream = (TestStream()
              .add_elements([TimestampedValue(ARTICLES[0], day + 100)])
              .add_elements([TimestampedValue(ARTICLES[1], day + 200)])
              .advance_watermark_to(day + 86400 + 10)
              .add_elements([TimestampedValue(article("a9", "wire-3", None, event("e9")), day + 300)])
              .advance_watermark_to_infinity())
    with TestPipeline(options=options) as pipeline:
        records = pipeline | stream | ClusterEvents(streaming=True, allowed_lateness_seconds=86400)
        fight_counts = (records | beam.Filter(lambda r: r["event_root_code"] == "19" and r["event_date"] == "2020-03-02")
                        | beam.Map(lambda r: r["num_mentions"]))
        assert_that(fight_counts, lambda counts: _check_growing(counts))


def _check_growing(counts):
    assert sorted(counts)[-1] == 3, counts  # the late mention is merged into the same cluster
    assert 1 in counts or 2 in counts, counts  # earlier panes were emitted before the window closed
