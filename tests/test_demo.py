"""The newcomer's first command: `make demo` builds a populated warehouse and its docs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingestion.warehouse import REPO_ROOT


@pytest.mark.slow
def test_demo_builds_the_marts_and_the_docs(duckdb_env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "target"
    env = {
        **os.environ,
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "ingestion.demo"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    counts = dict(re.findall(r"^\s+(\w+)\s+(\d+) rows$", result.stdout, re.M))
    assert set(counts) == {"poi", "address", "address_poi", "activity", "registered_poi"}
    assert int(counts["poi"]) == 45 + 125  # every event and installation of the snapshots
    assert int(counts["activity"]) > int(counts["poi"])  # events have several races
    by_source = dict(re.findall(r"^\s+(\w+)\s+(\d+) POIs", result.stdout, re.M))
    assert by_source == {"finishers": "45", "data_es": "125"}  # facilities next to races
    assert (target / "static_index.html").stat().st_size > 100_000
    with duckdb.connect(duckdb_env["DUCKDB_PATH"], read_only=True) as con:
        rows = con.sql("select count(*) from bouge.poi where is_active").fetchone()
    assert rows == (45 + 124,)  # one installation is out of service
