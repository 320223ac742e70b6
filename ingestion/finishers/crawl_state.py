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
from datetime import UTC, date, datetime
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


def _aware(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def _existing_columns(cur: Any, table: str) -> list[str]:
    cur.execute(
        "SELECT column_name FROM information_schema.columns "
        f"WHERE table_schema = '{DATASET_NAME}' AND table_name = '{table}'"
    )
    return [r[0] for r in cur.fetchall()]


def _select(cur: Any, table: str, wanted: list[str]) -> list[dict[str, Any]]:
    present = set(_existing_columns(cur, table))
    if not present:
        return []
    cols = [c for c in wanted if c in present]
    cur.execute(f"SELECT {', '.join(cols)} FROM {DATASET_NAME}.{table}")
    return [{c: _aware(v) for c, v in zip(cols, row, strict=True)} for row in cur.fetchall()]


def load_state(warehouse: Warehouse) -> CrawlState:
    conn = warehouse.connect()  # WarehouseUnreachable, one line, when it does not answer
    try:
        cur = conn.cursor()
        state = CrawlState()
        for row in _select(cur, "pages", _PAGE_FIELDS):
            for counter in ("consecutive_failures", "check_count", "change_count"):
                row[counter] = int(row.get(counter) or 0)
            row["is_listed"] = row.get("is_listed") is not False
            state.pages[row["slug"]] = PageState(**row)
        for row in _select(cur, "events", ["id", *EVENT_STATE_FIELDS]):
            event_id = row.pop("id")
            state.events[event_id] = EventState(**row)
        for row in _select(cur, "sitemaps", [f.name for f in fields(SitemapState)]):
            state.sitemaps[row["url"]] = SitemapState(**row)
        return state
    except Exception as exc:
        raise WarehouseUnreachable(
            f"cannot read {DATASET_NAME} from {warehouse.describe()}: {exc}"
        ) from exc
    finally:
        conn.close()


def read_sitemap_items(warehouse: Warehouse, url: str) -> str | None:
    """The stored items (JSON ``[[loc, lastmod], ...]``) of one site-map file, or None."""
    conn = warehouse.connect()
    try:
        cur = conn.cursor()
        mark = "%s" if warehouse.kind == "postgres" else "?"
        cur.execute(f"SELECT items FROM {DATASET_NAME}.sitemaps WHERE url = {mark}", [url])
        row = cur.fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def read_events(
    warehouse: Warehouse, ids: list[str], chunk: int = 500
) -> dict[str, dict[str, Any]]:
    """Full landed rows of these events (id → row), read in chunks of ``chunk`` ids."""
    found: dict[str, dict[str, Any]] = {}
    if not ids:
        return found
    conn = warehouse.connect()
    try:
        cur = conn.cursor()
        present = set(_existing_columns(cur, "events"))
        cols = [c for c in EVENT_COLUMNS if c in present]
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            marks = ", ".join(["%s" if warehouse.kind == "postgres" else "?"] * len(part))
            cur.execute(
                f"SELECT {', '.join(cols)} FROM {DATASET_NAME}.events WHERE id IN ({marks})", part
            )
            for row in cur.fetchall():
                values = {c: _aware(v) for c, v in zip(cols, row, strict=True)}
                found[values["id"]] = values
    finally:
        conn.close()
    return found


def read_rows(
    warehouse: Warehouse, table: str, wanted: list[str], unless_present: str | None = None
) -> list[dict[str, Any]]:
    """Rows of a raw table (the ``wanted`` columns it has). With ``unless_present``, only
    the rows where that column is null (all rows when the table does not have it yet)."""
    conn = warehouse.connect()
    try:
        cur = conn.cursor()
        present = set(_existing_columns(cur, table))
        if not present:
            return []
        cols = [c for c in wanted if c in present]
        sql = f"SELECT {', '.join(cols)} FROM {DATASET_NAME}.{table}"
        if unless_present and unless_present in present:
            sql += f" WHERE {unless_present} IS NULL"
        cur.execute(sql)
        return [{c: _aware(v) for c, v in zip(cols, row, strict=True)} for row in cur.fetchall()]
    finally:
        conn.close()


def missing_tables(warehouse: Warehouse, names: list[str]) -> frozenset[str]:
    """The tables of ``names`` that the warehouse does not have yet."""
    conn = warehouse.connect()
    try:
        cur = conn.cursor()
        cur.execute(
            "SELECT table_name FROM information_schema.tables "
            f"WHERE table_schema = '{DATASET_NAME}'"
        )
        return frozenset(names) - {row[0] for row in cur.fetchall()}
    finally:
        conn.close()
