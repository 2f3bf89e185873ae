"""Merging coded events reported by many articles into one row per real-world event (pure, no Beam).

Events cluster when they share the cluster key: the event date's bucket (`bucket_days` wide,
counted from 1970-01-01), actor1 code, actor2 code, CAMEO root code and location country.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

EPOCH = date(1970, 1, 1)


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


def mentions(annotated: dict, bucket_days: int):
    """(cluster key, Mention) for every event of an AnnotatedArticle."""
    for event in annotated["events"]:
        yield cluster_key(event, bucket_days), Mention(
            event["event_id"], event["event_code"], event["quad_class"], event["goldstein"], event["confidence"],
            annotated["article_id"], annotated["source"], annotated["published_at"])


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


def cluster_record(key: tuple, mentions_by_event: dict) -> dict:
    """An EventCluster record (schemas/event_cluster.avsc) from the cluster's {event_id: Mention}."""
    bucket, actor1, actor2, root, country = key
    merged = list(mentions_by_event.values())
    published = sorted(mention.published_at for mention in merged if mention.published_at)
    return {
        "cluster_id": cluster_id(key),
        "event_date": bucket,
        "actor1_code": actor1,
        "actor2_code": actor2,
        "event_root_code": root,
        "location_country_code": country,
        "event_code": most_common_lowest(Counter(mention.event_code for mention in merged)),
        "quad_class": most_common_lowest(Counter(mention.quad_class for mention in merged)),
        "goldstein": round(sum(mention.goldstein for mention in merged) / len(merged), 3),
        "num_mentions": len(merged),
        "num_sources": len({mention.source for mention in merged}),
        "num_articles": len({mention.article_id for mention in merged}),
        "first_seen": published[0] if published else None,
        "last_seen": published[-1] if published else None,
        "article_ids": sorted({mention.article_id for mention in merged}),
        "event_ids": sorted(mentions_by_event),
        "mean_confidence": round(sum(mention.confidence for mention in merged) / len(merged), 4),
    }
