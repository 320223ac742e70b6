"""Large volumes through dlt: rows as Arrow tables typed by a table's declared columns
(no per-row normalisation by dlt), extracted one item at a time.

Used by the Data ES source and the geocoding step (100k+ rows a full run).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dlt
import pyarrow as pa

from ingestion.raw_tables import BIGINT, BOOL, DATE, DOUBLE, TEXT, TS

_ARROW_TYPES = {
    TEXT: pa.string(),
    BIGINT: pa.int64(),
    DOUBLE: pa.float64(),
    BOOL: pa.bool_(),
    DATE: pa.date32(),
    TS: pa.timestamp("us", tz="UTC"),
}


def arrow_schema(columns: dict[str, dict[str, Any]]) -> pa.Schema:
    """The Arrow schema of a table declared as dlt columns (``data_type``, ``nullable``)."""
    return pa.schema(
        [
            pa.field(name, _ARROW_TYPES[c["data_type"]], nullable=c.get("nullable", True))
            for name, c in columns.items()
        ]
    )


def to_arrow(rows: list[dict[str, Any]], columns: dict[str, dict[str, Any]]) -> pa.Table:
    """The rows as one Arrow table of the declared columns (a missing key is null)."""
    return pa.Table.from_pylist(rows, schema=arrow_schema(columns))


def arrow_file_format(warehouse_kind: str) -> str:
    """What dlt writes Arrow rows as: parquet on DuckDB, CSV (``COPY``) on Postgres."""
    return "parquet" if warehouse_kind == "duckdb" else "csv"


def load_ids_on_arrow_rows() -> None:
    """Arrow rows get ``_dlt_load_id`` and ``_dlt_id`` like dict rows do (the staging
    models read each row's load time through ``_dlt_load_id``)."""
    dlt.config["normalize.parquet_normalizer.add_dlt_load_id"] = True
    dlt.config["normalize.parquet_normalizer.add_dlt_id"] = True


@contextmanager
def one_item_at_a_time() -> Iterator[None]:
    """dlt extracts each item through all its transformers before the next (``fifo``).

    A resource read by several transformers is otherwise polled round-robin, and its items
    queue up for the transformers not yet served: a whole run's rows in memory at once.
    """
    dlt.config["extract.next_item_mode"] = "fifo"
    try:
        yield
    finally:
        dlt.config["extract.next_item_mode"] = "round_robin"
