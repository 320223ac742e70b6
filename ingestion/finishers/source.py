"""The dlt source of ``raw_finishers``: one landing batch of the crawl."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dlt
from dlt.sources import DltResource

from .columns import EVENTS, INGEST_RUNS, PAGES, RACES, REJECTS, SITEMAPS

Rows = Sequence[dict[str, Any]]


@dlt.source(name="finishers", max_table_nesting=0)
def finishers_source(
    event_rows: Rows = (),
    race_rows: Rows = (),
    page_rows: Rows = (),
    reject_rows: Rows = (),
    run_rows: Rows = (),
    sitemap_rows: Rows = (),
    create: frozenset[str] = frozenset(),
) -> list[DltResource]:
    """One landing batch; the tables named in ``create`` are created even when empty."""
    batch = [
        (EVENTS, event_rows),
        (RACES, race_rows),
        (PAGES, page_rows),
        (REJECTS, reject_rows),
        (INGEST_RUNS, run_rows),
        (SITEMAPS, sitemap_rows),
    ]
    return [table.resource(rows, table.name in create) for table, rows in batch]
