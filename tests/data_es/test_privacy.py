"""No personal data, ever: an explicit select list, never the `data-es-equipement` dataset."""

from __future__ import annotations

import pytest

from ingestion.data_es import settings
from ingestion.data_es.columns import TABLES
from ingestion.data_es.config import ApiConfig
from ingestion.data_es.helpers import DataEsError, PoliteSession
from ingestion.data_es.snapshot.server import ExploreHandle
from ingestion.data_es.sync import run_sync
from tests.dbt.helpers import query


def _personal(name: str) -> bool:
    return any(marker in name.lower() for marker in settings.PERSONAL_FIELD_MARKERS)


def test_the_select_list_names_no_personal_field() -> None:
    assert settings.SELECT_FIELDS, "an explicit select list is required"
    assert [f for f in settings.SELECT_FIELDS if _personal(f)] == []
    assert len(set(settings.SELECT_FIELDS)) == len(settings.SELECT_FIELDS)
    for table, columns in TABLES.items():
        assert [c for c in columns if _personal(c)] == [], table


def test_the_personal_dataset_is_refused_before_any_request(api: ExploreHandle) -> None:
    session = PoliteSession(ApiConfig.resolve())
    url = f"{api.base_url}/catalog/datasets/data-es-equipement/records"
    with pytest.raises(DataEsError, match="personal data"):
        session.get(url)
    assert api.requests == []


def test_a_run_sends_the_select_list_and_lands_no_personal_column(
    api: ExploreHandle, duckdb_env: dict[str, str]
) -> None:
    run_sync("full")
    pages = [r for r in api.record_requests() if "group_by" not in r.params]
    reads = [r for r in pages if r.params.get("limit") != "1"]
    assert reads and all(r.params["select"] == ",".join(settings.SELECT_FIELDS) for r in reads)
    assert all("data-es-equipement" not in r.path for r in api.requests)
    assert {r.user_agent for r in api.requests} == {settings.DEFAULT_USER_AGENT}
    columns = query(
        "select column_name from information_schema.columns where table_schema = 'raw_data_es'"
    )
    landed = {c for (c,) in columns}
    assert "equip_gestion_type" not in landed  # a field outside the select list
    assert [c for c in landed if _personal(c)] == []
