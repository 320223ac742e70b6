"""Reads the previous crawls back from the warehouse (``raw_finishers.pages`` / ``events``
/ ``sitemaps``).

The warehouse is the source of truth: a new machine, or a run after a crash, resumes
from what was landed. Missing tables mean a first run. Only what the refresh policy and
change detection need is kept in memory (a page's state, an event's hash and listing);
full event rows are read back with :func:`read_events` for the few events whose listing
flips.

The state is read a page of rows at a time (``WarehouseReader.pages``): Postgres' client
would hold a whole result, the catalogue's size, before the first row. What is kept per
page and per event is compact (:class:`.compact.Shared`): the values many rows repeat
(a run id, an outcome, the time a run started, an edition date) are one object each.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from ingestion.warehouse import Warehouse, WarehouseUnreachable

from .columns import EVENT_COLUMNS
from .compact import Shared
from .refresh_policy import PageState
from .settings import DATASET_NAME

# Rows per read of the state: a page of dicts is about 1.5 KB a row, 15 MB at 10,000,
# freed before the next (the state itself is a few hundred bytes a row).
STATE_PAGE_ROWS = 10_000


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
    def of(cls, row: dict[str, Any], shared: Shared | None = None) -> EventState:
        """The state of an event row; ``shared`` makes repeated values one object."""
        state = cls(**{name: row.get(name) for name in EVENT_STATE_FIELDS})
        # the page an event is landed from is nearly always its own, and a one-day event
        # ends when it starts: one object for both
        state.page_slug = Shared.same(state.page_slug, state.slug)
        state.edition_end_date = Shared.same(state.edition_end_date, state.edition_start_date)
        if shared is not None:
            state.page_slug = shared.text(state.page_slug)  # the page's own slug, too
            state.content_hash = shared.text(state.content_hash)  # and its page's hash
            state.edition_start_date = shared.value(state.edition_start_date)
            state.edition_end_date = shared.value(state.edition_end_date)
            state.first_seen_at = shared.value(state.first_seen_at)
            state.last_seen_at = shared.same(state.last_seen_at, state.first_seen_at)
            state.content_changed_at = shared.same(state.content_changed_at, state.last_seen_at)
        return state


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


@dataclass
class CrawlState:
    pages: dict[str, PageState] = field(default_factory=dict)
    events: dict[str, EventState] = field(default_factory=dict)  # id → hash, listing, dates
    sitemaps: dict[str, SitemapState] = field(default_factory=dict)  # url → validators


_PAGE_FIELDS = [f.name for f in fields(PageState)]


# Columns of a page whose values many rows share (a run, an outcome, a night's lastmod).
_SHARED_PAGE_VALUES = (
    "run_id", "last_outcome", "last_reason", "last_status", "first_seen_at", "sitemap_lastmod",
    "last_modified",
)  # fmt: skip


def page_state(row: dict[str, Any], shared: Shared) -> PageState:
    """A ``raw_finishers.pages`` row as the refresh policy reads it, its repeated values
    shared with the other rows' (its event id, slug and content hash with its event's)."""
    for counter in ("consecutive_failures", "check_count", "change_count"):
        row[counter] = int(row.get(counter) or 0)
    row["is_listed"] = row.get("is_listed") is not False
    for name in _SHARED_PAGE_VALUES:
        row[name] = shared.value(row.get(name))
    row["event_id"] = shared.text(row.get("event_id"))
    row["slug"] = shared.text(row["slug"])
    row["content_hash"] = shared.text(row.get("content_hash"))
    # a page answered is also checked then, and its content changed when first seen
    row["last_checked_at"] = shared.same(row.get("last_checked_at"), row.get("last_attempt_at"))
    row["content_changed_at"] = shared.same(
        row.get("content_changed_at"), row.get("last_checked_at"), row.get("first_seen_at")
    )
    return PageState(**row)


def load_state(warehouse: Warehouse, page_rows: int = STATE_PAGE_ROWS) -> CrawlState:
    """The previous crawls' state, read ``page_rows`` rows at a time (see the module)."""
    with warehouse.reader() as reader:  # WarehouseUnreachable, one line, when it does not answer
        try:
            state = CrawlState()
            shared = Shared()
            wanted = ["id", *EVENT_STATE_FIELDS]
            for rows in reader.pages(DATASET_NAME, "events", wanted, ["id"], page_rows):
                for row in rows:  # the reader reads the key of the last row: left in place
                    state.events[shared.text(row["id"])] = EventState.of(row, shared)
            for rows in reader.pages(DATASET_NAME, "pages", _PAGE_FIELDS, ["slug"], page_rows):
                for row in rows:
                    state.pages[row["slug"]] = page_state(row, shared)
            for row in reader.select(
                DATASET_NAME, "sitemaps", [f.name for f in fields(SitemapState)]
            ):
                state.sitemaps[row["url"]] = SitemapState(**row)
            return state
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
