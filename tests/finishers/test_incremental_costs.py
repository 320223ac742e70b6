"""What a next night costs: the run's clock, the site-map lastmod policy, the conditional
site map, event rows read back only when their listing flips, the server's bounded log.

Real local HTTP server (the committed snapshot), real warehouse: no mocks.
"""

from __future__ import annotations

import shutil
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingestion.finishers import settings
from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.crawl_state import EventState, load_state
from ingestion.finishers.sitemap import parse_sitemap
from ingestion.finishers.snapshot.build_snapshot import (
    NIGHT2_CHANGES,
    SITE_DIR,
    SITE_NIGHT2_DIR,
    snapshot_events,
)
from ingestion.finishers.snapshot.server import SiteHandle, serve_site
from ingestion.geocoding import run_geocoding
from ingestion.warehouse import current_warehouse
from tests.dbt.helpers import execute

from .conftest import Query

N_EVENTS = len(snapshot_events())
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # after every <lastmod> of the snapshot
SITEMAP = "/sitemap/events.xml"


def _slugs_with_lastmod(site_dir: Path) -> set[str]:
    _, items = parse_sitemap((site_dir / "sitemap" / "events.xml").read_bytes())
    return {loc.rstrip("/").rsplit("/", 1)[-1] for loc, lastmod in items if lastmod}


def _at(moment: datetime):
    return lambda: moment


def test_the_clock_dates_the_run_and_lastmod_spares_the_next_night(
    duckdb_env: dict[str, str], site: SiteHandle, query: Query
) -> None:
    first = run_crawl(base_url=site.base_url, clock=_at(T0))
    assert first.new == N_EVENTS
    assert query("select started_at, finished_at from raw_finishers.ingest_runs") == [(T0, T0)]
    assert query("select distinct last_checked_at, first_seen_at from raw_finishers.pages") == [
        (T0, T0)
    ]
    assert query("select distinct first_seen_at from raw_finishers.events") == [(T0,)]

    with_lastmod = _slugs_with_lastmod(SITE_DIR)
    assert 0 < len(with_lastmod) < N_EVENTS  # the snapshot has both kinds of entries
    site.reset_counters()
    second = run_crawl(base_url=site.base_url, clock=_at(T0 + timedelta(hours=24)))
    checked = {p.removeprefix("/course/") for p in site.paths if p.startswith("/course/")}
    # pages whose lastmod is not newer than their last check are trusted; the others follow
    # the adaptive policy: checked once, unchanged, so only events starting within 30 days
    # (or under way) are due the next night, and answer 304
    night2 = (T0 + timedelta(hours=24)).date()
    upcoming = {
        slug
        for slug, start, end in query(
            "select slug, edition_start_date, edition_end_date from raw_finishers.events"
        )
        if start is not None and (end or start) >= night2 and (start - night2).days <= 30
    }
    no_lastmod = {s["event"]["slug"] for s in snapshot_events()} - with_lastmod
    assert 0 < len(no_lastmod & upcoming) < len(no_lastmod)  # both kinds in the snapshot
    assert checked == no_lastmod & upcoming
    assert second.skipped_fresh == N_EVENTS - len(checked)
    assert second.not_modified == len(checked) and second.fetched == 0
    assert "lastmod" in second.refresh_policy and "every 30 d" in second.refresh_policy
    assert "due: upcoming" in second.refresh_policy and "skipped: " in second.refresh_policy
    assert query(
        "select count(*) from raw_finishers.pages where last_checked_at = "
        f"timestamptz '{(T0 + timedelta(hours=24)).isoformat()}'"
    ) == [(len(checked),)]


