"""``python -m ingestion.dbt_runner``: dbt, with the ready node of the longest chain first.

A small project of its own, run by real dbt on a real DuckDB file with one thread, so the
order is the scheduler's alone: a chain a → b → c → d, and a short branch x (two tests)
→ y.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingestion import dbt_runner

from .helpers import REPO_ROOT

pytestmark = pytest.mark.slow

MODELS = {
    "a": "select 1 as id",
    "b": "select * from {{ ref('a') }}",
    "c": "select * from {{ ref('b') }}",
    "d": "select * from {{ ref('c') }}",
    "x": "select 1 as id",
    "y": "select * from {{ ref('x') }}",
}


def _project(root: Path) -> None:
    (root / "models").mkdir(parents=True)
    for name, sql in MODELS.items():
        (root / "models" / f"{name}.sql").write_text(sql + "\n")
    (root / "models" / "_models.yml").write_text(
        "models:\n  - name: x\n    columns:\n      - name: id\n"
        "        data_tests: [not_null, unique]\n"
    )
    (root / "dbt_project.yml").write_text(
        "name: chain\nprofile: chain\nconfig-version: 2\nmodel-paths: [models]\n"
        "flags:\n  send_anonymous_usage_stats: false\n"
    )
    (root / "profiles.yml").write_text(
        "chain:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {root / 'chain.duckdb'}\n      threads: 1\n"
    )


def _build_order(root: Path, command: list[str]) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(
        [*command, "build", "--project-dir", str(root), "--profiles-dir", str(root)],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    ordered = sorted(results, key=lambda result: result["timing"][0]["started_at"])
    # model.chain.b -> b; test.chain.not_null_x_id.<hash> -> not_null_x_id
    return [result["unique_id"].split(".")[2] for result in ordered]


def test_the_longest_chain_runs_first(tmp_path: Path) -> None:
    _project(tmp_path)
    runner = _build_order(tmp_path, dbt_runner.command())
    # b before x (chains of 3 nodes each, b by name); c and d before x's tests and y
    assert runner == ["a", "b", "x", "c", "not_null_x_id", "unique_x_id", "d", "y"]

    # dbt alone goes level by level: x's tests before c, y before d
    dbt = _build_order(tmp_path, [str(Path(sys.executable).parent / "dbt")])
    assert dbt == ["a", "x", "b", "not_null_x_id", "unique_x_id", "c", "y", "d"]
