"""Reads the previous crawls back from the warehouse (``raw_finishers.pages`` / ``events``
/ ``sitemaps``).

The warehouse is the source of truth: a new machine, or a run after a crash, resumes
from what was landed. Missing tables mean a first run. Only what the refresh policy and
change detection need is kept in memory (a page's state, an event's hash and listing);
full event rows are read back with :func:`read_events` for the few events whose listing
flips.

The state is read a page of rows at a time (``WarehouseReader.pages``): Postgres' client
would hold a whole result, the catalogue's size, before the first row. It is kept out of
the process (:mod:`.spill`), in a temporary SQLite database: held in the process, even in
columns, it grew the crawl's memory with the catalogue (issue 13).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from ingestion.warehouse import Warehouse, WarehouseUnreachable
from ingestion.warehouse_reader import WarehouseReader

from .columns import EVENT_COLUMNS
from .refresh_policy import PageState
from .settings import DATASET_NAME
from .spill import SpillDatabase, SpilledRows
from .strings import Strings

# Rows per read of the state: a page of dicts is about 1.5 KB a row, 3 MB at 2,000, freed
# before the next (the state itself is a few hundred bytes a row). A row's dict is too
# large for Python's small-object heap: pages of 10,000 rows churned 15 MB of glibc's heap
# while the state's arrays grew in it, and left 16 MB of it pinned at 100,000 events.
STATE_PAGE_ROWS = 2_000


@dataclass(slots=True)
class EventState:
    """What change detection needs of a landed event (not the row: ~100 B, not ~17 KB)."""

    content_hash: str | None = None
    is_listed: bool | None = None
    first_seen_at: datetime | None = None
    last_seen_at: datetime | None = None
    content_changed_at: datetime | None = None
    edition_start_date: date | None = None  # the adaptive refresh policy reads the dates
    edition_end_date: date | None = None
    slug: str | None = None  # the event's own slug
    page_slug: str | None = None  # the page it was landed from (see page_choice)

    @classmethod
    def of(cls, row: dict[str, Any]) -> EventState:
        """The state of an event row."""
        return cls(**{name: row.get(name) for name in EVENT_STATE_FIELDS})


EVENT_STATE_FIELDS = (
    "content_hash",
    "is_listed",
    "first_seen_at",
    "last_seen_at",
    "content_changed_at",
    "edition_start_date",
    "edition_end_date",
    "slug",
    "page_slug",
)


@dataclass
class SitemapState:
    """A row of ``raw_finishers.sitemaps`` without its items (read only after a 304)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    kind: str | None = None  # urlset | sitemapindex
    entries: int | None = None
    fetched_at: datetime | None = None


class CrawlState:
    """What the previous crawls landed, as the refresh policy and change detection read
    it: ``pages`` (slug → :class:`PageState`) and ``events`` (id → :class:`EventState`)
    behave as dicts, kept out of the process (:mod:`.spill`); ``sitemaps`` (url →
    validators) is a dict. ``strings``: the tables the site map's and the night's strings
    go to (:mod:`.entries`)."""

    def __init__(self, strings: Strings | None = None) -> None:
        self.strings = strings or Strings()
        self._spill = SpillDatabase()
        self.pages = SpilledRows(self._spill, "pages", PageState)
        self.events = SpilledRows(self._spill, "events", EventState)
        self.sitemaps: dict[str, SitemapState] = {}

    @property
    def spilled_bytes(self) -> int:
        """The bytes of the pages and events, out of the process (but SQLite's page cache)."""
        return self._spill.size

    def close(self) -> None:
        """Delete the pages and events (the spill database)."""
        self._spill.close()


_PAGE_FIELDS = [f.name for f in fields(PageState)]


def page_state(row: dict[str, Any]) -> PageState:
    """A ``raw_finishers.pages`` row as the refresh policy reads it."""
    for counter in ("consecutive_failures", "check_count", "change_count"):
        row[counter] = int(row.get(counter) or 0)
    row["is_listed"] = row.get("is_listed") is not False
    return PageState(**row)


def load_state(warehouse: Warehouse, page_rows: int = STATE_PAGE_ROWS) -> CrawlState:
    """The previous crawls' state, read ``page_rows`` rows at a time (see the module)."""
    state = CrawlState()
    state.sitemaps = read_sitemap_states(warehouse)
    read_pages_and_events(warehouse, state, page_rows)
    return state


def read_sitemap_states(warehouse: Warehouse) -> dict[str, SitemapState]:
    """The site-map files read before (url → validators), without their items."""
    with _reading(warehouse) as reader:
        wanted = [f.name for f in fields(SitemapState)]
        return {
            row["url"]: SitemapState(**row)
            for row in reader.select(DATASET_NAME, "sitemaps", wanted)
        }


def read_pages_and_events(
    warehouse: Warehouse, state: CrawlState, page_rows: int = STATE_PAGE_ROWS
) -> None:
    """Add to ``state`` the landed events and pages, ``page_rows`` rows at a time."""
    with _reading(warehouse) as reader:
        wanted = ["id", *EVENT_STATE_FIELDS]
        for rows in reader.pages(DATASET_NAME, "events", wanted, ["id"], page_rows):
            # the reader reads the key of the last row: left in place
            state.events.put_many((row["id"], EventState.of(row)) for row in rows)
        for rows in reader.pages(DATASET_NAME, "pages", _PAGE_FIELDS, ["slug"], page_rows):
            state.pages.put_many((row["slug"], page_state(row)) for row in rows)


@contextmanager
def _reading(warehouse: Warehouse) -> Iterator[WarehouseReader]:
    """A reader; any error while reading is one :class:`WarehouseUnreachable` line."""
    with warehouse.reader() as reader:  # WarehouseUnreachable when it does not answer
        try:
            yield reader
        except Exception as exc:
            raise WarehouseUnreachable(
                f"cannot read {DATASET_NAME} from {warehouse.describe()}: {exc}"
            ) from exc


def read_sitemap_items(warehouse: Warehouse, url: str) -> str | None:
    """The stored items (JSON ``[[loc, lastmod], ...]``) of one site-map file, or None."""
    with warehouse.reader() as reader:
        rows = reader.select(DATASET_NAME, "sitemaps", ["items"], "url = %s", url)
    return rows[0]["items"] if rows else None


def read_events(warehouse: Warehouse, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Full landed rows of these events (id → row)."""
    if not ids:
        return {}
    with warehouse.reader() as reader:
        rows = reader.select_keys(DATASET_NAME, "events", EVENT_COLUMNS, "id", ids)
    return {row["id"]: row for row in rows}


def read_rows(
    warehouse: Warehouse, table: str, wanted: list[str], unless_present: str | None = None
) -> list[dict[str, Any]]:
    """Rows of a raw table (NULL for a column it does not have yet). With
    ``unless_present``, only the rows where that column is null (all rows when the table
    does not have it yet)."""
    with warehouse.reader() as reader:
        if unless_present and unless_present in reader.columns(DATASET_NAME, table):
            return reader.select(DATASET_NAME, table, wanted, f'"{unless_present}" IS NULL')
        return reader.select(DATASET_NAME, table, wanted)


def missing_tables(warehouse: Warehouse, names: list[str]) -> frozenset[str]:
    """The tables of ``names`` that the warehouse does not have yet."""
    with warehouse.reader() as reader:
        return frozenset(names) - reader.tables(DATASET_NAME)
