"""Fixtures of the ops tests."""

from __future__ import annotations

import pytest

from tests.ops.repo_files import makefile_targets


@pytest.fixture(scope="session")
def targets() -> set[str]:
    found = makefile_targets()
    assert {"install", "test", "lint", "ingest", "build"} <= found, found
    return found
