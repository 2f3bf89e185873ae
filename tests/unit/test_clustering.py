"""Event clusters: the pure merge, and the ClusterEvents composite in batch and in a stream."""

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue

from pipelines import schemas
from pipelines.clustering import (MAX_IDS_PER_UPDATE, add_mentions, cluster_record, cluster_updates, date_bucket,
                                  mentions, merge_mentions)
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
        fight_ids = (records | "Ids" >> beam.Filter(lambda r: r["event_root_code"] == "19" and r["event_date"] == "2020-03-02")
                     | "EventIds" >> beam.Map(lambda r: (r["delta"], r["event_ids"])))
        assert_that(fight_ids, _check_each_id_once, label="EachIdOnce")


def _check_each_id_once(updates):
    """Each update lists only the ids it adds: every id appears in exactly one update."""
    ids = [event_id for delta, event_ids in updates for event_id in event_ids]
    assert all(delta for delta, _ in updates) and sorted(ids) == ["e1", "e3", "e9"], updates


def _check_growing(counts):
    assert sorted(counts)[-1] == 3, counts  # the late mention is merged into the same cluster
    assert 1 in counts or 2 in counts, counts  # earlier panes were emitted before the window closed


def test_updates_of_a_10000_mention_cluster_stay_bounded_and_list_every_id_once():
    """Issue 10: each update re-published every mention so far; ~10,000 mentions exceeded the 1 MB message limit."""
    totals, sizes, ids = None, [], []
    for n in range(10_000):
        record = article(f"article-{n:05d}-" + "x" * 490, f"wire-{n % 7}", "2020-03-02T08:00:00Z",
                         event(f"{n:016x}", confidence=0.5))
        [(key, mention)] = mentions(record, 1)
        totals, fresh = add_mentions(totals, {mention.event_id: mention})
        [update] = cluster_updates(key, totals, fresh)
        sizes.append(len(schemas.encode_single_object(update, "event_cluster")))
        ids += update["event_ids"]
    assert update["num_mentions"] == update["num_articles"] == 10_000 and update["num_sources"] == 7
    assert update["mean_confidence"] == 0.5 and update["delta"] and len(ids) == len(set(ids)) == 10_000
    assert max(sizes) < 1_000  # was O(n): the last update listed all 10,000 ids, over 5 MB


def test_a_burst_of_new_mentions_is_split_into_messages_under_the_limit():
    burst = [article(f"a{n}-" + "x" * 508, "wire", None, event(f"{n:016x}")) for n in range(1_200)]
    merged = {mention.event_id: mention for record in burst for _, mention in mentions(record, 1)}
    key = next(mentions(burst[0], 1))[0]
    totals, fresh = add_mentions(None, merged)
    updates = cluster_updates(key, totals, fresh)
    assert [len(update["event_ids"]) for update in updates] == [MAX_IDS_PER_UPDATE, MAX_IDS_PER_UPDATE, 200]
    assert all(len(schemas.encode_single_object(u, "event_cluster")) < 300_000 for u in updates)
    assert all(u["num_mentions"] == 1_200 for u in updates)
    assert add_mentions(totals, merged)[1] == []  # replayed: nothing new, no update


def test_a_merged_event_counts_each_of_its_mentions_but_weighs_once_in_the_means():
    merged = {**event("m1", confidence=0.9), "mentions": 3,
              "mention_sentences": [{"start": 0, "end": 1}, {"start": 5, "end": 6}, {"start": 9, "end": 10}]}
    other = event("m2", confidence=0.5)  # written before mentions were merged: no count, one mention
    [cluster] = clusters_of([article("a1", "wire-1", "2020-03-02T08:00:00Z", merged),
                             article("a2", "wire-2", "2020-03-02T09:00:00Z", other)]).values()
    assert cluster["num_mentions"] == 4 and cluster["num_articles"] == 2 and len(cluster["event_ids"]) == 2
    assert cluster["mean_confidence"] == 0.7
    schemas.check(cluster, "event_cluster")
