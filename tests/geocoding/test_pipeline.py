"""End to end: landed events -> `python -m ingestion.geocoding` -> raw_geocoding tables."""

from __future__ import annotations

import json
from contextlib import closing
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ingestion.geocoding import engine, helpers, run_geocoding
from ingestion.geocoding.__main__ import main
from ingestion.geocoding.config import GeocodingConfig
from ingestion.geocoding.engine import Enricher
from ingestion.geocoding.gazetteer import Gazetteer
from ingestion.warehouse import current_warehouse
from tests.geocoding.events import EVENTS, event, land_events
from tests.geocoding.replies import EIFFEL_REVERSE, NOMINATIM_BRUSSELS, VILLEURBANNE_SEARCH


def query(sql: str) -> list[dict[str, Any]]:
    with closing(current_warehouse().connect()) as conn, closing(conn.cursor()) as cur:
        cur.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def locations() -> dict[str, dict[str, Any]]:
    rows = query("select * from raw_geocoding.poi_locations")
    return {r["original_id"]: r for r in rows}


def columns(table: str) -> set[str]:
    rows = query(
        "select column_name from information_schema.columns "
        f"where table_schema = 'raw_geocoding' and table_name = '{table}'"
    )
    return {r["column_name"] for r in rows}


def test_offline_end_to_end(
    warehouse_env: dict[str, str],
    gazetteer: Gazetteer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    land_events(EVENTS)
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "offline" in out and "POIs: 8 seen, 8 (re)landed" in out
    # The table's counts add up: every point seen is cached, found, not found or failed.
    header, _, row = out.splitlines()[:3]
    counts = dict(zip(header.split(), row.split(), strict=True))
    assert counts["provider"] == "offline"
    parts = sum(int(counts[k]) for k in ("cached", "found", "not_found", "failed"))
    assert parts == int(counts["seen"]) == 6

    rows = locations()
    assert set(rows) == {e["id"] for e in EVENTS}
    paris = rows["e-paris"]
    assert (paris["insee_code"], paris["arrondissement_code"]) == ("75056", "75107")
    assert (paris["postal_code"], paris["department_code"], paris["region_code"]) == (
        "75007",
        "75",
        "11",
    )
    assert (paris["status"], paris["geocoder"], paris["country_code"]) == ("ok", "offline", "FR")
    assert paris["department_mismatch"] is False
    assert rows["e-ajaccio"]["insee_code"] == "2A004"
    assert rows["e-ajaccio"]["department_code"] == "2A"
    assert rows["e-reunion"]["department_code"] == "974"
    assert rows["e-bourg"]["insee_code"] == "01053"  # text, leading zero kept
    assert rows["e-bourg"]["precision"] == "city"
    assert rows["e-mismatch"]["department_mismatch"] is True
    brussels = rows["e-brussels"]
    assert (brussels["status"], brussels["reason"], brussels["insee_code"]) == (
        "not_found",
        "outside_france",
        None,
    )
    assert brussels["country_code"] == "BE"
    noloc = rows["e-noloc"]  # no coordinates: found by name in its department
    assert (noloc["insee_code"], noloc["location_source"], noloc["status"]) == (
        "69266",
        "forward",
        "ok",
    )
    assert (rows["e-nothing"]["status"], rows["e-nothing"]["reason"]) == (
        "no_location",
        "no_coordinates",
    )
    # Explicit column types: columns that are all NULL offline exist on both warehouses.
    assert {"label", "street", "housenumber", "arrondissement_code"} <= columns("poi_locations")
    assert {"point_key", "provider", "kind", "payload", "score"} <= columns("geocoded_points")
    types = {
        r["column_name"]: r["data_type"].lower()
        for r in query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw_geocoding' and table_name = 'poi_locations'"
        )
    }
    assert types["insee_code"] in ("text", "varchar", "character varying")
    assert types["department_mismatch"] == "boolean"
    assert types["geocoded_at"] == "timestamp with time zone"
    assert types["latitude"] in ("double", "double precision")

    runs = query("select * from raw_geocoding.geocoding_runs")
    assert [(r["provider"], r["seen"], r["cached"], r["geocoded"]) for r in runs] == [
        ("offline", 6, 0, 6)
    ]
    first_loads = {r["original_id"]: r["_dlt_load_id"] for r in locations().values()}

    # Second run: everything from the cache, nothing re-landed.
    summary = run_geocoding()
    (stats,) = summary.result.stats.values()
    assert (stats.seen, stats.cached, stats.geocoded, stats.requests) == (6, 6, 0, 0)
    assert summary.result.pois_changed == 0
    assert {r["original_id"]: r["_dlt_load_id"] for r in locations().values()} == first_loads

    # The Paris event moves to Lyon: one look-up, one row re-landed.
    moved = [e for e in EVENTS if e["id"] != "e-paris"] + [event("e-paris", 45.764, 4.8357)]
    land_events(moved)
    summary = run_geocoding()
    (stats,) = summary.result.stats.values()
    assert (stats.geocoded, stats.requests, summary.result.pois_changed) == (1, 1, 1)
    after = locations()
    assert (after["e-paris"]["insee_code"], after["e-paris"]["arrondissement_code"]) == (
        "69123",
        "69382",
    )
    changed = {k for k, r in after.items() if r["_dlt_load_id"] != first_loads[k]}
    assert changed == {"e-paris"}
    assert len(query("select * from raw_geocoding.geocoding_runs")) == 3


