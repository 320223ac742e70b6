"""A killed or cut-off run resumes without re-fetching what it landed; the CLI's contract."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.snapshot.build_snapshot import SITE_DIR
from ingestion.finishers.snapshot.server import DirectorySource, PageResponse, serve_site
from ingestion.warehouse import REPO_ROOT

from .conftest import Query
from .helpers import SNAPSHOT_SLUGS

N = len(SNAPSHOT_SLUGS)


class NetworkLossAfter:
    """Serves ``healthy`` event pages, then answers 503 to everything (a dying upstream)."""

    def __init__(self, healthy: int) -> None:
        self.base = DirectorySource(SITE_DIR)
        self.healthy = healthy
        self.served = 0
        self.down = False
        self._lock = threading.Lock()

    def get(self, path: str) -> PageResponse | None:
        with self._lock:
            if path.startswith("/course/"):
                self.served += 1
                if self.served > self.healthy:
                    self.down = True
            if self.down:
                return PageResponse(503, b"upstream gone", conditional=False)
        return self.base.get(path)


def test_cut_off_run_resumes_with_the_failed_pages_only(
    warehouse_env: dict[str, str], query: Query, monkeypatch
) -> None:
    monkeypatch.setenv("FINISHERS_CONCURRENCY", "1")
    monkeypatch.setenv("FINISHERS_BATCH_SIZE", "7")
    with serve_site(NetworkLossAfter(healthy=20)) as site:
        first = run_crawl(base_url=site.base_url)
    assert (first.new, first.failed) == (20, N - 20)
    loads = dict(query("select id, _dlt_load_id from raw_finishers.events"))
    assert len(loads) == 20 and len(set(loads.values())) == 3  # landed in batches of 7
    failed = {
        s for (s,) in query("select slug from raw_finishers.pages where last_outcome = 'failed'")
    }
    assert len(failed) == N - 20

    with serve_site(SITE_DIR) as site:
        second = run_crawl(base_url=site.base_url)
        fetched = {p.removeprefix("/course/") for p in site.paths if p.startswith("/course/")}
    assert fetched == failed  # never a landed page again, every failed one retried
    assert (second.new, second.skipped_fresh, second.failed) == (N - 20, 20, 0)
    assert query("select count(*) from raw_finishers.events") == [(N,)]
    again = dict(query("select id, _dlt_load_id from raw_finishers.events"))
    assert all(again[i] == load for i, load in loads.items())


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_killed_mid_run_then_rerun_lands_the_rest_only(
    duckdb_env: dict[str, str], query: Query, sig: signal.Signals
) -> None:
    env = {
        **os.environ,
        # 0.2 s between requests: the kill after 23 pages lands ~4 s before the end, even
        # on a loaded machine (at 0.05 s a busy CI could let the whole run finish first).
        "FINISHERS_CRAWL_DELAY": "0.2",
        "FINISHERS_CONCURRENCY": "1",
        "FINISHERS_BATCH_SIZE": "5",
    }
    with serve_site(SITE_DIR) as site:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ingestion.finishers",
                "--base-url",
                site.base_url,
                "--no-progress",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # Ctrl-C reaches the crawl even when this suite runs in the background (`cmd &`
            # in a script starts it with SIGINT ignored, which a child inherits)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 60
        while site.page_requests() < 23 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=60)
        code = proc.returncode
        assert site.page_requests() < N, "the run finished before it was killed"
        if sig == signal.SIGINT:  # Ctrl-C: the batch in hand is landed, the run recorded
            assert code == 130, err
            assert b"rerun to resume" in err and b"Traceback" not in err
            assert query("select status from raw_finishers.ingest_runs") == [("interrupted",)]
        landed = {
            s for (s,) in query("select slug from raw_finishers.pages where last_outcome = 'new'")
        }
        assert len(landed) >= 10

        site.reset_counters()
        summary = run_crawl(base_url=site.base_url)
        refetched = {p.removeprefix("/course/") for p in site.paths if p.startswith("/course/")}
    assert not refetched & landed
    assert summary.skipped_fresh >= len(landed)
    assert query("select count(*) from raw_finishers.events") == [(N,)]
    assert query("select count(distinct id) from raw_finishers.races") == query(
        "select count(*) from raw_finishers.races"
    )


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ingestion.finishers", "--no-progress", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_prints_the_summary_and_records_the_run(
    duckdb_env: dict[str, str], site, query: Query
) -> None:
    done = _cli(
        "--limit",
        "3",
        "--slug",
        "run-in-lyon",
        "--slug",
        "marseille-cassis",
        "--base-url",
        site.base_url,
    )
    assert done.returncode == 0, done.stderr
    for label in (
        "events in the site map",
        "new events",
        "skipped (not due tonight)",
        "HTTP requests",
        "bytes downloaded",
        "refresh policy:",
    ):
        assert label in done.stdout
    assert query("select selected, new, status from raw_finishers.ingest_runs") == [
        (2, 2, "partial")
    ]


def test_cli_fails_clearly_when_the_run_cannot_proceed(
    duckdb_env: dict[str, str], site, query: Query
) -> None:
    no_site = _cli("--base-url", "http://127.0.0.1:9", FINISHERS_MAX_ATTEMPTS="1")
    assert no_site.returncode == 2
    assert "cannot run" in no_site.stderr and "robots.txt" in no_site.stderr
    assert query("select status, requests from raw_finishers.ingest_runs") == [("failed", 0)]
    no_warehouse = _cli(
        "--base-url",
        site.base_url,
        DBT_TARGET="prod",
        POSTGRES_HOST="127.0.0.1",
        POSTGRES_PORT="9",
        POSTGRES_DB="nope",
    )
    assert no_warehouse.returncode == 2
    assert "warehouse" in no_warehouse.stderr
    assert "Traceback" not in no_warehouse.stderr


def test_cli_slug_not_in_the_site_map_says_so(duckdb_env: dict[str, str], site, query: Query):
    done = _cli("--slug", "trail-de-nulle-part", "--base-url", site.base_url)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [
        "finishers: cannot run: not in the site map (45 events listed): trail-de-nulle-part; "
        "nothing crawled (--unlisted crawls such a page anyway)"
    ]
    assert site.page_requests() == 0
    done = _cli("--slug", "trail-de-nulle-part", "--unlisted", "--base-url", site.base_url)
    assert done.returncode == 0, done.stderr
    assert query("select reason from raw_finishers.rejects") == [("http_404",)]
