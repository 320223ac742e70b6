"""The nightly restores yesterday's parse of the dbt project into a fresh checkout.

It is worth caching only if dbt keeps it there: its checksums must be of the files'
contents, not of their paths or times. Two copies of the project in two directories, files
written at different times: the second parses nothing with the first one's
``partial_parse.msgpack``, and re-parses only a file whose content changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from ingestion.warehouse import REPO_ROOT

# dbt's own command: the parse is the same through ingestion.dbt_runner, which changes
# only the order of a build's nodes
DBT = str(REPO_ROOT / ".venv" / "bin" / "dbt")

PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "dbt_project")


def checkout(to: Path) -> Path:
    to.mkdir()
    for name in PROJECT_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, to / name, ignore=shutil.ignore_patterns("target", "logs"))
        else:
            shutil.copy(source, to / name)
    return to


def parse(project: Path) -> str:
    env = {
        **os.environ,
        "DBT_TARGET": "dev",  # the profile is part of the parse: the same every night
        "DUCKDB_PATH": str(project.parent / "warehouse.duckdb"),
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        [DBT, "parse", "--profiles-dir", str(project), "--log-level", "debug"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    return done.stdout


def test_a_fresh_checkout_reuses_yesterdays_parse(tmp_path: Path):
    yesterday = checkout(tmp_path / "yesterday")
    assert "saved manifest not found. Starting full parse" in parse(yesterday)
    time.sleep(1.1)  # every file of tonight's checkout is newer
    tonight = checkout(tmp_path / "tonight")
    (tonight / "target").mkdir()
    shutil.copy(yesterday / "target" / "partial_parse.msgpack", tonight / "target")

    assert "Partial parsing enabled, no changes found, skipping parsing" in parse(tonight)

    model = tonight / "dbt_project" / "models" / "marts" / "bouge" / "poi.sql"
    model.write_text(model.read_text() + "\n-- changed tonight\n")
    assert "Partial parsing enabled: 0 files deleted, 0 files added, 1 files changed" in parse(
        tonight
    )
