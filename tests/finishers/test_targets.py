"""Switching DBT_TARGET: each target has its own dlt working folder, and dlt says nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingestion.finishers.snapshot.server import SiteHandle
from ingestion.warehouse import REPO_ROOT


def _crawl(site: SiteHandle, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ingestion.finishers", "--no-progress", "--limit", "3"],
        cwd=REPO_ROOT,
        env={**os.environ, "FINISHERS_BASE_URL": site.base_url, **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.postgres
def test_dev_then_prod_then_dev_print_no_destination_warning(
    postgres_env: dict[str, str], site: SiteHandle, tmp_path: Path
) -> None:
    dev = {"DBT_TARGET": "dev", "DUCKDB_PATH": str(tmp_path / "dev.duckdb")}
    for env in (dev, {}, dev):  # {}: the fixture's prod target
        done = _crawl(site, **env)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "differs" not in done.stderr, done.stderr[-2000:]
        assert "WARNING" not in done.stderr, done.stderr[-2000:]
    base = Path(os.environ["DLT_PIPELINES_DIR"])
    assert sorted(p.name for p in base.iterdir()) == ["dev", "prod"]
