"""The repository's top level: only the entries the layout allows (no stray folders)."""

from __future__ import annotations

import subprocess

from tests.ops.repo_files import REPO_ROOT

ALLOWED = {
    # The layout itself.
    "ingestion",
    "dbt_project",
    "tests",
    "dbt_project.yml",
    "profiles.yml",
    "Makefile",
    "docker-compose.yml",
    "pyproject.toml",
    "README.md",
    # Tooling and configuration.
    ".ci",
    ".dlt",
    ".github",
    ".gitignore",
    ".sqlfluff",
    ".sqlfluffignore",
    "uv.lock",
    # The benchmark.
    "bench",
}


def _tracked_top_level() -> set[str]:
    # The layout is what git tracks: run from a git checkout (as CI does).
    listed = subprocess.run(
        ["git", "ls-files", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    return {path.split("/", 1)[0] for path in listed.split("\0") if path}


def test_top_level_holds_only_the_layout():
    found = _tracked_top_level()
    assert found - ALLOWED == set(), "not part of the layout"
    assert {"ingestion", "dbt_project", "tests", "Makefile", "docker-compose.yml"} <= found


def test_pipeline_image_files_live_under_ci():
    assert (REPO_ROOT / ".ci" / "pipeline.Dockerfile").is_file()
    assert (REPO_ROOT / ".ci" / "pipeline.Dockerfile.dockerignore").is_file()
    assert not (REPO_ROOT / "ops").exists()