@pytest.fixture
def online(duckdb_env: dict[str, str], gazetteer: Gazetteer, online_env: HTTPServer) -> HTTPServer:
    """A fresh DuckDB warehouse, the real gazetteer, both providers on a local server."""
    return online_env


def test_auto_calls_each_provider_once_then_never(online: HTTPServer) -> None:
    server = online
    server.expect_request("/geocodage/reverse").respond_with_json(EIFFEL_REVERSE)
    server.expect_request("/geocodage/search").respond_with_json(VILLEURBANNE_SEARCH)
    server.expect_request("/nominatim/reverse").respond_with_json(NOMINATIM_BRUSSELS)
    land_events(
        [
            event("e-paris", 48.8584, 2.2945, department="Paris"),
            event("e-town", 46.2052, 5.2255, precision="city", department="Ain"),
            event("e-brussels", 50.8467, 4.3525, country="BE"),
            event("e-unknown-town", None, None, department="Rhône", city="Villeurbane"),
        ]
    )
    summary = run_geocoding("auto")
    paths = sorted(request.path for request, _ in server.log)
    # Street level only for the exact start; the town centre stays offline; abroad -> OSM;
    # a misspelt town the gazetteer cannot match -> forward search online.
    assert paths == ["/geocodage/reverse", "/geocodage/search", "/nominatim/reverse"]
    rows = locations()
    paris = rows["e-paris"]
    assert (paris["geocoder"], paris["status"]) == ("offline+geoplateforme", "ok")
    assert (paris["insee_code"], paris["arrondissement_code"]) == ("75056", "75107")
    assert (paris["street"], paris["housenumber"]) == ("Avenue Anatole France", "5")
    assert paris["label"] == "5 Avenue Anatole France 75007 Paris"
    assert (rows["e-town"]["geocoder"], rows["e-town"]["label"]) == ("offline", None)
    brussels = rows["e-brussels"]
    assert (brussels["geocoder"], brussels["status"]) == ("offline+nominatim", "ok")
    assert (brussels["country_code"], brussels["postal_code"]) == ("BE", "1000")
    town = rows["e-unknown-town"]
    assert (town["insee_code"], town["geocoder"]) == ("69266", "offline+geoplateforme")
    assert town["location_source"] == "forward"
    by_provider = {r["provider"]: r for r in summary.run_rows}
    assert by_provider["geoplateforme"]["requests"] == 2
    assert by_provider["nominatim"]["requests"] == 1

    server.clear_log()
    summary = run_geocoding("auto")
    assert server.log == []  # second run: zero provider calls
    assert summary.result.pois_changed == 0

    land_events([event("e-paris", 48.8600, 2.2950, department="Paris")])  # moved a little
    summary = run_geocoding("auto")
    assert [request.path for request, _ in server.log] == ["/geocodage/reverse"]
    assert summary.result.pois_changed == 1


