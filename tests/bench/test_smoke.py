"""Smoke test of the benchmark harness: N=50 on DuckDB, every field of the JSON present.

Timings are never asserted: the point is that ``python -m bench`` runs end to end and
writes a complete result file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.runner import SUMMARY_KEYS

REPO_ROOT = Path(__file__).resolve().parents[2]
TOP_LEVEL = {
    "schema_version", "started_at", "finished_at", "duration_s", "n", "seed",
    "steps_selected", "scale_check_requested", "catalogue", "expected_night2", "machine",
    "warehouses", "postgres_reachable", "server", "steps", "summary", "targets",
}  # fmt: skip
GLOBAL_SUMMARY = {
    "parse_pages_per_s_per_core", "dom_pages_per_s_per_core", "parse_speedup_vs_dom",
    "geocode_offline_points", "geocode_offline_cold_s", "geocode_offline_warm_s",
    "e2e_wall_s", "peak_rss_parse_mb", "peak_rss_geocode_offline_mb", "peak_rss_e2e_mb",
    "warehouses",
}  # fmt: skip
TARGETS = {
    "night2_traffic_duckdb", "parse_rate", "geocode_offline_12k", "geocode_night2_calls_duckdb",
    "dbt_incremental_duckdb", "peak_rss_growth", "peak_rss_large",
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_bench_runs_end_to_end_and_writes_every_field(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    cmd = [
        sys.executable, "-m", "bench", "--n", "50", "--warehouses", "duckdb",
        "--steps", "parse,crawl,night2,geocode,dbt",
        "--changed", "0.1", "--removed", "0.04", "--new", "0.04",
        "--parse-pages", "50", "--dom-pages", "20", "--geocode-points", "300",
        "--out", str(out), "--quiet",
    ]  # fmt: skip
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=230)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "targets:" in proc.stdout

    result = json.loads(out.read_text())
    assert set(result) >= TOP_LEVEL
    assert result["n"] == 50 and result["warehouses"] == ["duckdb"]
    assert set(result["summary"]) >= GLOBAL_SUMMARY
    duck = result["summary"]["warehouses"]["duckdb"]
    assert set(duck) == set(SUMMARY_KEYS)
    assert {t["name"] for t in result["targets"]} >= TARGETS
    assert all({"name", "target", "value", "met", "note"} <= set(t) for t in result["targets"])

    steps = result["steps"]
    pipeline = steps["pipeline"]["duckdb"]
    for name in ("crawl_night1", "geocode_night1", "dbt_full", "crawl_night2", "geocode_night2",
                 "dbt_incremental"):  # fmt: skip
        assert pipeline[name]["status"] == "ok", (name, pipeline[name].get("reason"))
        assert pipeline[name]["peak_rss_mb"] > 0
    for name in ("parse", "geocode_offline"):
        assert steps[name]["status"] == "ok", (name, steps[name].get("reason"))

    expected = result["expected_night2"]
    assert expected == {**expected, "changed": 5, "removed": 2, "new": 2}
    night1 = pipeline["crawl_night1"]["metrics"]["summary"]
    night2 = pipeline["crawl_night2"]["metrics"]["summary"]
    rejected = night1["rejected"]
    assert night1["new"] == 50 - rejected
    assert night2["new"] == 2
    assert night2["changed"] == 5
    assert night2["unlisted"] == 2
    assert duck["crawl_night1_requests"] >= 51  # the site map and 50 pages, at least
    assert duck["dbt_incremental_ratio"] is not None
