"""Where a user can trip, the command ends with one clear line and exit code 2, no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ingestion.warehouse import REPO_ROOT


def _run(command: list[str], cwd: Path = REPO_ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _one_line_error(done: subprocess.CompletedProcess) -> str:
    """The single line the program wrote to stderr (make's own trailer aside)."""
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    lines = [
        line
        for line in done.stderr.splitlines()
        if line.strip() and not line.startswith(("make: ", "make["))
    ]
    assert len(lines) == 1, done.stderr
    return lines[0]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends


@pytest.fixture
def scratch_env(tmp_path: Path) -> dict[str, str]:
    return {
        "DUCKDB_PATH": str(tmp_path / "dev.duckdb"),
        "DLT_PIPELINES_DIR": str(tmp_path / "dlt_pipelines"),
    }


def test_unknown_target_in_make_geocode(scratch_env: dict[str, str]) -> None:
    installed = _run(["make", "-s", "install"])  # a first install prints its own progress
    assert installed.returncode == 0, installed.stderr[-2000:]
    done = _run(["make", "-s", "geocode"], DBT_TARGET="prdo", **scratch_env)
    line = _one_line_error(done)
    assert line == (
        "geocoding: cannot run: DBT_TARGET='prdo' is not a target of profiles.yml "
        "(known: dev, prod)"
    )


def test_unknown_target_in_the_demo(scratch_env: dict[str, str]) -> None:
    # `make demo` runs this module once the environment is installed.
    done = _run([sys.executable, "-m", "ingestion.demo"], DBT_TARGET="prdo", **scratch_env)
    assert "DBT_TARGET='prdo' is not a target" in _one_line_error(done)


def test_warehouse_down_during_geocode(scratch_env: dict[str, str]) -> None:
    port = str(_closed_port())
    done = _run(
        [sys.executable, "-m", "ingestion.geocoding"],
        DBT_TARGET="prod",
        POSTGRES_HOST="127.0.0.1",
        POSTGRES_PORT=port,
        **scratch_env,
    )
    line = _one_line_error(done)
    assert line.startswith("geocoding: cannot run: cannot connect to the warehouse prod")
    assert f"127.0.0.1:{port}" in line


def test_dbt_run_from_the_project_folder_says_where_to_run_it() -> None:
    dbt = Path(sys.executable).parent / "dbt"
    done = _run([str(dbt), "build"], cwd=REPO_ROOT / "dbt_project", DBT_USE_COLORS="false")
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "dbt runs from the repository root, not dbt_project/: cd .. and run it there" in (
        done.stdout + done.stderr
    )
