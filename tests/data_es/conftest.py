"""Fixtures of the Data ES tests: the bundled snapshot on a local Explore v2.1 server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ingestion.data_es.snapshot import load_snapshot
from ingestion.data_es.snapshot.server import ExploreHandle, serve_explore


@pytest.fixture(autouse=True)
def fast_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short back-off against the local server; no run reads the live API."""
    monkeypatch.setenv("SOURCES__DATA_ES__BACKOFF_S", "0.01")
    monkeypatch.setenv("SOURCES__DATA_ES__BASE_URL", "http://127.0.0.1:9/unused")


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[ExploreHandle]:
    """The first-night snapshot served on 127.0.0.1, and the runs pointed at it."""
    with serve_explore(load_snapshot()) as handle:
        monkeypatch.setenv("SOURCES__DATA_ES__BASE_URL", handle.base_url)
        yield handle
