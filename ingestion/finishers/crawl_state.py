"""Reads the previous crawls back from the warehouse (``raw_finishers.pages`` / ``events``
/ ``sitemaps``).

The warehouse is the source of truth: a new machine, or a run after a crash, resumes
from what was landed. Missing tables mean a first run. Only what the refresh policy and
change detection need is kept in memory (a page's state, an event's hash and listing);
full event rows are read back with :func:`read_events` for the few events whose listing
flips.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from ingestion.warehouse import Warehouse, WarehouseUnreachable

from .columns import EVENT_COLUMNS
from .refresh_policy import PageState
from .settings import DATASET_NAME


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


@dataclass
class CrawlState:
    pages: dict[str, PageState] = field(default_factory=dict)
    events: dict[str, EventState] = field(default_factory=dict)  # id → hash, listing, dates
    sitemaps: dict[str, SitemapState] = field(default_factory=dict)  # url → validators


_PAGE_FIELDS = [f.name for f in fields(PageState)]


def load_state(warehouse: Warehouse) -> CrawlState:
    with warehouse.reader() as reader:  # WarehouseUnreachable, one line, when it does not answer
        try:
            state = CrawlState()
            for row in reader.select(DATASET_NAME, "pages", _PAGE_FIELDS):
                for counter in ("consecutive_failures", "check_count", "change_count"):
                    row[counter] = int(row.get(counter) or 0)
                row["is_listed"] = row.get("is_listed") is not False
                state.pages[row["slug"]] = PageState(**row)
            for row in reader.select(DATASET_NAME, "events", ["id", *EVENT_STATE_FIELDS]):
                event_id = row.pop("id")
                state.events[event_id] = EventState(**row)
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
