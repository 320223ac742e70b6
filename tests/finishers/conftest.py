"""Fixtures of the finishers tests: a fast crawl configuration and warehouse queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ingestion.finishers.snapshot.server import SiteHandle, serve_site
from ingestion.warehouse import current_warehouse


@pytest.fixture(autouse=True)
def fast_crawl(monkeypatch: pytest.MonkeyPatch) -> None:
    """No politeness delay against the local server; short timeouts and back-off."""
    for key, value in {
        "FINISHERS_CRAWL_DELAY": "0",
        "FINISHERS_CONCURRENCY": "4",
        "FINISHERS_CONNECT_TIMEOUT": "2",
        "FINISHERS_READ_TIMEOUT": "1",
        "FINISHERS_BODY_DEADLINE": "3",
        "FINISHERS_MAX_ATTEMPTS": "3",
        "FINISHERS_BACKOFF_FACTOR": "0.01",
        "FINISHERS_MAX_RETRY_DELAY": "2",
        "FINISHERS_BATCH_MIN_SECONDS": "0",  # land every FINISHERS_BATCH_SIZE pages
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("FINISHERS_BASE_URL", raising=False)


Query = Callable[[str], list[tuple[Any, ...]]]


@pytest.fixture
def query() -> Query:
    """Run SQL on the warehouse selected by the test's environment."""

    def run(sql: str) -> list[tuple[Any, ...]]:
        conn = current_warehouse().connect()
        try:
            cur = conn.cursor()
            cur.execute(sql)
            return list(cur.fetchall())
        finally:
            conn.close()

    return run


@pytest.fixture
def site() -> Iterator[SiteHandle]:
    """The committed first-night snapshot, served on 127.0.0.1."""
    with serve_site() as handle:
        yield handle
