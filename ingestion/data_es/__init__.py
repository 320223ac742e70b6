"""Data ES (France's census of sport facilities) → ``raw_data_es``: a dlt source.

Data flows: plan the slices (:mod:`.helpers`: ``total_count`` per department, split past
the 10,000 window) → read each slice with dlt's REST API source (offset paginator on
``total_count``, an explicit ``select`` without personal data) → parse (:mod:`.parsing`:
the data traps) → these resources, landed batch by batch by :mod:`.sync` (``run_sync``,
also behind ``python -m ingestion.data_es``).

Resources: ``equipments`` (merge on ``equip_numero``), ``equipment_activities`` (one row
per equipment × activity, replaced with its equipment), ``rejects`` and ``ingest_runs``
(append). Tables and columns: :mod:`.columns` and ingestion/README.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import dlt
from dlt.sources import DltResource

from .columns import ACTIVITY_COLUMNS, EQUIPMENT_COLUMNS, REJECT_COLUMNS, RUN_COLUMNS

MERGE = {"disposition": "merge", "strategy": "delete-insert"}

# One item of the reader: the rows one page (or one slice's end) adds to each table.
Page = dict[str, list[dict[str, Any]]]


@dlt.transformer(
    name="equipments",
    primary_key="equip_numero",
    write_disposition=MERGE,
    columns=EQUIPMENT_COLUMNS,
)
def equipments(page: Page) -> Iterator[list[dict[str, Any]]]:
    """New, changed, re-listed and unlisted equipments (unchanged ones are not re-landed)."""
    if page.get("equipments"):
        yield page["equipments"]


@dlt.transformer(
    name="equipment_activities",
    primary_key=("equip_numero", "activity_code"),
    merge_key="equip_numero",
    write_disposition=MERGE,
    columns=ACTIVITY_COLUMNS,
)
def equipment_activities(page: Page) -> Iterator[list[dict[str, Any]]]:
    """Every activity of each re-landed equipment (a tombstone when it has none left)."""
    if page.get("activities"):
        yield page["activities"]


@dlt.transformer(name="rejects", write_disposition="append", columns=REJECT_COLUMNS)
def rejects(page: Page) -> Iterator[list[dict[str, Any]]]:
    if page.get("rejects"):
        yield page["rejects"]


@dlt.resource(name="ingest_runs", write_disposition="append", columns=RUN_COLUMNS)
def ingest_runs(rows: list[dict[str, Any]]) -> Iterator[Any]:
    yield rows


def _empty_table(name: str, columns: dict[str, Any], **hints: Any) -> DltResource:
    """A resource that only creates its table (dbt's sources must exist from the first run)."""

    def rows() -> Iterator[Any]:
        yield dlt.mark.materialize_table_schema()

    return dlt.resource(rows, name=name, columns=columns, **hints)


@dlt.source(name="data_es", max_table_nesting=0)
def data_es_source(
    read_pages: Callable[[], Iterable[Page]] | None = None,
    run_rows: list[dict[str, Any]] | None = None,
    missing_tables: frozenset[str] = frozenset(),
) -> list[DltResource]:
    """One landing batch: the pages ``read_pages`` yields, or the run record and the
    tables no batch created yet (``missing_tables``)."""
    resources: list[DltResource] = []
    if read_pages is not None:
        pages = dlt.resource(read_pages, name="pages", selected=False)
        resources += [pages | equipments, pages | equipment_activities, pages | rejects]
    if run_rows:
        resources.append(ingest_runs(run_rows))
    hints = {
        "equipments": {"primary_key": "equip_numero", "write_disposition": MERGE},
        "equipment_activities": {
            "primary_key": ("equip_numero", "activity_code"),
            "merge_key": "equip_numero",
            "write_disposition": MERGE,
        },
        "rejects": {"write_disposition": "append"},
    }
    tables = {"equipments": EQUIPMENT_COLUMNS, "equipment_activities": ACTIVITY_COLUMNS}
    tables["rejects"] = REJECT_COLUMNS
    for name in sorted(missing_tables & set(tables)):
        resources.append(_empty_table(name, tables[name], **hints[name]))
    return resources


def __getattr__(name: str) -> Any:
    # run_sync lives in .sync, imported lazily so `import ingestion.data_es` stays light.
    if name in ("run_sync", "SyncSummary"):
        from . import sync

        return getattr(sync, name)
    raise AttributeError(name)


__all__ = ["SyncSummary", "data_es_source", "run_sync"]