def test_online_failure_is_recorded_and_retried_next_run(
    online: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEOCODING_MAX_RETRIES", "0")
    server = online
    server.expect_oneshot_request("/geocodage/reverse").respond_with_data("", status=502)
    land_events([event("e-paris", 48.8584, 2.2945, department="Paris")])
    run_geocoding("auto")
    row = locations()["e-paris"]
    assert (row["status"], row["reason"], row["insee_code"]) == ("partial", "http_5xx", "75056")
    cached = query(
        "select status, reason from raw_geocoding.geocoded_points where provider = 'geoplateforme'"
    )
    assert cached == [{"status": "failed", "reason": "http_5xx"}]

    server.expect_request("/geocodage/reverse").respond_with_json(EIFFEL_REVERSE)
    run_geocoding("auto")
    row = locations()["e-paris"]
    assert (row["status"], row["reason"], row["housenumber"]) == ("ok", None, "5")


def test_geoplateforme_alone_skips_points_abroad(online: HTTPServer) -> None:
    online.expect_request("/geocodage/reverse").respond_with_json(EIFFEL_REVERSE)
    land_events(
        [event("e-paris", 48.8584, 2.2945), event("e-brussels", 50.8467, 4.3525, country="BE")]
    )
    run_geocoding("geoplateforme")
    rows = locations()
    assert (rows["e-paris"]["geocoder"], rows["e-paris"]["insee_code"]) == (
        "geoplateforme",
        "75056",
    )
    assert (rows["e-brussels"]["status"], rows["e-brussels"]["reason"]) == (
        "not_found",
        "outside_france",
    )
    assert len(online.log) == 1
    # codes from the citycode; official department/region names from the gazetteer
    paris = rows["e-paris"]
    assert (paris["arrondissement_code"], paris["region_code"]) == ("75107", "11")
    assert paris["region_name"] == "Île-de-France"


def test_none_lands_rows_without_geocoding(duckdb_env: dict[str, str]) -> None:
    land_events([event("e-paris", 48.8584, 2.2945)])
    run_geocoding("none")
    row = locations()["e-paris"]
    assert (row["status"], row["reason"], row["insee_code"]) == ("skipped", "geocoder_none", None)


def test_missing_gazetteer_tells_to_run_make_gazetteer(
    duckdb_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
) -> None:
    monkeypatch.setenv("GEOCODING_GAZETTEER", str(tmp_path / "nowhere.wkb.gz"))
    assert main([]) == 2
    assert "make gazetteer" in capsys.readouterr().err


def test_a_run_without_events_still_creates_the_tables(
    warehouse_env: dict[str, str], gazetteer: Gazetteer
) -> None:
    """dbt's sources must exist even before the crawler landed anything."""
    summary = run_geocoding()
    assert summary.result.pois_seen == 0
    for table in ("poi_locations", "geocoded_points", "geocoding_runs"):
        assert "geocoded_at" in columns(table) or "run_id" in columns(table), table
    assert query("select count(*) as n from raw_geocoding.poi_locations") == [{"n": 0}]


def test_a_run_chunk_by_chunk_lands_the_rows_of_one_pass_and_asks_each_place_once(
    warehouse_env: dict[str, str],
    gazetteer: Gazetteer,
    online_env: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The catalogue is read two events a page and geocoded two a chunk, each chunk landed
    before the next reads the cache: the rows and counts are those of one pass over all
    POIs, and a place shared by POIs of several chunks is asked once, a failed one too."""
    monkeypatch.setattr(helpers, "PAGE_ROWS", 2)
    monkeypatch.setattr(engine, "CHUNK_POIS", 2)
    monkeypatch.setenv("GEOCODING_MAX_RETRIES", "0")

    def reverse(request: Request) -> Response:
        if request.args["lat"].startswith("41.9"):  # Ajaccio: the service fails there
            return Response("", status=502)
        return Response(json.dumps(EIFFEL_REVERSE), content_type="application/json")

    online_env.expect_request("/geocodage/reverse").respond_with_handler(reverse)
    paris, ajaccio = (48.8584, 2.2945), (41.9192, 8.7386)
    # by id, chunks of two: [a1, a2] [b1, b2] [c1, c2]; Paris and Ajaccio in all three
    land_events(
        [
            event("a1", *paris, department="Paris"),
            event("a2", *ajaccio, department="Corse-du-Sud"),
            event("b1", *ajaccio, department="Corse-du-Sud"),
            event("b2", *paris, department="Paris"),
            event("c1", *paris, department="Paris"),
            event("c2", *ajaccio, department="Corse-du-Sud"),
        ]
    )

    def asked() -> list[tuple[str, str]]:
        return sorted((r.path, r.args["lat"]) for r, _ in online_env.log)

    summary = run_geocoding("auto")
    assert asked() == [("/geocodage/reverse", "41.9192"), ("/geocodage/reverse", "48.8584")]
    landed = {r["original_id"]: r["row_hash"] for r in locations().values()}
    cached = query("select point_key, status from raw_geocoding.geocoded_points")

    online_env.clear_log()
    pois = list(helpers.read_events(current_warehouse()))
    one_pass = Enricher(GeocodingConfig.from_env().with_provider("auto")).run(pois)
    assert len(asked()) == 2  # the same two questions, in one chunk
    assert landed == {r["original_id"]: r["row_hash"] for r in one_pass.poi_rows}
    assert sorted((r["point_key"], r["status"]) for r in cached) == sorted(
        (p["point_key"], p["status"]) for p in one_pass.point_rows
    )
    assert (summary.result.pois_seen, summary.result.statuses) == (6, one_pass.statuses)
    assert summary.result.stats == one_pass.stats  # seen 2 per provider, failed 1, requests
    assert summary.result.stats["geoplateforme"].failed == 1
    assert {r["reason"] for r in locations().values() if r["original_id"] in ("a2", "b1")} == {
        "http_5xx"
    }

    online_env.clear_log()
    again = run_geocoding("auto")
    # the next run asks again only what failed, once; nothing else moved
    assert asked() == [("/geocodage/reverse", "41.9192")]
    assert again.result.pois_changed == 0
