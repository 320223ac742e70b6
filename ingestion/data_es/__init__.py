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

from collections.abc import Callable, Iterable
from typing import Any

import dlt
from dlt.sources import DltResource

from .columns import EQUIPMENT_ACTIVITIES, EQUIPMENTS, INGEST_RUNS, REJECTS

# One item of the reader: the rows one page (or one slice's end) adds to each table.
Page = dict[str, list[dict[str, Any]]]

# New, changed, re-listed and unlisted equipments (unchanged ones are not re-landed).
equipments = EQUIPMENTS.transformer(lambda page: page.get("equipments"))
# Every activity of each re-landed equipment (a tombstone when it has none left).
equipment_activities = EQUIPMENT_ACTIVITIES.transformer(lambda page: page.get("activities"))
rejects = REJECTS.transformer(lambda page: page.get("rejects"))


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
        resources.append(INGEST_RUNS.resource(run_rows))
    for table in (EQUIPMENTS, EQUIPMENT_ACTIVITIES, REJECTS):
        if table.name in missing_tables:
            resources.append(table.resource(create=True))
    return resources


__all__ = ["Page", "data_es_source"]
