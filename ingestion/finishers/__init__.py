"""finishers.com → ``raw_finishers``: a dlt source over one batch of crawled pages.

Data flows discover (:mod:`.sitemap`) → fetch (:mod:`.fetcher`, :mod:`.refresh_policy`)
→ parse (:mod:`.parser`) → these resources, landed batch by batch by :mod:`.crawl`
(``run_crawl``, also behind ``python -m ingestion.finishers``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import dlt
from dlt.sources import DltResource

from .columns import (
    EVENT_COLUMNS,
    PAGE_COLUMNS,
    RACE_COLUMNS,
    REJECT_COLUMNS,
    RUN_COLUMNS,
    SITEMAP_COLUMNS,
)

MERGE = {"disposition": "merge", "strategy": "delete-insert"}

Rows = Sequence[dict[str, Any]]


@dlt.resource(
    name="events",
    primary_key="id",
    write_disposition=MERGE,
    columns=EVENT_COLUMNS,
)
def events(rows: Rows) -> Iterable[dict[str, Any]]:
    """Events that are new, changed or whose listing flipped."""
    yield from rows


@dlt.resource(
    name="races",
    primary_key=("event_id", "id"),
    merge_key="event_id",
    write_disposition=MERGE,
    columns=RACE_COLUMNS,
)
def races(rows: Rows) -> Iterable[dict[str, Any]]:
    """All races of each re-landed event (plus a tombstone when it has none left)."""
    yield from rows


@dlt.resource(name="pages", primary_key="slug", write_disposition=MERGE, columns=PAGE_COLUMNS)
def pages(rows: Rows) -> Iterable[dict[str, Any]]:
    """Crawl state of every page checked in this batch."""
    yield from rows


@dlt.resource(name="sitemaps", primary_key="url", write_disposition=MERGE, columns=SITEMAP_COLUMNS)
def sitemaps(rows: Rows) -> Iterable[dict[str, Any]]:
    """Validators and items of every site-map file read (a 304 reuses the items)."""
    yield from rows


@dlt.resource(name="rejects", write_disposition="append", columns=REJECT_COLUMNS)
def rejects(rows: Rows) -> Iterable[dict[str, Any]]:
    yield from rows


@dlt.resource(name="ingest_runs", write_disposition="append", columns=RUN_COLUMNS)
def ingest_runs(rows: Rows) -> Iterable[dict[str, Any]]:
    yield from rows


@dlt.source(name="finishers", max_table_nesting=0)
def finishers_source(
    event_rows: Rows = (),
    race_rows: Rows = (),
    page_rows: Rows = (),
    reject_rows: Rows = (),
    run_rows: Rows = (),
    sitemap_rows: Rows = (),
) -> list[DltResource]:
    """One landing batch. Every resource is always present so every table gets created."""
    return [
        events(event_rows),
        races(race_rows),
        pages(page_rows),
        rejects(reject_rows),
        ingest_runs(run_rows),
        sitemaps(sitemap_rows),
    ]


def __getattr__(name: str) -> Any:
    # run_crawl lives in .crawl, imported lazily so `import ingestion.finishers` stays light.
    if name in ("run_crawl", "CrawlSummary", "CrawlError"):
        from . import crawl

        return getattr(crawl, name)
    raise AttributeError(name)


__all__ = ["CrawlError", "CrawlSummary", "finishers_source", "run_crawl"]
