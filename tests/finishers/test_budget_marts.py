"""A first crawl spread over nights by its budget builds the same marts as one full crawl."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.snapshot.build_snapshot import SITE_DIR
from ingestion.finishers.snapshot.server import serve_site
from ingestion.geocoding import run_geocoding
from tests.dbt.helpers import MARTS, records, relation, run_dbt

pytestmark = pytest.mark.slow
BUILD = ["build", "--exclude-resource-type", "test", "unit_test"]
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _marts() -> dict[str, list[tuple[str, ...]]]:
    """Every mart, without the columns that say when (load and crawl times differ)."""
    contents = {}
    for mart in MARTS:
        rows = records(f"select * from {relation('bouge', mart)}")
        contents[mart] = sorted(
            tuple(str(v) for k, v in row.items() if not k.endswith("_at")) for row in rows
        )
    return contents


def _night(site_url: str, night: int, workdir: Path) -> str:
    summary = run_crawl(base_url=site_url, clock=lambda: T0 + timedelta(days=night))
    run_geocoding()
    run_dbt(BUILD, workdir)
    return summary.status


def test_budgeted_nights_build_the_marts_of_one_unbudgeted_crawl(
    duckdb_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINISHERS_MAX_REQUESTS_PER_RUN", "25")  # 23 of the 45 pages a night
    with serve_site(SITE_DIR) as site:
        statuses = [_night(site.base_url, night, tmp_path / "budgeted") for night in (0, 1)]
    assert statuses == ["partial_budget", "ok"]
    budgeted = _marts()
    assert len(budgeted["poi"]) == 45

    monkeypatch.delenv("FINISHERS_MAX_REQUESTS_PER_RUN")
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "other" / "dev.duckdb"))
    monkeypatch.setenv("DLT_PIPELINES_DIR", str(tmp_path / "other" / "dlt"))
    with serve_site(SITE_DIR) as site:
        assert _night(site.base_url, 1, tmp_path / "whole") == "ok"
    assert _marts() == budgeted
