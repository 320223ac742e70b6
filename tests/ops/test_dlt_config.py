""".dlt/config.toml holds only keys dlt knows; secrets.toml.example tells the truth."""

from __future__ import annotations

import tomllib

import dlt
import duckdb
import pytest
from dlt.common.configuration.specs import RuntimeConfiguration
from dlt.load.configuration import LoaderConfiguration
from dlt.normalize.configuration import NormalizeConfiguration

from ingestion.finishers.config import fetch_config_from_env
from ingestion.finishers.crawl import crawl_warehouse
from ingestion.warehouse import current_warehouse, dlt_pipelines_dir
from tests.ops.repo_files import REPO_ROOT

SPECS = {
    "runtime": RuntimeConfiguration,
    "normalize": NormalizeConfiguration,
    "load": LoaderConfiguration,
}


def test_config_toml_sets_only_known_dlt_settings():
    config = tomllib.loads((REPO_ROOT / ".dlt" / "config.toml").read_text())
    assert config, "empty config.toml"
    for section, values in config.items():
        assert section in SPECS, f"unexpected section [{section}]"
        known = set(SPECS[section].get_resolvable_fields())
        assert set(values) <= known, f"[{section}]: unknown {set(values) - known}"
    assert config["runtime"]["dlthub_telemetry"] is False
    assert 1 <= config["normalize"]["workers"] <= 2, "sized for a 2-core runner"


def test_secrets_example_is_valid_toml_without_warehouse_credentials():
    example = tomllib.loads((REPO_ROOT / ".dlt" / "secrets.toml.example").read_text())
    assert "destination" not in example


def test_dlt_destination_credentials_from_config_are_ignored(
    duckdb_env: dict, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    """What secrets.toml.example claims: profiles.yml wins over dlt's own credentials."""
    decoy = tmp_path / "decoy.duckdb"
    # Environment variables are dlt's highest-priority provider, above secrets.toml.
    monkeypatch.setenv("DESTINATION__DUCKDB__CREDENTIALS", str(decoy))
    pipeline = dlt.pipeline(
        pipeline_name="ops_credentials_check",
        destination=current_warehouse().dlt_destination(),
        dataset_name="raw_check",
        pipelines_dir=dlt_pipelines_dir(),
    )
    pipeline.run([{"a": 1}], table_name="t")
    assert not decoy.exists()
    with duckdb.connect(duckdb_env["DUCKDB_PATH"]) as conn:
        assert conn.execute("select a from raw_check.t").fetchall() == [(1,)]


def test_the_profiles_duckdb_memory_cap_binds_the_ingestion_too(
    duckdb_env: dict, monkeypatch: pytest.MonkeyPatch
):
    """DuckDB runs inside each step's process: the cap of profiles.yml bounds the crawler's,
    Data ES's and the geocoder's connections as it bounds dbt's (DuckDB's own default is
    80 % of the machine's memory)."""
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "300MB")
    warehouse = current_warehouse()
    with warehouse.pipeline("ops_memory_check", "raw_check").sql_client() as client:
        ((landing,),) = client.execute_sql("select current_setting('memory_limit')")
    with warehouse.reader() as reader:
        reading = reader.records("select current_setting('memory_limit') as m")[0]["m"]
    assert landing == reading == "286.1 MiB"  # 300 MB


def test_the_crawl_caps_its_duckdb_lower_than_the_profile(
    duckdb_env: dict, monkeypatch: pytest.MonkeyPatch
):
    """The crawl reads its state once and merges 100-page batches: its DuckDB gets
    ``FINISHERS_DUCKDB_MEMORY_LIMIT`` (64MB) and one thread, in the connections it lands
    and reads through, so that it does not grow with the warehouse up to dbt's cap (the
    profile's, which every other step keeps); and checkpoints without vacuum (see
    ``test_a_night_on_duckdb_does_not_rewrite_the_events_landed_before``)."""
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "300MB")
    query = (
        "select current_setting('memory_limit') as m, current_setting('threads') as t, "
        "current_setting('max_vacuum_tasks') as v"
    )

    def crawl_caps() -> tuple[tuple[str, int, int], tuple[str, int, int]]:
        crawl = crawl_warehouse(fetch_config_from_env("http://127.0.0.1:9"))
        with crawl.pipeline("ops_memory_check", "raw_check").sql_client() as client:
            (landing,) = client.execute_sql(query)
        with crawl.reader() as reader:
            reading = reader.records(query)[0]
        return tuple(landing), (reading["m"], reading["t"], reading["v"])

    assert crawl_caps() == (("61.0 MiB", 1, 0), ("61.0 MiB", 1, 0))  # 64 MB
    monkeypatch.setenv("FINISHERS_DUCKDB_MEMORY_LIMIT", "400MB")
    assert crawl_caps() == (("381.4 MiB", 1, 0), ("381.4 MiB", 1, 0))
    with current_warehouse().reader() as reader:  # dbt and the other steps: the profile's
        profile = reader.records(query)[0]
        assert (profile["m"], profile["v"]) == ("286.1 MiB", 100)
