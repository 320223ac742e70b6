"""A bad night cannot fool the crawl: a shrunken site map, a redesigned site, pages that
keep failing. Real local HTTP servers, DuckDB and Postgres."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from ingestion.finishers.crawl import CrawlAnomaly, run_crawl
from ingestion.finishers.snapshot.build_snapshot import SITE_DIR
from ingestion.finishers.snapshot.server import (
    DirectorySource,
    OverrideSource,
    PageResponse,
    serve_site,
)
from ingestion.warehouse import REPO_ROOT

from .conftest import Query
from .helpers import SNAPSHOT_SLUGS, html, relist, synthetic_site

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
CATALOGUE = [f"course-{i:03d}" for i in range(233)]


def _at(moment: datetime):
    return lambda: moment


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ingestion.finishers", "--no-progress", *args],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _listing(query: Query) -> list[tuple[bool, int]]:
    return query("select is_listed, count(*) from raw_finishers.events group by 1 order by 1")


def test_a_site_map_listing_20_of_233_events_unlists_nothing_and_fails(
    warehouse_env: dict[str, str], query: Query
) -> None:
    source = synthetic_site(CATALOGUE)
    with serve_site(source) as site:
        assert run_crawl(base_url=site.base_url, clock=_at(T0)).new == 233
        relist(source, CATALOGUE[:20])  # a broken deploy, a truncated response
        site.reset_counters()
        done = _cli("--base-url", site.base_url)
        assert site.page_requests() == 0  # stopped before taking a page
    assert done.returncode == 3, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "213 of 233" in lines[0] and "--accept-shrink" in lines[0]
    assert "Traceback" not in done.stderr
    assert _listing(query) == [(True, 233)]
    assert query("select count(*) from raw_finishers.pages where not is_listed") == [(0,)]
    status, anomaly = query(
        "select status, anomaly from raw_finishers.ingest_runs order by started_at desc limit 1"
    )[0]
    assert status == "anomaly" and "213 of 233" in anomaly and "91%" in anomaly

    with serve_site(source) as site:  # a genuine shrink, confirmed by hand
        summary = run_crawl(base_url=site.base_url, accept_shrink=True)
    assert summary.status == "ok" and summary.unlisted == 213
    assert _listing(query) == [(False, 213), (True, 20)]


def test_an_empty_site_map_is_an_anomaly(warehouse_env: dict[str, str], query: Query) -> None:
    source = synthetic_site(CATALOGUE[:30])
    with serve_site(source) as site:
        run_crawl(base_url=site.base_url, clock=_at(T0))
        relist(source, [])
        with pytest.raises(CrawlAnomaly, match="lists no events"):
            run_crawl(base_url=site.base_url)
    assert _listing(query) == [(True, 30)]
    assert query("select status from raw_finishers.ingest_runs order by started_at") == [
        ("ok",),
        ("anomaly",),
    ]


def test_a_redesigned_site_stops_the_run_and_changes_nothing_landed(
    warehouse_env: dict[str, str], query: Query
) -> None:
    tables = {
        "events": "select * exclude (_dlt_load_id, _dlt_id) from raw_finishers.events",
        "races": "select count(*), count(distinct id) from raw_finishers.races",
        "pages": "select slug, event_id, content_hash, last_outcome, last_checked_at, is_listed "
        "from raw_finishers.pages order by slug",
    }
    if warehouse_env["DBT_TARGET"] == "prod":
        tables["events"] = "select id, content_hash, is_listed, name from raw_finishers.events"
    with serve_site(SITE_DIR) as site:
        run_crawl(base_url=site.base_url, clock=_at(T0))
    before = {name: sorted(query(sql), key=str) for name, sql in tables.items()}

    maintenance = html("<html><body><h1>Nouveau site bientôt</h1></body></html>")
    redesigned = OverrideSource(
        DirectorySource(SITE_DIR), {f"/course/{slug}": maintenance for slug in SNAPSHOT_SLUGS}
    )
    with serve_site(redesigned) as site, pytest.raises(CrawlAnomaly) as raised:
        run_crawl(base_url=site.base_url, refresh="all", clock=_at(T0 + timedelta(days=1)))
    message = str(raised.value)
    assert "20 of 20 downloaded pages" in message and "no_next_data 20" in message
    assert site.page_requests() < len(SNAPSHOT_SLUGS)  # stopped early
    assert {name: sorted(query(sql), key=str) for name, sql in tables.items()} == before
    assert query(
        "select status, anomaly is not null from raw_finishers.ingest_runs order by started_at"
    ) == [("ok", False), ("anomaly", True)]
    assert query("select count(*) from raw_finishers.rejects where reason = 'no_next_data'") == [
        (20,)
    ]


class Flaky:
    """A small site whose ``broken`` page always answers 500 and ``vanishing`` 404 once
    ``vanished`` is set; the nights it was asked are recorded."""

    def __init__(self) -> None:
        # an event starting within 30 days: re-checked every night
        self.site = synthetic_site(["steady", "broken", "vanishing"], starts="2026-12-20")
        self.site.responses["/course/broken"] = PageResponse(500, b"oops", conditional=False)
        self.vanished = False
        self.asked: dict[str, list[int]] = {"broken": [], "vanishing": []}
        self.night = 0

    def get(self, path: str) -> PageResponse | None:
        slug = path.removeprefix("/course/")
        if slug in self.asked and (not self.asked[slug] or self.asked[slug][-1] != self.night):
            self.asked[slug].append(self.night)
        if slug == "vanishing" and self.vanished:
            return PageResponse(404, b"gone", conditional=False)
        return self.site.get(path)


def test_a_failing_page_backs_off_across_nights_and_a_missing_one_is_gone(
    warehouse_env: dict[str, str], query: Query
) -> None:
    source = Flaky()
    gone_on = []
    with serve_site(source) as site:
        for night in range(12):
            source.night = night
            source.vanished = night >= 1
            summary = run_crawl(base_url=site.base_url, clock=_at(T0 + timedelta(days=night)))
            if summary.gone:
                gone_on.append(night)
    assert source.asked["broken"] == [0, 1, 2, 4, 8]  # then after 1, 2, 4, 8 nights
    assert source.asked["vanishing"] == [0, 1, 2, 3]  # 404 on nights 1, 2, 3: gone
    assert gone_on == [3]
    assert query(
        "select slug, last_outcome, is_listed, consecutive_failures from raw_finishers.pages "
        "where slug <> 'steady' order by slug"
    ) == [("broken", "failed", True, 5), ("vanishing", "gone", False, 3)]
    # the event of the gone page is unlisted, never deleted
    assert query(
        "select e.is_listed from raw_finishers.events e join raw_finishers.pages p "
        "on p.event_id = e.id where p.slug = 'vanishing'"
    ) == [(False,)]
