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


class Compaction:
    """Counts the row groups the crawl's loads leave in a DuckDB warehouse, and merges them
    when they are due.

    A load adds at most one row group to the pages (fewer than 122,880 rows), so the count
    is read once, before the run's first load, and again after each merge. Only the load
    that merges holds the database open: held open during every load, DuckDB's buffer pool
    stayed filled from one statement of the load to the next, and a night peaked 10 MB
    higher."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline
        self.row_groups: int | None = None

    def load(self, load: Callable[[], None]) -> None:
        """Run ``load``; then, if the pages hold ``DUCKDB_MAX_ROW_GROUPS`` row groups, one
        vacuuming checkpoint merges the row groups of every table.

        The merging load runs with the database held open: its writes wait in the
        write-ahead log instead of being checkpointed as the load's connection closes, so
        that the checkpoint has something to write (DuckDB vacuums only then)."""
        if self.row_groups is None:
            with self.pipeline.sql_client() as client:
                self.row_groups = row_groups(client, "pages")
        if self.row_groups + 1 < settings.DUCKDB_MAX_ROW_GROUPS:
            load()
            self.row_groups += 1
            return
        with self.pipeline.sql_client() as client:
            load()
            client.execute_sql("RESET GLOBAL max_vacuum_tasks")  # DuckDB's default
            try:
                client.execute_sql("CHECKPOINT")
            finally:
                vacuum_tasks = settings.DUCKDB_MAX_VACUUM_TASKS
                client.execute_sql(f"SET GLOBAL max_vacuum_tasks = {vacuum_tasks}")
            self.row_groups = row_groups(client, "pages")
