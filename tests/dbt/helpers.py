"""Running dbt and reading the marts from the tests (both warehouses)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from ingestion import dbt_runner
from ingestion.warehouse import REPO_ROOT, current_warehouse

MARTS = ("poi", "activity", "address", "address_poi", "registered_poi")
# Unit tests mock every input, so one run per warehouse covers them: the first build of
# test_dbt_e2e. Every other build of the suite leaves them out.
BUILD_WITHOUT_UNIT_TESTS = ["build", "--exclude-resource-type", "unit_test"]


def run_dbt(args: list[str], workdir: Path, check: bool = True) -> str:
    """Run ``dbt <args>`` on the warehouse of the current environment, as the pipeline
    does (``python -m ingestion.dbt_runner``); return its output.

    target/ and logs/ go to ``workdir`` so parallel runs never share them.
    """
    command = [
        *dbt_runner.command(*args),
        "--project-dir",
        str(REPO_ROOT),
        "--profiles-dir",
        str(REPO_ROOT),
        "--target-path",
        str(workdir / "target"),
        "--log-path",
        str(workdir / "logs"),
    ]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "NO_COLOR": "1"}
    done = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    output = done.stdout + done.stderr
    if check:
        assert done.returncode == 0, f"dbt {' '.join(args)} failed:\n{output[-6000:]}"
    return output


def relation(schema: str, table: str) -> str:
    """A fully qualified name (DuckDB's catalog is named like the file, e.g. ``bouge``)."""
    warehouse = current_warehouse()
    if warehouse.kind == "duckdb":
        return f'"{warehouse.duckdb_path.stem}".{schema}.{table}'
    return f"{schema}.{table}"


def query(sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql``; the connection is closed at once (DuckDB allows one writer)."""
    conn = current_warehouse().connect()
    try:
        cur = conn.cursor()
        cur.execute(sql)
        return [tuple(row) for row in cur.fetchall()]
    finally:
        conn.close()


def execute(sql: str) -> None:
    """Run one statement and commit (e.g. to damage a mart on purpose)."""
    conn = current_warehouse().connect()
    try:
        conn.cursor().execute(sql)
        conn.commit()
    finally:
        conn.close()


def records(sql: str) -> list[dict[str, Any]]:
    conn = current_warehouse().connect()
    try:
        cur = conn.cursor()
        cur.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        conn.close()


def mart_contents() -> dict[str, list[tuple[str, ...]]]:
    """Every mart as sorted rows of text values (comparable across runs)."""
    contents = {}
    for mart in MARTS:
        rows = query(f"select * from {relation('bouge', mart)}")
        contents[mart] = sorted(tuple("" if v is None else str(v) for v in row) for row in rows)
    return contents


def assert_no_deprecation(output: str) -> None:
    lowered = output.lower()
    assert "deprecat" not in lowered, output[-4000:]
    warnings = [
        line
        for line in output.splitlines()
        if "[warn" in line.lower() or " warning:" in line.lower()
    ]
    assert not warnings, "\n".join(warnings)


def assert_log_clean(workdir: Path) -> None:
    """dbt's own log file (every invocation of the test) has no warning and no deprecation."""
    log = (workdir / "logs" / "dbt.log").read_text()
    assert "deprecat" not in log.lower()
    bad = [line for line in log.splitlines() if "[warn" in line or "[error" in line]
    assert not bad, "\n".join(bad[:20])
