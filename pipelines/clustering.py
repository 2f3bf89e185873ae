"""Merging coded events reported by many articles into one row per real-world event (pure, no Beam).

Events cluster when they share the cluster key: the event date's bucket (`bucket_days` wide,
counted from 1970-01-01), actor1 code, actor2 code, CAMEO root code and location country.

An article's Event already merges that article's mentions of one event (its `mentions` count, 1 in records
written before mentions were merged), so `num_mentions` adds up the events' `mentions`: sentences reporting the
event across all articles, as before the merge, when each such sentence was its own event. Means (Goldstein,
confidence) are per event, each article's event counted once however often the article repeats it.

A batch run writes each cluster once with every article and event id (`cluster_record`). A stream publishes
updates (`cluster_updates`): the totals so far plus only the ids this update added (`delta` true), at most
MAX_IDS_PER_UPDATE per message, more in further messages. Re-publishing every id on every update cost n^2/2
bytes over a cluster's life, and about 10,000 mentions made one message larger than the 1 MB limit.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

EPOCH = date(1970, 1, 1)

MAX_IDS_PER_UPDATE = 500
"""Event ids (and at most as many article ids) per streamed update: 500 x (16-character event id + article id of at
most 512 characters, `Limits.max_id_chars`) is under 270 KB, well below the 1 MB message limit."""


def date_bucket(event_date: str | None, bucket_days: int) -> str | None:
    """First day of the `bucket_days`-wide bucket holding `event_date` (YYYY-MM-DD)."""
    if not event_date:
        return None
    day = date.fromisoformat(event_date)
    return (EPOCH + timedelta(days=(day - EPOCH).days // bucket_days * bucket_days)).isoformat()


def cluster_key(event: dict, bucket_days: int) -> tuple:
    def code(actor):
        return actor["code"] if actor else None

    location = event.get("location")
    return (date_bucket(event.get("event_date"), bucket_days), code(event.get("actor1")), code(event.get("actor2")),
            event["event_root_code"], location["country_code"] if location else None)


def cluster_id(key: tuple) -> str:
    return hashlib.sha1(repr(key).encode()).hexdigest()[:16]


@dataclass
class Mention:
    """One coded event with the article facts a cluster needs."""

    event_id: str
    event_code: str
    quad_class: int
    goldstein: float
    confidence: float
    article_id: str
    source: str
    published_at: str | None
    mentions: int = 1
    """Sentences of its article that report the event."""


def mentions(annotated: dict, bucket_days: int):
    """(cluster key, Mention) for every event of an AnnotatedArticle."""
    for event in annotated["events"]:
        yield cluster_key(event, bucket_days), Mention(
            event["event_id"], event["event_code"], event["quad_class"], event["goldstein"], event["confidence"],
            annotated["article_id"], annotated["source"], annotated["published_at"], event.get("mentions") or 1)


def merge_mentions(mentions_by_event: list[dict]) -> dict:
    """Union of {event_id: Mention} maps: a replayed event counts once, whatever the merge order."""
    merged = {}
    for part in mentions_by_event:
        merged.update(part)
    return merged


def most_common_lowest(counter: Counter):
    """The most frequent item, the lowest one among ties, so the result does not depend on order."""
    top = max(counter.values())
    return min(item for item, count in counter.items() if count == top)


@dataclass
class ClusterTotals:
    """What a cluster's record needs from all its mentions so far, without the mentions themselves."""

    event_ids: set
    article_ids: set
    sources: set
    event_codes: Counter
    quad_classes: Counter
    goldstein_sum: float = 0.0
    confidence_sum: float = 0.0
    first_seen: str | None = None
    last_seen: str | None = None
    mention_count: int = 0
    """Sum of the events' mentions (sentences); len(event_ids) is the number of events."""


def add_mentions(totals: ClusterTotals | None, mentions_by_event: dict) -> tuple[ClusterTotals, list[Mention]]:
    """`totals` with the mentions it has not seen added, and those fresh mentions: a replayed event counts once."""
    totals = totals or ClusterTotals(set(), set(), set(), Counter(), Counter())
    fresh = [mention for event_id, mention in sorted(mentions_by_event.items()) if event_id not in totals.event_ids]
    for mention in fresh:
        totals.event_ids.add(mention.event_id)
        totals.article_ids.add(mention.article_id)
        totals.sources.add(mention.source)
        totals.event_codes[mention.event_code] += 1
        totals.quad_classes[mention.quad_class] += 1
        totals.goldstein_sum += mention.goldstein
        totals.confidence_sum += mention.confidence
        totals.mention_count += mention.mentions
        if mention.published_at:
            totals.first_seen = min(filter(None, (totals.first_seen, mention.published_at)))
            totals.last_seen = max(filter(None, (totals.last_seen, mention.published_at)))
    return totals, fresh


def cluster_fields(key: tuple, totals: ClusterTotals) -> dict:
    """An EventCluster record's key and totals (everything but the ids)."""
    bucket, actor1, actor2, root, country = key
    count = len(totals.event_ids)
    return {
        "cluster_id": cluster_id(key),
        "event_date": bucket,
        "actor1_code": actor1,
        "actor2_code": actor2,
        "event_root_code": root,
        "location_country_code": country,
        "event_code": most_common_lowest(totals.event_codes),
        "quad_class": most_common_lowest(totals.quad_classes),
        "goldstein": round(totals.goldstein_sum / count, 3),
        "num_mentions": totals.mention_count,
        "num_sources": len(totals.sources),
        "num_articles": len(totals.article_ids),
        "first_seen": totals.first_seen,
        "last_seen": totals.last_seen,
        "mean_confidence": round(totals.confidence_sum / count, 4),
    }


def cluster_record(key: tuple, mentions_by_event: dict) -> dict:
    """The whole EventCluster record (schemas/event_cluster.avsc) of a cluster's {event_id: Mention}, every id listed."""
    totals, _ = add_mentions(None, mentions_by_event)
    return {**cluster_fields(key, totals), "article_ids": sorted(totals.article_ids),
            "event_ids": sorted(totals.event_ids), "delta": False}


def cluster_updates(key: tuple, totals: ClusterTotals, fresh: list[Mention],
                    max_ids: int = MAX_IDS_PER_UPDATE) -> list[dict]:
    """Streamed EventCluster updates for `fresh` mentions: the totals, and the ids they add, `max_ids` a message."""
    fields = cluster_fields(key, totals)
    return [{**fields, "article_ids": sorted({mention.article_id for mention in part}),
             "event_ids": [mention.event_id for mention in part], "delta": True}
            for part in (fresh[start:start + max_ids] for start in range(0, len(fresh), max_ids))]
