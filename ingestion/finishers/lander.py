"""Lands the crawl's rows in batches, one dlt load each, in the background.

A batch (pages, the events and races they changed, rejects, site maps) lands while
fetching goes on; at most one load is in flight, so memory stays bounded and a load error
stops the run at the next batch. A run killed half-way keeps every landed batch.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ingestion.warehouse import Warehouse, WarehouseConfigError

from . import settings
from .columns import RAW_TABLES
from .compaction import Compaction
from .crawl_state import (
    CrawlState,
    WarehouseUnreachable,
    missing_tables,
    read_events,
    read_pages_and_events,
    read_sitemap_states,
)
from .errors import CrawlError
from .memory import keep_little_free_memory, release_free_memory
from .outcome import Outcome, Row
from .source import finishers_source


@dataclass
class Batch:
    events: list[Row] = field(default_factory=list)
    races: list[Row] = field(default_factory=list)
    pages: list[Row] = field(default_factory=list)
    rejects: list[Row] = field(default_factory=list)
    sitemaps: list[Row] = field(default_factory=list)
    event_ids: set[str] = field(default_factory=set)  # ids of the events landed tonight

    def __len__(self) -> int:
        return len(self.pages) + len(self.events)

    def add_event(self, row: Row, races: list[Row]) -> None:
        # One row per event id in a load (page_choice): a page taking over replaces it.
        if row["id"] in self.event_ids:
            self.events = [e for e in self.events if e["id"] != row["id"]]
            self.races = [r for r in self.races if r["event_id"] != row["id"]]
        self.event_ids.add(row["id"])
        self.events.append(row)
        self.races.extend(races)


class Lander:
    """The current batch, the listing flips waiting for their rows, and the load in flight."""

    def __init__(self, warehouse: Warehouse, batch_size: int, batch_min_seconds: float) -> None:
        self.warehouse = warehouse
        self.batch_size = batch_size
        self.batch_min_seconds = batch_min_seconds
        self.batch = Batch()
        # event id → columns to change: listing flips, whose full rows are read back from
        # the warehouse when the batch lands (the crawl keeps no event row in memory)
        self.pending_listing: dict[str, Row] = {}
        self.pipeline: Any = None
        self.compaction: Compaction | None = None  # DuckDB's row groups (compaction.py)
        self.batches = 0
        keep_little_free_memory()  # before the threads' heaps fill (memory.py)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="land")
        self._landing: Future[None] | None = None
        self._last_landed = time.monotonic()

    def open(self) -> CrawlState:
        """Open the pipeline, finish a load a dead run left, read the site-map files known
        (:meth:`read_state` reads the pages and events)."""
        warehouse = self.warehouse
        try:
            self.pipeline = warehouse.pipeline(settings.PIPELINE_NAME, settings.DATASET_NAME)
        except WarehouseConfigError as exc:
            raise CrawlError(f"warehouse not configured: {exc}") from exc
        if warehouse.kind == "duckdb":
            self.compaction = Compaction(self.pipeline)
        try:
            if self.pipeline.has_pending_data:
                # a previous run died between extract and load: finish its batch first
                self._normalize_and_load()
            state = CrawlState()
            state.sitemaps = read_sitemap_states(warehouse)
            return state
        except WarehouseUnreachable as exc:
            raise CrawlError(str(exc)) from exc
        except Exception as exc:
            raise CrawlError(f"warehouse unreachable ({warehouse.describe()}): {exc}") from exc

    def read_state(self, state: CrawlState) -> None:
        """Add the landed pages and events to ``state``."""
        try:
            read_pages_and_events(self.warehouse, state)
        except WarehouseUnreachable as exc:
            raise CrawlError(str(exc)) from exc
        release_free_memory()  # the pages of rows read, freed: before the batches come

    def land_sitemaps(self, rows: list[Row]) -> None:
        """Land the site-map files read, one load each, before anything else is held.

        A file's items are one JSON text (~90 B an event, 4.4 MB for 50,000) that dlt
        copies a few times on its way to the warehouse: 50 MB for the two files of a
        100,000-event catalogue in one load, on top of the state had it been read.
        """
        while rows:
            self.batch.sitemaps.append(rows.pop(0))  # each one freed once landed
            self.land(wait_done=True)

    def add(self, outcome: Outcome) -> None:
        """The rows of one page's outcome, into the current batch."""
        self.batch.pages.append(outcome.page)
        self.batch.rejects.extend(outcome.rejects)
        if outcome.event is not None:
            self.batch.add_event(outcome.event, outcome.races)
            self.pending_listing.pop(outcome.event["id"], None)
        self.pending_listing.update(outcome.listing)

    def land(self, run_rows: Iterable[Row] = (), wait_done: bool = False) -> None:
        """Land the current batch in the background; ``wait_done`` waits for it."""
        if self.pending_listing:
            self.wait_landed()  # the rows to read back may be in the load in flight
            self._resolve_listing()
        batch, self.batch = self.batch, Batch()
        run_rows = list(run_rows)
        if len(batch) or batch.rejects or batch.sitemaps or run_rows:
            self.wait_landed()
            self._landing = self._pool.submit(self._load, batch, run_rows)
            self._last_landed = time.monotonic()
        if wait_done:
            self.wait_landed()

    def maybe_land(self) -> None:
        """Land once the batch is full (not more often than every batch_min_seconds, but
        as soon as ``batch_size`` listing flips wait: their full rows are read back then)."""
        size = max(len(self.batch.pages), len(self.batch.events) + len(self.pending_listing))
        if size < self.batch_size:
            return
        if (
            size < settings.MAX_BATCH_PAGES
            and len(self.pending_listing) < self.batch_size
            and time.monotonic() - self._last_landed < self.batch_min_seconds
        ):
            return
        self.land()

    def wait_landed(self) -> None:
        landing, self._landing = self._landing, None
        if landing is not None:
            landing.result()
            # the landed batch is freed: its pages back to the system, or the RSS grows
            # with every batch (memory.py)
            release_free_memory()

    def drop_changes(self) -> None:
        """Forget what the batch would change (a guard tripped); rejects and site maps stay."""
        self.batch = Batch(rejects=self.batch.rejects, sitemaps=self.batch.sitemaps)
        self.pending_listing.clear()

    def close(self, run_rows: Iterable[Row]) -> None:
        """Land the last batch and the run record, then create the tables no load created
        (dlt creates a table once a row reaches it; dbt's sources need every table)."""
        try:
            self.land(run_rows, wait_done=True)
        finally:
            self._pool.shutdown(wait=True)
        missing = missing_tables(self.warehouse, [table.name for table in RAW_TABLES])
        if missing:
            self.pipeline.extract(finishers_source(create=missing))
            self._normalize_and_load()

    def _load(self, batch: Batch, run_rows: list[Row]) -> None:
        self.pipeline.extract(
            finishers_source(
                batch.events, batch.races, batch.pages, batch.rejects, run_rows, batch.sitemaps
            )
        )
        self._normalize_and_load()
        self.batches += 1

    def _normalize_and_load(self) -> None:
        """The rest of ``pipeline.run``, one load job at a time (settings.LOAD_WORKERS), in
        dlt's default insert_values: see settings.DUCKDB_MEMORY_LIMIT. On DuckDB, the
        row groups the loads leave are merged now and then (compaction.py)."""
        self.pipeline.normalize()

        def load() -> None:
            self.pipeline.load(workers=settings.LOAD_WORKERS)

        if self.compaction is not None:
            self.compaction.load(load)
        else:
            load()

    def _resolve_listing(self) -> None:
        """Add to the batch the full rows of the events whose listing flips.

        Rows come from the warehouse (no load is in flight when this runs), or from the
        current batch when the event was landed tonight and not loaded yet.
        """
        pending, self.pending_listing = self.pending_listing, {}
        in_batch = {row["id"]: row for row in self.batch.events}
        stored = read_events(self.warehouse, [i for i in pending if i not in in_batch])
        for event_id, values in pending.items():
            if event_id in in_batch:
                in_batch[event_id].update(values)
            elif event_id in stored:
                self.batch.events.append({**stored[event_id], **values})  # races unchanged
