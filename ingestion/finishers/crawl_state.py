"""Reads the previous crawls back from the warehouse (``raw_finishers.pages`` / ``events``
/ ``sitemaps``).

The warehouse is the source of truth: a new machine, or a run after a crash, resumes
from what was landed. Missing tables mean a first run. Only what the refresh policy and
change detection need is kept in memory (a page's state, an event's hash and listing);
full event rows are read back with :func:`read_events` for the few events whose listing
flips.

The state is read a page of rows at a time (``WarehouseReader.pages``): Postgres' client
would hold a whole result, the catalogue's size, before the first row. It is kept in
columns (:mod:`.columnar`): a few arrays, not objects per page and event that the landed
batches' memory would be trapped between all night (issue 13).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from ingestion.raw_tables import BIGINT, BOOL, TEXT, TS
from ingestion.warehouse import Warehouse, WarehouseUnreachable
from ingestion.warehouse_reader import WarehouseReader

from .columnar import Column, Columns, Day, Flag, Int, RowMap, Suffixed, Text, Time
from .columns import EVENT_COLUMNS, PAGE_COLUMNS
from .refresh_policy import PageState
from .settings import DATASET_NAME
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


def page_columns(strings: Strings) -> Columns[PageState]:
    """How a page state is held: its slug and event id in their own tables, its URL
    without its slug."""
    own: dict[str, Column] = {
        "slug": Text("slug", strings.slugs),
        "url": Suffixed("url", strings.texts, "slug"),
        "event_id": Text("event_id", strings.ids),
    }
    kinds: dict[str, Callable[[str], Column]] = {
        TEXT: lambda name: Text(name, strings.texts), TS: Time, BIGINT: Int, BOOL: Flag,
    }  # fmt: skip
    return Columns(
        PageState,
        [own.get(name) or kinds[spec["data_type"]](name) for name, spec in PAGE_COLUMNS.items()],
    )


def event_columns(strings: Strings) -> Columns[EventState]:
    return Columns(
        EventState,
        [
            Text("content_hash", strings.texts),
            Flag("is_listed"),
            Time("first_seen_at"),
            Time("last_seen_at"),
            Time("content_changed_at"),
            Day("edition_start_date"),
            Day("edition_end_date"),
            Text("slug", strings.slugs),
            Text("page_slug", strings.slugs),
        ],
    )


class CrawlState:
    """What the previous crawls landed, as the refresh policy and change detection read
    it: ``pages`` (slug → :class:`PageState`) and ``events`` (id → :class:`EventState`)
    behave as dicts, held in columns; ``sitemaps`` (url → validators) is a dict."""

    def __init__(self, strings: Strings | None = None) -> None:
        self.strings = strings or Strings()
        self.pages: RowMap[PageState] = RowMap(self.strings.slugs, page_columns(self.strings))
        self.events: RowMap[EventState] = RowMap(self.strings.ids, event_columns(self.strings))
        self.sitemaps: dict[str, SitemapState] = {}

    @property
    def nbytes(self) -> int:
        """The bytes held for the pages and events, their strings included."""
        return self.pages.nbytes + self.events.nbytes + self.strings.nbytes


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
            for row in rows:  # the reader reads the key of the last row: left in place
                state.events[row["id"]] = EventState.of(row)
        for rows in reader.pages(DATASET_NAME, "pages", _PAGE_FIELDS, ["slug"], page_rows):
            for row in rows:
                state.pages[row["slug"]] = page_state(row)


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
