"""ingestion/run_summary.py on a real warehouse: rows landed with dlt, run as CI runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dlt
import pytest

from ingestion.run_summary import CRAWL_COUNTERS
from ingestion.warehouse import current_warehouse, dlt_pipelines_dir
from tests.ops.repo_files import REPO_ROOT

NIGHT = datetime(2026, 11, 27, 2, 30, tzinfo=UTC)


def _run(counts: dict, run_id: str, started_at: datetime) -> dict:
    zero = dict.fromkeys(CRAWL_COUNTERS, 0)
    return {
        "run_id": run_id,
        "started_at": started_at,
        "finished_at": started_at + timedelta(minutes=12),
        "duration_s": 754.2,
        "base_url": "https://www.finishers.com",
        **zero,
        **counts,
        "status": "ok",
    }


def _land(pipeline_name: str, dataset: str, table: str, rows: list[dict]) -> None:
    pipeline = dlt.pipeline(
        pipeline_name=pipeline_name,
        destination=current_warehouse().dlt_destination(),
        dataset_name=dataset,
        pipelines_dir=dlt_pipelines_dir(),
    )
    pipeline.run(rows, table_name=table)


def _summary(*args: str, script: str = "-m") -> subprocess.CompletedProcess:
    command = (
        [sys.executable, "-m", "ingestion.run_summary"]
        if script == "-m"
        else [sys.executable, str(REPO_ROOT / "ingestion" / "run_summary.py")]
    )
    return subprocess.run(
        [*command, *args],
        cwd=REPO_ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def landed(warehouse_env: dict) -> dict:
    """Two crawls (the second is the latest), their rejects, two geocoding runs."""
    _land(
        "finishers",
        "raw_finishers",
        "ingest_runs",
        [
            _run({"new": 900, "changed": 0, "rejected": 2}, "run-old", NIGHT - timedelta(days=1)),
            _run(
                {
                    "discovered": 1000,
                    "fetched": 280,
                    "new": 12,
                    "changed": 41,
                    "rejected": 7,
                    "bytes": 45_600_000,
                },
                "run-new",
                NIGHT,
            ),
        ],
    )
    _land(
        "finishers",
        "raw_finishers",
        "rejects",
        [
            *[{"run_id": "run-new", "url": "u", "reason": "no_next_data", "severity": "page"}] * 4,
            *[
                {
                    "run_id": "run-new",
                    "url": "u",
                    "reason": "validation: distance",
                    "severity": "field",
                }
            ]
            * 3,
            {"run_id": "run-old", "url": "u", "reason": "timeout", "severity": "page"},
        ],
    )
    _land(
        "geocoding",
        "raw_geocoding",
        "geocoding_runs",
        [
            {
                "run_id": "geo-old",
                "started_at": NIGHT - timedelta(days=1),
                "provider": "offline",
                "seen": 900,
                "geocoded": 900,
            },
            {
                "run_id": "geo-new",
                "started_at": NIGHT,
                "provider": "offline",
                "seen": 53,
                "geocoded": 51,
            },
            {
                "run_id": "geo-new",
                "started_at": NIGHT,
                "provider": "geoplateforme",
                "seen": 2,
                "geocoded": 1,
            },
        ],
    )
    return warehouse_env


def test_summary_shows_the_latest_run_counts(landed: dict):
    result = _summary()
    assert result.returncode == 0, result.stderr
    out = result.stdout
    target = landed["DBT_TARGET"]
    assert out.startswith(f"## Bouge ingestion summary ({target}, ")
    assert "### Crawl `run-new`: ok" in out
    assert "**12** new · **41** changed · **7** rejected" in out
    assert "| discovered | 1,000 |" in out
    assert "| bytes | 45.6 MB |" in out
    assert "took 12 min 34 s" in out
    assert "run-old" not in out and "900" not in out
    # That run's rejects by reason, most frequent first; not the older run's.
    assert out.index("| no_next_data | page | 4 |") < out.index("| validation: distance |")
    assert "timeout" not in out
    # The latest geocoding run, one row per provider.
    assert "### Geocoding `geo-new`" in out
    assert "| offline | 53 | 51 |" in out
    assert "| geoplateforme | 2 | 1 |" in out


def test_summary_as_a_file_with_dbt_results(duckdb_env: dict, tmp_path: Path):
    _land("finishers", "raw_finishers", "ingest_runs", [_run({"new": 3}, "r1", NIGHT)])
    run_results = tmp_path / "run_results.json"
    run_results.write_text(
        json.dumps(
            {
                "args": {"which": "build"},
                "results": [
                    {"unique_id": "model.bouge.fct_events", "status": "success", "message": "OK"},
                    {
                        "unique_id": "test.bouge.not_null_fct_events_id",
                        "status": "fail",
                        "message": "Got 3 results, configured to fail if != 0",
                    },
                    {"unique_id": "test.bouge.unique_fct_events_id", "status": "pass"},
                ],
            }
        )
    )
    result = _summary("--run-results", str(run_results), script="file")
    assert result.returncode == 0, result.stderr
    assert "**3** new · **0** changed · **0** rejected" in result.stdout
    assert "### dbt build: FAILED" in result.stdout
    assert "**1** fail · **1** pass · **1** success" in result.stdout
    assert "| `test.bouge.not_null_fct_events_id` | fail | Got 3 results" in result.stdout

    missing = _summary("--run-results", str(tmp_path / "absent.json"))
    assert "dbt did not run" in missing.stdout


def test_summary_of_an_empty_warehouse(duckdb_env: dict):
    result = _summary()
    assert result.returncode == 0, result.stderr
    assert "No crawl recorded yet" in result.stdout
    assert "Geocoding" not in result.stdout


def test_unreachable_warehouse_fails_without_naming_the_host(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DBT_TARGET", "prod")
    monkeypatch.setenv("POSTGRES_HOST", "127.0.0.1")
    monkeypatch.setenv("POSTGRES_PORT", "1")  # nothing listens there
    result = _summary()
    assert result.returncode == 1
    assert "Could not read the warehouse" in result.stdout
    assert "127.0.0.1" not in result.stdout
    assert "127.0.0.1" in result.stderr
