"""Reads the previous crawls back from the warehouse (``raw_finishers.pages`` / ``events``).

The warehouse is the source of truth: a new machine, or a run after a crash, resumes
from what was landed. Missing tables mean a first run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from ingestion.warehouse import Warehouse

from .columns import EVENT_COLUMNS
from .refresh_policy import PageState
from .settings import DATASET_NAME


class WarehouseUnreachable(RuntimeError):
    """The warehouse cannot be read: the run cannot know what it already landed."""


@dataclass
class CrawlState:
    pages: dict[str, PageState] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → landed row


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
    try:
        conn = warehouse.connect()
    except Exception as exc:
        raise WarehouseUnreachable(
            f"cannot connect to the warehouse {warehouse.describe()}: {exc}"
        ) from exc
    try:
        cur = conn.cursor()
        state = CrawlState()
        for row in _select(cur, "pages", _PAGE_FIELDS):
            row["consecutive_failures"] = int(row.get("consecutive_failures") or 0)
            row["is_listed"] = row.get("is_listed") is not False
            state.pages[row["slug"]] = PageState(**row)
        for row in _select(cur, "events", list(EVENT_COLUMNS)):
            state.events[row["id"]] = row
        return state
    except Exception as exc:
        raise WarehouseUnreachable(
            f"cannot read {DATASET_NAME} from {warehouse.describe()}: {exc}"
        ) from exc
    finally:
        conn.close()


_SQL_TYPES = {
    "duckdb": {
        "text": "VARCHAR",
        "bigint": "BIGINT",
        "double": "DOUBLE",
        "bool": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP WITH TIME ZONE",
    },
    "postgres": {
        "text": "VARCHAR",
        "bigint": "BIGINT",
        "double": "DOUBLE PRECISION",
        "bool": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP WITH TIME ZONE",
    },
}


def ensure_tables(warehouse: Warehouse, tables: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Create the contract's tables that no load has created yet (dlt skips empty ones).

    dlt only creates a table once a row reaches it; dbt sources need every table from the
    first run on. Later loads find the columns in place and add nothing.
    """
    types = _SQL_TYPES[warehouse.kind]
    created = []
    conn = warehouse.connect()
    try:
        cur = conn.cursor()
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {DATASET_NAME}")
        for table, columns in tables.items():
            if _existing_columns(cur, table):
                continue
            defs = [f'"{name}" {types[col["data_type"]]}' for name, col in columns.items()]
            defs += ['"_dlt_load_id" VARCHAR NOT NULL', '"_dlt_id" VARCHAR NOT NULL']
            cur.execute(f'CREATE TABLE {DATASET_NAME}."{table}" ({", ".join(defs)})')
            created.append(table)
        conn.commit()
    finally:
        conn.close()
    return created
