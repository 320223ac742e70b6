"""End to end on both warehouses: snapshot site → crawl → geocoding → dbt build, two nights.

The real ingestion runs in-process against the local snapshot server; dbt runs as a
subprocess (target/ and logs/ in the test's tmp folder).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.snapshot.build_snapshot import (
    NIGHT2_CHANGES,
    SITE_DIR,
    SITE_NIGHT2_DIR,
    night2_events,
    snapshot_events,
)
from ingestion.finishers.snapshot.server import serve_site
from ingestion.geocoding import run_geocoding
from ingestion.warehouse import current_warehouse

from .helpers import (
    BUILD_WITHOUT_UNIT_TESTS,
    assert_log_clean,
    assert_no_deprecation,
    mart_contents,
    records,
    relation,
    run_dbt,
)

pytestmark = pytest.mark.slow


def ingest(site: Path, refresh: str | None = None) -> None:
    with serve_site(site) as handle:
        summary = run_crawl(base_url=handle.base_url, refresh=refresh)
    assert summary.status == "ok", summary
    run_geocoding()


def one(sql: str) -> dict:
    rows = records(sql)
    assert len(rows) == 1, (sql, rows)
    return rows[0]


def activity_of(slug: str, title: str) -> dict:
    return one(
        f"select a.* from {relation('bouge', 'activity')} as a "
        f"join {relation('bouge', 'poi')} as p on a.poi_id = p.poi_id "
        f"where p.slug = '{slug}' and a.name = '{title}'"
    )


def quoted(values: set[str]) -> str:
    return ", ".join(f"'{v}'" for v in sorted(values))


def count(sql_from: str) -> int:
    return records(f"select count(*) as n {sql_from}")[0]["n"]


def test_two_nights_incremental_snapshots_and_full_refresh(
    warehouse_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINISHERS_CRAWL_DELAY", "0")
    monkeypatch.setenv("GEOCODER", "offline")
    poi, activity = relation("bouge", "poi"), relation("bouge", "activity")
    address, address_poi = relation("bouge", "address"), relation("bouge", "address_poi")
    registered = relation("bouge", "registered_poi")

    # ---- night 1 (the only build of the suite with the unit tests, on each warehouse)
    ingest(SITE_DIR)
    output = run_dbt(["build"], tmp_path)
    assert re.search(r"Finished running .*\b[1-9][0-9]* unit tests\b", output), output[-3000:]
    assert_no_deprecation(output)

    if warehouse_env["DBT_TARGET"] == "prod":
        # Postgres plans each node on the statistics of the tables before it: every table
        # and snapshot dbt wrote has them, autovacuum or not (it is off on this machine)
        written = records(
            "select relname, last_analyze from pg_stat_user_tables"
            " where schemaname in ('staging', 'intermediate', 'bouge', 'snapshots')"
            " and relname <> 'sport_disciplines'"  # a seed
        )
        assert {"int_pois_cleaned", "int_pois_duplicates", "poi", "poi_snapshot"} <= {
            row["relname"] for row in written
        }
        assert [row["relname"] for row in written if row["last_analyze"] is None] == []
        assert_duplicates_planned_without_nested_loops(tmp_path)
    else:
        assert_every_node_under_the_profiles_cap(tmp_path)

    night1 = snapshot_events()
    assert count(f"from {poi}") == len(night1)
    assert count(f"from {poi} where is_active") == len(night1)
    assert count(f"from {activity}") == sum(len(e["races"]) for e in night1)
    assert count(f"from {registered} where version = 1") == len(night1)
    assert count(f"from {address_poi}") == count(f"from {address_poi} join {poi} using (poi_id)")

    vosges = one(f"select * from {poi} where slug = 'trail-des-cretes-vosgiennes'")
    assert vosges["registration_url"] == "https://www.njuko.example/tcv-2027"
    assert vosges["website_url"] == "https://www.trail-cretes-vosgiennes.example/"
    assert vosges["url"] == "https://www.finishers.com/course/trail-des-cretes-vosgiennes"
    assert "<" not in vosges["description"] and "&nbsp;" not in vosges["description"]
    assert "crêtes entre lacs" in vosges["description"]
    assert "Ravitaillements tous les 10 km." in vosges["description"]
    assert count(f"from {poi} where description like '%<%>%' or description like '%&%;%'") == 0

    km = activity_of("trail-des-cretes-vosgiennes", "Trail 23 km")
    assert km["distance_m"] == 23000
    assert km["elevation_gain_m"] is None  # 0 on a trail means unknown
    assert km["status"] == "tba" and km["is_date_confirmed"] is False
    kids = activity_of("trail-des-cretes-vosgiennes", "Course enfants 1,5 km")
    assert kids["is_kids_race"] is True and kids["distance_m"] == 1500
    assert activity_of("trail-des-cretes-vosgiennes", "Trail 62 km")["is_kids_race"] is False
    typo = activity_of("10km-de-paris-tour-eiffel", "Course sur route 10 km")
    assert typo["distance_m"] == 10000 and typo["is_kids_race"] is False  # 10 "meters"
    timed = activity_of("triathlon-du-lac-leman-geneve", "Course 6 h")
    assert timed["distance_m"] is None and timed["duration_min"] == 360
    triathlon = activity_of("triathlon-du-lac-leman-geneve", "Triathlon M")
    assert triathlon["distance_m"] == 51500 and triathlon["sport"] == "triathlon"
    assert triathlon["is_date_confirmed"] is True
    assert count(f"from {activity} where elevation_gain_m > 150 * distance_m / 1000") == 0
    assert count(f"from {activity} where is_sport_unmapped and sport <> 'other'") == 0

    abroad = {
        r["country_code"]
        for r in records(f"select distinct country_code from {address} where insee_code is null")
    }
    assert {"CH", "BE", "ES"} <= abroad
    leman = one(
        f"select a.* from {address} as a join {address_poi} as ap on a.address_id = ap.address_id"
        f" join {poi} as p on ap.poi_id = p.poi_id"
        " where p.slug = 'triathlon-du-lac-leman-geneve'"
    )
    assert leman["country_code"] == "CH" and leman["insee_code"] is None
    assert count(f"from {address} where insee_code is not null and postal_code is null") == 0

    # issue 11: faithful places, text, numbers and duplicates on the real pipeline
    def address_of(slug: str) -> dict:
        return one(
            f"select a.* from {address} as a join {address_poi} as ap using (address_id)"
            f" join {poi} as p on ap.poi_id = p.poi_id where p.slug = '{slug}'"
        )

    rochelle = address_of("marathon-de-la-rochelle")
    assert (rochelle["city"], rochelle["insee_code"]) == ("La Rochelle", "17300")
    assert rochelle["label"] == "17000 La Rochelle" and rochelle["commune_precision"] == "polygon"
    mont = address_of("course-du-mont-saint-michel")  # 1.1 km outside every polygon
    assert (mont["insee_code"], mont["city"], mont["postal_code"]) == (
        "50353",
        "Le Mont-Saint-Michel",
        "50170",
    )
    assert mont["commune_precision"] == "nearest" and 1000 < mont["commune_distance_m"] < 1300
    ajaccio = one(f"select * from {poi} where slug = 'marathon-d-ajaccio'")
    assert ajaccio["description"].endswith("Sanguinaires.\nMarathon\nSemi")
    assert ajaccio["description_html"].endswith("<ul><li>Marathon</li><li>Semi</li></ul>")
    u4m = one(f"select * from {poi} where slug = 'ultra-tour-des-4-massifs'")
    assert u4m["description"].startswith("4 massifs\nVercors")
    assert "trackEvent" not in u4m["description"] + u4m["description_html"]
    assert activity_of("run-in-lyon", "Marathon")["distance_m"] == 42165  # 26.2 miles
    assert count(f"from {activity} where distance_m <> floor(distance_m)") == 0
    paris = one(f"select * from {poi} where slug = '10-km-de-paris-tour-eiffel'")
    assert "/%C3%AEle-de-france/" in paris["image_url"]
    assert all(
        r["image_url"].isascii()
        for r in records(f"select image_url from {poi} where image_url is not null")
    )
    flagged = records(
        f"select p.slug, k.slug as kept from {poi} as p"
        f" join {poi} as k on p.duplicate_of_poi_id = k.poi_id"
    )
    pairs = [
        {"10-km-de-paris-tour-eiffel", "10km-de-paris-tour-eiffel"},
        {"trail-de-saint-malo", "trail-de-st-malo"},
    ]
    # the two listed pairs are flagged (one of each points to its twin), nothing else
    assert sorted(({r["slug"], r["kept"]} for r in flagged), key=sorted) == pairs

    night1_marts = mart_contents()

    # ---- night 2: renamed event, re-measured race, removed race, vanished event, new event
    ingest(SITE_NIGHT2_DIR, refresh="all")
    assert_no_deprecation(run_dbt(BUILD_WITHOUT_UNIT_TESTS, tmp_path))
    changes = NIGHT2_CHANGES
    night2 = night2_events()
    if warehouse_env["DBT_TARGET"] == "prod":
        assert_night_column_analyzed()
        assert_duplicates_planned_without_nested_loops(tmp_path)  # the incremental select

    assert count(f"from {poi}") == len(night1) + 1  # nothing duplicated, one new event
    assert count(f"from {activity}") == sum(len(e["races"]) for e in night1) + len(
        changes["new"]["race_ids"]
    )
    assert count(f"from {poi} where is_active") == len(night2)

    renamed = one(f"select * from {poi} where original_id = '{changes['renamed']['event_id']}'")
    assert renamed["name"] == changes["renamed"]["new_name"]
    remeasured = one(
        f"select * from {activity} where original_id = '{changes['race_remeasured']['race_id']}'"
    )
    assert remeasured["distance_m"] == changes["race_remeasured"]["new_distance"]
    removed = one(
        f"select * from {activity} where original_id = '{changes['race_removed']['race_id']}'"
    )
    assert removed["is_active"] is False
    vanished = one(f"select * from {poi} where original_id = '{changes['vanished']['event_id']}'")
    assert vanished["is_active"] is False
    assert count(f"from {activity} where poi_id = '{vanished['poi_id']}' and is_active") == 0
    new = one(f"select * from {poi} where original_id = '{changes['new']['event_id']}'")
    assert new["is_active"] is True

    changed_ids = {changes[k]["event_id"] for k in ("renamed", "race_remeasured", "race_removed")}
    # Exactly the expected updates: every other POI row is untouched.
    night2_marts = mart_contents()
    touched = {row[2] for row in set(night2_marts["poi"]) ^ set(night1_marts["poi"])}
    assert touched == changed_ids | {changes["vanished"]["event_id"], changes["new"]["event_id"]}
    relanded_pois = {
        r["poi_id"]
        for r in records(f"select poi_id from {poi} where original_id in ({quoted(touched)})")
    }
    touched_activities = set(night2_marts["activity"]) ^ set(night1_marts["activity"])
    assert {row[1] for row in touched_activities} <= relanded_pois

    versions = {
        r["original_id"]: r["version"]
        for r in records(f"select original_id, version from {registered}")
    }
    assert {k for k, v in versions.items() if v == 2} == changed_ids
    assert set(versions.values()) == {1, 2}

    poi_history = relation("snapshots", "poi_snapshot")
    assert count(f"from {poi_history}") == len(night1) + 1 + len(changed_ids) + 1
    renamed_history = records(
        f"select name, dbt_valid_to from {poi_history}"
        f" where original_id = '{changes['renamed']['event_id']}' order by dbt_valid_from"
    )
    assert [r["name"] for r in renamed_history] == [
        changes["renamed"]["old_name"],
        changes["renamed"]["new_name"],
    ]
    assert renamed_history[0]["dbt_valid_to"] is not None
    assert renamed_history[1]["dbt_valid_to"] is None
    race_history = relation("snapshots", "activity_snapshot")
    assert (
        count(f"from {race_history} where original_id = '{changes['race_removed']['race_id']}'")
        == 2
    )

    # ---- a second build without new loads changes nothing; --full-refresh rebuilds the same
    before = mart_contents()
    run_dbt(BUILD_WITHOUT_UNIT_TESTS, tmp_path)
    assert mart_contents() == before
    assert_no_deprecation(run_dbt([*BUILD_WITHOUT_UNIT_TESTS, "--full-refresh"], tmp_path))
    assert mart_contents() == before

    # this warehouse has no Data ES (tests/data_es covers that source and its freshness)
    sources = ["--select", "source:raw_finishers", "source:raw_geocoding"]
    freshness = run_dbt(["source", "freshness", *sources], tmp_path)
    assert "PASS freshness of raw_finishers.events" in freshness
    assert "PASS freshness of raw_finishers.ingest_runs" in freshness
    assert_no_deprecation(freshness)
    assert_no_deprecation(run_dbt(["docs", "generate"], tmp_path))
    assert_every_column_documented(tmp_path / "target")
    assert_log_clean(tmp_path)


def assert_night_column_analyzed() -> None:
    """After an incremental build, Postgres' statistics of every table dbt keeps count the
    distinct values of its `updated_at` (else `loaded_at`) the night added: the night's
    column was analyzed, so a night's rows are not estimated at one row (the other
    columns keep their last full analysis). The sample is the whole table at this size,
    so the count is exact."""
    tables = records(
        # `max`: updated_at sorts after loaded_at, the column the nightly reads by
        "select c.table_schema, c.table_name, max(c.column_name) as night_column"
        " from information_schema.columns as c join information_schema.tables as t"
        " using (table_schema, table_name)"
        " where c.table_schema in ('staging', 'intermediate', 'bouge', 'snapshots')"
        " and c.column_name in ('updated_at', 'loaded_at') and t.table_type = 'BASE TABLE'"
        " group by 1, 2"
    )
    assert {"int_pois_cleaned", "poi", "poi_snapshot"} <= {t["table_name"] for t in tables}
    for table in tables:
        schema, name, column = table.values()
        distinct, rows, counted = records(
            f"select count(distinct {column}) as distinct, count(*) as rows,"
            " (select n_distinct from pg_stats"
            f"  where schemaname = '{schema}' and tablename = '{name}'"
            f"  and attname = '{column}') as counted"
            f" from {schema}.{name}"
        )[0].values()
        # a negative n_distinct is a share of the rows
        counted = counted if counted is None or counted >= 0 else -counted * rows
        assert rows == 0 or round(counted) == distinct, (schema, name, column, distinct, counted)
    # The night sampled those columns at `night_statistics_target` (10 buckets: 11 bounds)
    # and left the others as the full refresh analyzed them (100 buckets: here one bound
    # per distinct value).
    bounds = {
        row["attname"]: (row["bounds"], row["distinct"])
        for row in records(
            "select s.attname, array_length(s.histogram_bounds, 1) as bounds,"
            " (select count(distinct poi_id) from bouge.poi) as distinct"
            " from pg_stats as s where s.schemaname = 'bouge' and s.tablename = 'poi'"
            " and s.attname in ('poi_id', 'slug')"
        )
    }
    assert bounds["poi_id"][1] > 11, bounds  # enough POIs to tell the two targets apart
    assert bounds["poi_id"][0] == 11 and bounds["slug"][0] > 11, bounds


def assert_duplicates_planned_without_nested_loops(workdir: Path) -> None:
    """Postgres plans `int_pois_duplicates` with hash joins, as dbt ran it: the settings
    its hooks set (read from dbt's log), then the compiled select explained. Its candidate
    pairs are estimated at one row whatever their number; nested over them, the overlaps
    were computed again for each pair (7 minutes at 10,000 events, bench/BASELINE.md). The
    one nested loop left is each name's series of trigram positions (a lateral function)."""
    log = (workdir / "logs" / "dbt.log").read_text()
    settings = set(
        re.findall(r"On model\.bouge\.int_pois_duplicates: /\*.*?\*/\s*(set local [^\n]+)", log)
    )
    assert "set local enable_nestloop = off" in settings, settings
    select = next((workdir / "target" / "compiled").rglob("int_pois_duplicates.sql")).read_text()
    conn = current_warehouse().connect()
    try:
        cur = conn.cursor()
        for setting in sorted(settings):
            cur.execute(setting)  # inside the transaction psycopg2 opened, as dbt's hooks
        cur.execute(f"explain (format json) {select}")
        plan = cur.fetchone()[0][0]["Plan"]
    finally:
        conn.rollback()
        conn.close()

    def nested(node: dict) -> list[list[str]]:
        found = (
            []
            if node["Node Type"] != "Nested Loop"
            else [[child["Node Type"] for child in node["Plans"]]]
        )
        return found + [loop for child in node.get("Plans", []) for loop in nested(child)]

    loops = nested(plan)
    assert all(inner == "Function Scan" for _, inner in loops), loops


def assert_every_node_under_the_profiles_cap(workdir: Path) -> None:
    """On DuckDB no node changes the memory cap: the cap is the whole database's, so a
    node that lowered it for itself lowered it for the node beside it on the other
    thread, and the lowering failed when that node held more ("could not free up enough
    memory for the new limit": a full refresh at 100,000 events lost `activity_snapshot`
    that way, bench/BASELINE.md). The snapshots were built, under the profile's cap."""
    log = (workdir / "logs" / "dbt.log").read_text()
    for snapshot in ("poi_snapshot", "activity_snapshot"):
        built = rf"On snapshot\.bouge\.{snapshot}: /\*.*?\*/\s*(?:create|insert)"
        assert re.findall(built, log), snapshot
    assert not re.findall(r"(?i)\bset memory_limit\b", log)


def assert_every_column_documented(target: Path) -> None:
    """Every column of every model and seed in the warehouse is described in YAML."""
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    missing = []
    for unique_id, entry in catalog["nodes"].items():
        node = manifest["nodes"][unique_id]
        if node["resource_type"] not in ("model", "seed"):
            continue
        documented = {
            name.lower() for name, col in node["columns"].items() if col.get("description")
        }
        missing += [f"{node['name']}.{c}" for c in entry["columns"] if c.lower() not in documented]
        if not node.get("description"):
            missing.append(node["name"])
    for source in manifest["sources"].values():
        missing += [
            f"{source['source_name']}.{source['name']}.{name}"
            for name, col in source["columns"].items()
            if not col.get("description")
        ]
    assert not missing, missing
