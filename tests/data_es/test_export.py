"""The bulk parquet export read through Arrow lands what the paginated read lands."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import requests

from ingestion.data_es import settings
from ingestion.data_es.export import export_records
from ingestion.data_es.snapshot.server import ExploreHandle
from ingestion.data_es.sync import run_sync
from ingestion.warehouse import current_warehouse
from tests.dbt.helpers import query

# What differs between two runs by design: when and by which run a row was landed.
RUN_COLUMNS = ("run_id", "first_seen_at", "last_seen_at")


def _raw_rows() -> dict[str, list[tuple]]:
    from ingestion.data_es.columns import ACTIVITY_COLUMNS, EQUIPMENT_COLUMNS

    equipment = [c for c in EQUIPMENT_COLUMNS if c not in RUN_COLUMNS]
    activity = list(ACTIVITY_COLUMNS)

    def rows(table: str, names: list[str]) -> list[tuple]:
        quoted = ", ".join(f'"{n}"' for n in names)
        return sorted(
            query(f"select {quoted} from raw_data_es.{table}"), key=lambda r: tuple(map(str, r))
        )

    return {
        "equipments": rows("equipments", equipment),
        "equipment_activities": rows("equipment_activities", activity),
        "rejects": rows("rejects", ["equip_numero", "reason", "severity", "detail"]),
    }


def _drop_raw_dataset() -> None:
    conn = current_warehouse().connect()
    try:
        cur = conn.cursor()
        cur.execute(f"drop schema {settings.DATASET_NAME} cascade")
        conn.commit()
    finally:
        conn.close()


def test_a_full_load_via_the_export_lands_the_same_raw_rows_as_via_records(
    api: ExploreHandle,
    warehouse_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exported = run_sync("export")
    assert (exported.mode, exported.status, exported.requests) == ("export", "ok", 2)
    paths = [r.path.rsplit("/", 2)[-2:] for r in api.requests]
    assert paths == [["data-es", "records"], ["exports", "parquet"]]
    # rows that came as Arrow tables carry dlt's load id (staging reads the load time by it)
    missing = query(
        "select count(*) from raw_data_es.equipments where _dlt_load_id is null or _dlt_id is null"
    )
    assert missing == [(0,)]
    via_export = _raw_rows()
    assert len(via_export["equipments"]) == exported.new == 197

    _drop_raw_dataset()
    monkeypatch.setenv("DLT_PIPELINES_DIR", str(tmp_path / "dlt_second"))
    paged = run_sync("full")
    assert (paged.mode, paged.new, paged.read) == ("full", 197, exported.read)
    assert paged.requests > 5 * exported.requests
    again = _raw_rows()
    for table in via_export:
        assert set(again[table]) ^ set(via_export[table]) == set(), table
    assert again == via_export


def test_the_export_reads_only_the_select_list_whatever_the_file_holds(
    api: ExploreHandle, tmp_path: Path
) -> None:
    url = api.base_url + settings.EXPORT_PARQUET_PATH
    answer = requests.get(url, params={"select": ",".join(settings.SELECT_FIELDS)}, timeout=30)
    assert answer.status_code == 200
    table = pq.read_table(io.BytesIO(answer.content))
    assert table.num_rows == 200 and set(table.column_names) == set(settings.SELECT_FIELDS)
    # the geo point is a struct, as in the real export
    assert pa.types.is_struct(table.schema.field("equip_coordonnees").type)
    # a file that carries a personal field too: it is never read
    leaky = table.append_column("declarant_mail", pa.array(["x@example.fr"] * table.num_rows))
    pq.write_table(leaky, tmp_path / "leaky.parquet")
    records = list(export_records(tmp_path / "leaky.parquet"))
    assert len(records) == 200 and set(records[0]) == set(settings.SELECT_FIELDS)