def test_the_safety_recheck_cycle_is_configurable(
    duckdb_env: dict[str, str], site: SiteHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_crawl(base_url=site.base_url, clock=_at(T0))
    monkeypatch.setenv("FINISHERS_LASTMOD_RECHECK_DAYS", "1")  # every page, every night
    site.reset_counters()
    summary = run_crawl(base_url=site.base_url, clock=_at(T0 + timedelta(hours=24)))
    # every page with a lastmod is re-checked (the others follow the adaptive policy)
    with_lastmod = len(_slugs_with_lastmod(SITE_DIR))
    assert f"safety re-check {with_lastmod}" in summary.refresh_policy
    assert summary.not_modified == N_EVENTS - summary.skipped_fresh > with_lastmod
    assert "every 1 d" in summary.refresh_policy


def test_the_site_map_is_asked_for_conditionally(
    warehouse_env: dict[str, str], tmp_path: Path, query: Query
) -> None:
    site_dir = tmp_path / "site"
    shutil.copytree(SITE_DIR, site_dir)
    with serve_site(site_dir) as site:
        run_crawl(base_url=site.base_url)
        stored = query("select url, etag, entries, items from raw_finishers.sitemaps")
        assert len(stored) == 1 and stored[0][0] == site.base_url + SITEMAP
        assert stored[0][1] and stored[0][2] == N_EVENTS and "/course/" in stored[0][3]

        site.reset_counters()  # unchanged: a 304, served from the stored entries
        second = run_crawl(base_url=site.base_url, refresh="all")
        assert second.discovered == N_EVENTS and second.not_modified == N_EVENTS
        assert site.paths[SITEMAP] == 1 and site.statuses[304] == N_EVENTS + 1
        asked = [h for p, h in site.request_headers if p == SITEMAP]
        assert asked[0]["if-none-match"] == stored[0][1]

        # stored entries lost: the 304 is not trusted, the site map is downloaded again
        execute("update raw_finishers.sitemaps set items = null")
        site.reset_counters()
        third = run_crawl(base_url=site.base_url)
        assert third.discovered == N_EVENTS and third.unlisted == 0
        assert site.paths[SITEMAP] == 2 and site.statuses[304] == 1
        assert query("select entries from raw_finishers.sitemaps") == [(N_EVENTS,)]

        # the site map changes: downloaded (200) and its new entries used
        xml = (SITE_NIGHT2_DIR / "sitemap" / "events.xml").read_bytes()
        (site_dir / "sitemap" / "events.xml").write_bytes(xml)
        new_page = f"course/{NIGHT2_CHANGES['new']['slug']}.html"
        shutil.copy(SITE_NIGHT2_DIR / new_page, site_dir / new_page)
        site.reset_counters()
        fourth = run_crawl(base_url=site.base_url)
        assert site.statuses[304] == 0 and site.paths[SITEMAP] == 1
        assert fourth.discovered == N_EVENTS  # one event gone from it, one new
        assert fourth.new == 1 and fourth.unlisted == 1


def test_listing_flips_reland_the_full_stored_row(
    warehouse_env: dict[str, str], query: Query
) -> None:
    columns = (
        "id, slug, name, subtitle, long_description, latitude, longitude, tags, "
        "edition_start_date, content_hash, first_seen_at, content_changed_at"
    )
    vanished = NIGHT2_CHANGES["vanished"]
    where = f"from raw_finishers.events where id = '{vanished['event_id']}'"
    with serve_site(SITE_DIR) as night1:
        run_crawl(base_url=night1.base_url)
    before = query(f"select {columns} {where}")
    assert before[0][2]  # the row is read back whole, not kept in memory by the crawl

    state = load_state(current_warehouse())
    assert len(state.events) == N_EVENTS
    assert all(isinstance(e, EventState) for e in state.events.values())
    assert not hasattr(state.events[vanished["event_id"]], "long_description")

    with serve_site(SITE_NIGHT2_DIR) as night2:
        summary = run_crawl(base_url=night2.base_url)
    assert summary.unlisted == 1
    assert query(f"select {columns} {where}") == before  # re-landed whole, from the warehouse
    assert query(f"select is_listed {where}") == [(False,)]
    assert load_state(current_warehouse()).events[vanished["event_id"]].is_listed is False

    with serve_site(SITE_DIR) as night3:
        summary = run_crawl(base_url=night3.base_url)
    assert summary.not_modified == 1  # relisted on a 304: its row is read back too
    assert query(f"select {columns} {where}") == before
    assert query(f"select is_listed, last_seen_at is not null {where}") == [(True, True)]


def _row_groups(query: Query, table: str) -> dict[int, set[int]]:
    """Each row group of a DuckDB table: the blocks its column segments are stored in."""
    rows = query(
        "select row_group_id, list(distinct block_id) "
        f"from pragma_storage_info('raw_finishers.{table}') group by row_group_id"
    )
    return {group: set(blocks) for group, blocks in rows}


def test_a_night_on_duckdb_does_not_rewrite_the_events_landed_before(
    duckdb_env: dict[str, str], query: Query
) -> None:
    """Each load's connection closes with a checkpoint. With DuckDB's default, that
    checkpoint merged the load's new row group back into the events landed before, a row
    group of up to 122,880 events rewritten at every load of 100 pages: the crawl's memory
    grew with the catalogue (issue 13). The crawl's checkpoints leave them in place; the
    next step, which checkpoints with the profile's settings, merges the night's row groups,
    and nothing is lost."""
    with serve_site(SITE_DIR) as night1:
        run_crawl(base_url=night1.base_url)
    landed = _row_groups(query, "events")
    assert len(landed) == 1

    with serve_site(SITE_NIGHT2_DIR) as night2:
        summary = run_crawl(base_url=night2.base_url, refresh="all", batch_size=2)
    assert summary.batches >= 3 and summary.changed == 3
    night = _row_groups(query, "events")
    assert night[0] == landed[0]  # the events landed before: not rewritten
    assert len(night) > 1  # the night's re-landed events: row groups of their own
    events = query("select id, content_hash, is_listed from raw_finishers.events order by id")
    assert len(events) == N_EVENTS + 1

    run_geocoding()  # the next step of `make ingest` on this warehouse
    assert len(_row_groups(query, "events")) == 1  # merged back
    assert query("select id, content_hash, is_listed from raw_finishers.events order by id") == (
        events
    )


def test_a_first_crawl_on_duckdb_merges_its_row_groups_every_few_loads(
    duckdb_env: dict[str, str], query: Query, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load no longer merges its row group back (above), so a first crawl of 100,000
    events would leave a thousand row groups a table, which every later load's merge scans.
    Once the pages hold ``DUCKDB_MAX_ROW_GROUPS`` (64; 4 here), a checkpoint merges them."""
    monkeypatch.setattr(settings, "DUCKDB_MAX_ROW_GROUPS", 4)
    with serve_site(SITE_DIR) as night1:
        summary = run_crawl(base_url=night1.base_url, batch_size=2)
    assert summary.batches >= 20 and summary.new == N_EVENTS
    for table in ("pages", "events", "races"):
        assert len(_row_groups(query, table)) <= 4, table  # one a load without the merges
    assert query("select count(*), count(distinct id) from raw_finishers.events") == [
        (N_EVENTS, N_EVENTS)
    ]
    assert query("select count(*) from raw_finishers.pages") == [(N_EVENTS,)]


def test_the_servers_request_log_is_bounded() -> None:
    with serve_site(SITE_DIR, request_log_size=5) as site:
        for n in range(12):
            with urllib.request.urlopen(f"{site.base_url}/robots.txt?{n}") as answer:
                answer.read()
        with urllib.request.urlopen(site.base_url + SITEMAP) as answer:
            answer.read()
        assert site.requests == 13 and site.paths["/robots.txt"] == 12
        assert len(site.request_headers) == 5
        assert site.request_headers[-1][0] == SITEMAP
        sitemap_size = len((SITE_DIR / "sitemap" / "events.xml").read_bytes())
        assert site.bytes_by_prefix["/sitemap"] == sitemap_size  # bounded: one key a segment
        assert set(site.bytes_by_prefix) == {"/robots.txt", "/sitemap"}
        site.reset_counters()
        assert len(site.request_headers) == 0 and not site.bytes_by_prefix
