"""The crawl's DuckDB row groups: few, without rewriting the catalogue at every load.

Each load's connection closes with a checkpoint, and DuckDB's checkpoint vacuums by
default: it merged the load's new row group (its 100 re-landed events) back into the
events landed before, a row group of up to 122,880 rows rewritten at every load. A load's
memory and time grew with the catalogue (issue 13). The crawl's connections checkpoint
without vacuum (``settings.DUCKDB_MAX_VACUUM_TASKS``), so a load leaves a row group of its
own in each table it writes. Once the pages (every load writes some) hold
``settings.DUCKDB_MAX_ROW_GROUPS`` row groups, one checkpoint vacuums and merges them: a
first crawl of 100,000 events rewrites its events once every ~64 loads instead of at every
load. A steady night lands ~20 batches; the next step that checkpoints with DuckDB's
defaults (Data ES, geocoding) merges them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlt.destinations.exceptions import DatabaseUndefinedRelation

from . import settings


def row_groups(client: Any, table: str) -> int:
    """Row groups of ``table`` in the client's dataset (0 before its first load)."""
    name = f"{client.dataset_name}.{table}"
    try:
        rows = client.execute_sql(
            f"select count(distinct row_group_id) from pragma_storage_info('{name}')"
        )
    except DatabaseUndefinedRelation:
        return 0
    return int(rows[0][0])


def load_and_compact(pipeline: Any, load: Callable[[], None]) -> None:
    """Run ``load`` with the DuckDB database held open, then merge the row groups of the
    crawl's tables in one vacuuming checkpoint if they are due.

    Held open, the database keeps the load's writes in its write-ahead log instead of
    checkpointing them as the load's connection closes, so that this checkpoint has them
    to write (DuckDB vacuums only in a checkpoint that writes something)."""
    with pipeline.sql_client() as client:
        load()
        if row_groups(client, "pages") < settings.DUCKDB_MAX_ROW_GROUPS:
            return
        client.execute_sql("SET GLOBAL max_vacuum_tasks = 100")  # DuckDB's default
        try:
            client.execute_sql("CHECKPOINT")
        finally:
            client.execute_sql(f"SET GLOBAL max_vacuum_tasks = {settings.DUCKDB_MAX_VACUUM_TASKS}")
