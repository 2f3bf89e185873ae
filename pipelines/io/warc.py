"""Articles from WARC files: HTML response records, their text extracted with trafilatura.

Each HTML response becomes an Article-shaped JSON line, so the same parse step validates it and
dead-letters what extraction could not fill (no text -> `empty_body`). The record's position in
the WARC file is its offset in the receipt.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterator
from urllib.parse import urlparse

import trafilatura
from warcio.archiveiterator import ArchiveIterator

from pipelines.io.records import KafkaRecord, Receipt


def article_from_html(url: str, html: bytes, warc_date: str | None) -> dict:
    """An Article dict from a fetched page; fields extraction could not find are left empty."""
    extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    found = extracted.as_dict() if extracted is not None else {}
    return {
        "id": "warc:" + hashlib.sha1(url.encode()).hexdigest()[:20],
        "url": url,
        "source": found.get("sitename") or urlparse(url).hostname or "unknown",
        "title": found.get("title") or "",
        "body": found.get("text") or "",
        "published_at": found.get("date") or warc_date,
        "language": found.get("language"),
    }


def warc_records(path: str) -> Iterator[KafkaRecord]:
    """One record per HTML response in the WARC file (gzip or not)."""
    with open(path, "rb") as stream:
        for number, record in enumerate(ArchiveIterator(stream), start=1):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if "html" not in (record.http_headers.get_header("Content-Type") or ""):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            article = article_from_html(url, record.content_stream().read(), record.rec_headers.get_header("WARC-Date"))
            yield KafkaRecord(Receipt(path, None, number), None, json.dumps(article).encode(), 0)
