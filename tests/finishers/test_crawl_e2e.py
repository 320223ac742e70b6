"""End to end: the local snapshot server → run_crawl → raw_finishers on DuckDB and Postgres."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.snapshot.build_snapshot import (
    NIGHT2_CHANGED_EVENT_IDS,
    NIGHT2_CHANGES,
    SITE_DIR,
    SITE_NIGHT2_DIR,
    render_page,
    snapshot_events,
    uid,
)
from ingestion.finishers.snapshot.server import SiteHandle, serve_site

from .conftest import Query

SNAPSHOT = snapshot_events()
N_EVENTS = len(SNAPSHOT)
N_RACES = sum(len(p["races"]) for p in SNAPSHOT)
TABLES = ("events", "races", "pages", "rejects", "ingest_runs")


def table(query: Query, name: str, order: str = "id") -> list[tuple]:
    return query(f"select * from raw_finishers.{name} order by {order}")


def test_first_run_lands_the_snapshot_and_second_run_costs_almost_nothing(
    warehouse_env: dict[str, str], site: SiteHandle, query: Query
) -> None:
    first = run_crawl(base_url=site.base_url)
    assert (first.discovered, first.selected, first.fetched, first.new) == (N_EVENTS,) * 4
    assert first.rejected == first.failed == first.field_rejects == 0
    assert first.requests == N_EVENTS + 2  # robots.txt + site map + every page once
    assert first.requests == site.requests and first.bytes > 100_000
    for name in TABLES:  # every table exists, even the empty rejects
        query(f"select count(*) from raw_finishers.{name}")
    assert query("select count(*) from raw_finishers.events") == [(N_EVENTS,)]
    assert query("select count(*) from raw_finishers.races") == [(N_RACES,)]
    assert query("select count(*) from raw_finishers.rejects") == [(0,)]

    paris = query(
        "select name, url, latitude, longitude, coordinates_precision, department_name, "
        "country_code, edition_start_date, is_listed, tags from raw_finishers.events "
        f"where id = '{uid('10-km-de-paris-tour-eiffel', 'event')}'"
    )[0]
    assert paris[:7] == (
        "10 Km de Paris Tour Eiffel",
        "https://www.finishers.com/course/10-km-de-paris-tour-eiffel",
        48.8584,
        2.2945,
        "point",
        "Paris",
        "FR",
    )
    assert str(paris[7]) == "2027-10-03" and paris[8] is True
    assert paris[9] == "capitals-big-cities,night"
    marathon = query(
        "select distance, distance_unit, status, date, is_most_popular, formatted_title "
        f"from raw_finishers.races where id = '{uid('run-in-lyon', 'race', '42')}'"
    )[0]
    assert marathon[:3] == (26.2, "miles", "confirmed") and str(marathon[3]) == "2027-10-03"
    cancelled = "select status, count(*) from raw_finishers.races where status like 'cancel%'"
    assert query(f"{cancelled} group by status order by status") == [
        ("canceled", 1),  # as published: dbt's normalise_status reads both as cancelled
        ("cancelled", 1),
    ]
    assert query("select count(*) from raw_finishers.races where id = ''") == [(0,)]

    events_before = table(query, "events")
    races_before = table(query, "races", "event_id, id")
    site.reset_counters()
    second = run_crawl(base_url=site.base_url)
    assert second.skipped_fresh == N_EVENTS and second.fetched == 0
    assert site.requests == second.requests == 2  # robots.txt and the site map only
    assert site.statuses[304] == 1  # the site map, asked for conditionally
    assert table(query, "events") == events_before
    assert table(query, "races", "event_id, id") == races_before

    site.reset_counters()
    forced = run_crawl(base_url=site.base_url, refresh="all")
    assert forced.not_modified == N_EVENTS and forced.unchanged == N_EVENTS
    assert site.statuses[304] == N_EVENTS + 1  # every page and the site map
    assert forced.bytes < first.bytes / 5
    conditional = [h for p, h in site.request_headers if p.startswith("/course/")]
    assert all("if-none-match" in h for h in conditional)
    assert all(
        h["user-agent"].startswith("BougeBot/") and "+http" in h["user-agent"]
        for _, h in site.request_headers
    )
    assert table(query, "events") == events_before

    runs = query(
        "select discovered, selected, fetched, not_modified, skipped_fresh, new, requests, "
        "status from raw_finishers.ingest_runs order by started_at"
    )
    assert runs == [
        (N_EVENTS, N_EVENTS, N_EVENTS, 0, 0, N_EVENTS, N_EVENTS + 2, "ok"),
        (N_EVENTS, N_EVENTS, 0, 0, N_EVENTS, 0, 2, "ok"),
        (N_EVENTS, N_EVENTS, 0, N_EVENTS, 0, 0, N_EVENTS + 2, "ok"),
    ]


def test_next_night_changes_only_what_changed(warehouse_env: dict[str, str], query: Query) -> None:
    with serve_site(SITE_DIR) as night1:
        run_crawl(base_url=night1.base_url)
    before = {
        row[0]: row[1:]
        for row in query(
            "select id, content_hash, _dlt_load_id, first_seen_at, content_changed_at, name "
            "from raw_finishers.events"
        )
    }
    race_loads = dict(query("select id, _dlt_load_id from raw_finishers.races"))

    with serve_site(SITE_NIGHT2_DIR) as night2:
        summary = run_crawl(base_url=night2.base_url, refresh="all")
    c = NIGHT2_CHANGES
    assert (summary.changed, summary.new, summary.unlisted) == (3, 1, 1)
    assert summary.not_modified == N_EVENTS - 1 - 3  # byte-identical pages answer 304

    after = {
        row[0]: row[1:]
        for row in query(
            "select id, content_hash, _dlt_load_id, first_seen_at, content_changed_at, name, "
            "is_listed from raw_finishers.events"
        )
    }
    assert len(after) == N_EVENTS + 1
    vanished = c["vanished"]["event_id"]
    for event_id, old in before.items():
        new = after[event_id]
        if event_id in NIGHT2_CHANGED_EVENT_IDS:
            assert new[0] != old[0], "content_hash must move"
            assert new[2] == old[2], "first_seen_at is kept"
            assert new[3] > old[3], "content_changed_at moves"
        elif event_id == vanished:
            assert new[0] == old[0] and new[5] is False
        else:
            assert new[:2] == old[:2], "unchanged events are not re-landed"
            assert new[5] is True
    assert after[c["renamed"]["event_id"]][4] == c["renamed"]["new_name"]
    assert after[c["new"]["event_id"]][5] is True

    races = {
        row[0]: row[1:]
        for row in query("select id, distance, _dlt_load_id, event_id from raw_finishers.races")
    }
    assert races[c["race_remeasured"]["race_id"]][0] == c["race_remeasured"]["new_distance"]
    assert c["race_removed"]["race_id"] not in races
    assert set(c["new"]["race_ids"]) <= set(races)
    assert len(races) == N_RACES - 1 + 1
    for race_id, (_, load_id, event_id) in races.items():
        if event_id not in NIGHT2_CHANGED_EVENT_IDS and race_id in race_loads:
            assert load_id == race_loads[race_id]
    listed = dict(query("select slug, is_listed from raw_finishers.pages"))
    assert listed[c["vanished"]["slug"]] is False
    assert listed[c["new"]["slug"]] is True


def test_an_event_whose_races_all_vanished_loses_them(
    warehouse_env: dict[str, str], tmp_path: Path, query: Query
) -> None:
    site_dir = tmp_path / "site"
    shutil.copytree(SITE_DIR, site_dir)
    slug = "run-in-lyon"
    with serve_site(site_dir) as site:
        run_crawl(base_url=site.base_url)
        lyon = next(p for p in SNAPSHOT if p["event"]["slug"] == slug)
        (site_dir / "course" / f"{slug}.html").write_text(
            render_page({**lyon, "races": []}), encoding="utf-8"
        )
        summary = run_crawl(base_url=site.base_url, refresh="all")
    event_id = uid(slug, "event")
    assert summary.changed == 1
    assert query(f"select count(*) from raw_finishers.races where event_id = '{event_id}'") == [
        (0,)
    ]
    assert query("select count(*) from raw_finishers.races") == [(N_RACES - 3,)]
    assert query(f"select count(*) from raw_finishers.events where id = '{event_id}'") == [(1,)]


def test_back_in_the_site_map_is_listed_again(duckdb_env: dict[str, str], query: Query) -> None:
    with serve_site(SITE_DIR) as night1:
        run_crawl(base_url=night1.base_url)
    with serve_site(SITE_NIGHT2_DIR) as night2:
        run_crawl(base_url=night2.base_url, refresh="all")
    brest = NIGHT2_CHANGES["vanished"]
    assert query(
        f"select is_listed from raw_finishers.events where id = '{brest['event_id']}'"
    ) == [(False,)]
    with serve_site(SITE_DIR) as night3:
        summary = run_crawl(base_url=night3.base_url)
        # only the relisted page is re-checked (304): the others were checked minutes ago
        assert night3.paths[f"/course/{brest['slug']}"] == 1 and night3.page_requests() == 1
    assert summary.unlisted == 1 and summary.not_modified == 1
    listed = dict(query("select slug, is_listed from raw_finishers.events"))
    assert listed[NIGHT2_CHANGES["new"]["slug"]] is False
    assert listed[brest["slug"]] is True
    assert dict(query("select slug, is_listed from raw_finishers.pages"))[brest["slug"]] is True


def test_partial_runs_with_limit_and_slug(
    duckdb_env: dict[str, str], site: SiteHandle, query: Query
) -> None:
    summary = run_crawl(base_url=site.base_url, limit=5)
    assert (summary.selected, summary.new, summary.status) == (5, 5, "partial")
    summary = run_crawl(base_url=site.base_url, slugs=["run-in-lyon", "marseille-cassis"])
    assert summary.selected == 2 and summary.new == 2 and summary.unlisted == 0
    assert query("select count(*) from raw_finishers.events") == [(7,)]
    assert query("select count(*) from raw_finishers.events where not is_listed") == [(0,)]


def test_slug_outside_the_site_map_lands_as_unlisted(
    duckdb_env: dict[str, str], query: Query
) -> None:
    brest = NIGHT2_CHANGES["vanished"]
    with serve_site(SITE_NIGHT2_DIR) as night2:  # its page still answers, unlisted
        summary = run_crawl(base_url=night2.base_url, slugs=[brest["slug"]])
    assert (summary.selected, summary.new) == (1, 1)
    assert query("select is_listed, last_seen_at from raw_finishers.events") == [(False, None)]
    assert query("select is_listed from raw_finishers.pages") == [(False,)]


def test_columns_have_their_declared_types_even_when_all_null(
    warehouse_env: dict[str, str], site: SiteHandle, query: Query
) -> None:
    run_crawl(base_url=site.base_url, slugs=["triathlon-du-lac-leman-geneve"])
    types = {
        (t, c): d.lower()
        for t, c, d in query(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'raw_finishers'"
        )
    }
    family = {
        "date": "date",
        "timestamp with time zone": "timestamptz",
        "bigint": "bigint",
        "double": "double",
        "double precision": "double",
        "boolean": "bool",
        "varchar": "text",
        "character varying": "text",
        "text": "text",
    }
    expected = {
        ("events", "facebook_url"): "text",  # null on every landed row
        ("events", "first_edition_year"): "bigint",  # idem
        ("events", "latitude"): "double",
        ("events", "edition_start_date"): "date",
        ("events", "content_changed_at"): "timestamptz",
        ("events", "is_listed"): "bool",
        ("races", "itra_points"): "bigint",  # idem
        ("races", "min_price"): "double",
        ("races", "date"): "date",
        ("races", "is_most_popular"): "bool",
        ("pages", "last_checked_at"): "timestamptz",
        ("rejects", "http_status"): "bigint",  # no reject at all: table still created
        ("rejects", "rejected_at"): "timestamptz",
        ("ingest_runs", "duration_s"): "double",
    }
    assert {k: family[types[k]] for k in expected} == expected
