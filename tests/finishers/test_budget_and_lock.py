"""A night ends in its window (time and request budgets, the next run goes on) and one
run at a time holds a warehouse target. Real local HTTP servers, DuckDB and Postgres."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingestion.finishers import run_lock
from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.snapshot.build_snapshot import SITE_DIR
from ingestion.finishers.snapshot.server import serve_site
from ingestion.warehouse import REPO_ROOT, current_warehouse
from tests.dbt.helpers import execute

from .conftest import Query
from .helpers import SNAPSHOT_SLUGS

N = len(SNAPSHOT_SLUGS)
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
# What a crawl lands, without the columns that say when or in which load it did.
LANDED = {
    "events": "select id, slug, name, subtitle, long_description, latitude, longitude, tags, "
    "city, edition_start_date, content_hash, is_listed from raw_finishers.events",
    "races": "select event_id, id, name, discipline, status, date, distance, distance_unit, "
    "elevation_gain, min_price, content_hash from raw_finishers.races",
    "pages": "select slug, event_id, content_hash, last_outcome, is_listed, check_count "
    "from raw_finishers.pages",
}


def _start_afresh() -> None:
    """An empty warehouse and no dlt working state, as on a new machine."""
    execute("drop schema raw_finishers cascade")
    shutil.rmtree(os.environ["DLT_PIPELINES_DIR"])


def _landed(query: Query) -> dict[str, list[tuple[object, ...]]]:
    return {name: sorted(query(sql), key=repr) for name, sql in LANDED.items()}


def _paths(site) -> set[str]:
    return {p.removeprefix("/course/") for p in site.paths if p.startswith("/course/")}


def test_a_run_stopped_by_its_request_budget_is_finished_by_the_next_runs(
    warehouse_env: dict[str, str], query: Query, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINISHERS_MAX_REQUESTS_PER_RUN", "20")
    monkeypatch.setenv("FINISHERS_CONCURRENCY", "1")
    summaries, fetched = [], []
    with serve_site(SITE_DIR) as site:
        for night in range(4):
            site.reset_counters()
            summaries.append(
                run_crawl(base_url=site.base_url, clock=lambda n=night: T0 + n * timedelta(hours=1))
            )
            fetched.append(_paths(site))
    first = summaries[0]
    assert (first.status, first.requests, first.new, first.due_left) == (
        "partial_budget", 20, 18, N - 18,  # robots.txt + site map + 18 pages
    )  # fmt: skip
    assert "deferred by the request budget: 27" in first.refresh_policy
    # the next runs take what was left, never a landed page again, and then stop
    assert [s.new for s in summaries] == [18, 18, N - 36, 0]
    assert [s.status for s in summaries] == ["partial_budget", "partial_budget", "ok", "ok"]
    assert all(not a & b for a in fetched for b in fetched if a is not b)
    assert set().union(*fetched) == set(SNAPSHOT_SLUGS)
    assert query("select status, due_left from raw_finishers.ingest_runs order by started_at") == [
        ("partial_budget", N - 18),
        ("partial_budget", N - 36),
        ("ok", 0),
        ("ok", 0),
    ]
    budgeted = _landed(query)

    # the same site crawled in one go lands the same rows
    _start_afresh()
    monkeypatch.delenv("FINISHERS_MAX_REQUESTS_PER_RUN")
    with serve_site(SITE_DIR) as site:
        assert run_crawl(base_url=site.base_url, clock=lambda: T0).status == "ok"
    assert len(budgeted["events"]) == N and _landed(query) == budgeted


def test_a_run_stopped_by_its_time_budget_exits_0_and_backfill_has_no_budget(
    duckdb_env: dict[str, str], query: Query, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINISHERS_CRAWL_DELAY", "0.2")  # at least 9 s for the whole site
    monkeypatch.setenv("FINISHERS_CONCURRENCY", "1")
    monkeypatch.setenv("FINISHERS_MAX_RUNTIME_S", "1")
    monkeypatch.setenv("FINISHERS_MAX_REQUESTS_PER_RUN", "0")  # no request limit
    with serve_site(SITE_DIR) as site:
        done = _cli("--base-url", site.base_url)
        assert done.returncode == 0, done.stderr
        assert "partial_budget" in done.stdout and "due pages left for next run" in done.stdout
        assert "budget spent" in done.stdout and "--backfill" in done.stdout
        [(status, due_left, new)] = query(
            "select status, due_left, new from raw_finishers.ingest_runs"
        )
        assert status == "partial_budget" and new + due_left == N and 0 < new < N
        backfill = _cli("--base-url", site.base_url, "--backfill")
    assert backfill.returncode == 0, backfill.stderr
    assert query("select count(*) from raw_finishers.events") == [(N,)]
    assert query(
        "select status from raw_finishers.ingest_runs order by started_at desc limit 1"
    ) == [("ok",)]


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ingestion.finishers", "--no-progress", *args],
        cwd=REPO_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def _start(base_url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ingestion.finishers", "--no-progress", "--base-url", base_url],
        cwd=REPO_ROOT,
        env={**os.environ, "FINISHERS_CRAWL_DELAY": "0.2", "FINISHERS_CONCURRENCY": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for_pages(site, count: int) -> None:
    deadline = time.monotonic() + 90
    while site.page_requests() < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert site.page_requests() >= count, "the first run never started fetching"


def test_a_second_run_fails_fast_with_one_line_and_the_first_lands_everything(
    warehouse_env: dict[str, str], query: Query
) -> None:
    with serve_site(SITE_DIR) as site:
        first = _start(site.base_url)
        _wait_for_pages(site, 1)
        second = _cli("--base-url", site.base_url)
        still_running = first.poll() is None
        _, err = first.communicate(timeout=120)
        requests = site.page_requests()
    assert still_running, "the first run ended before the second started: no overlap tested"
    assert second.returncode == 2
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1, second.stderr
    assert "another crawl is running" in lines[0] and "since" in lines[0] and "pid" in lines[0]
    assert first.returncode == 0, err
    assert requests == N  # the second run never asked the site for a page
    assert query("select count(*) from raw_finishers.events") == [(N,)]
    assert query("select status from raw_finishers.ingest_runs") == [("ok",)]


def test_the_lock_of_a_run_killed_with_kill_9_is_taken_over(
    warehouse_env: dict[str, str], query: Query, caplog: pytest.LogCaptureFixture
) -> None:
    with serve_site(SITE_DIR) as site:
        first = _start(site.base_url)
        _wait_for_pages(site, 3)
        os.kill(first.pid, signal.SIGKILL)
        first.communicate(timeout=60)
        summary = run_crawl(base_url=site.base_url)
    assert summary.status == "ok"
    assert query("select count(*) from raw_finishers.events") == [(N,)]
    if warehouse_env["DBT_TARGET"] == "dev":  # the lock file still named the dead holder
        assert f"took over the lock left by pid {first.pid}" in caplog.text
        # a clean end leaves no holder behind: the next run takes over nothing
        assert run_lock.lock_file(current_warehouse()).read_bytes() == b""
    # dlt's working folder is per target: a pending package never crosses targets
    target = current_warehouse().target
    assert (Path(os.environ["DLT_PIPELINES_DIR"]) / target / "finishers").is_dir()
