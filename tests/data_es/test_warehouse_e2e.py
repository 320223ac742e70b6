"""Data ES through the whole warehouse (real loads, real geocoding, real dbt), both nights."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.data_es.parsing import display_name
from ingestion.data_es.snapshot import load_snapshot
from ingestion.data_es.snapshot.server import ExploreHandle
from ingestion.data_es.sync import run_sync
from ingestion.finishers import run_crawl
from ingestion.finishers.snapshot.server import serve_site
from ingestion.geocoding import run_geocoding
from ingestion.run_summary import render
from ingestion.warehouse import current_warehouse
from tests.dbt.helpers import BUILD_WITHOUT_UNIT_TESTS, mart_contents, query, relation, run_dbt

pytestmark = pytest.mark.slow


def _poi(inst: str) -> tuple:
    rows = query(
        f"select is_active, is_out_of_service, name, equipment_count "
        f"from {relation('bouge', 'poi')} where source = 'data_es' and original_id = '{inst}'"
    )
    assert len(rows) == 1, inst  # updated in place: one row per POI
    return rows[0]


def _sports(inst: str, active: bool = True) -> set[str]:
    rows = query(
        f"select a.sport from {relation('bouge', 'activity')} as a "
        f"inner join {relation('bouge', 'poi')} as p on a.poi_id = p.poi_id "
        f"where p.original_id = '{inst}' and a.is_active = {str(active).lower()}"
    )
    return {s for (s,) in rows}


def _crawl_races() -> None:
    """The first source too: both land in the same warehouse (and dbt needs its tables)."""
    with serve_site() as site:
        run_crawl(base_url=site.base_url, crawl_delay=0)


def _summary() -> str:
    with current_warehouse().reader() as reader:
        return render(reader, "test")


def test_two_nights_update_in_place_unlist_and_keep_history(
    api: ExploreHandle, warehouse_env: dict[str, str], tmp_path: Path
) -> None:
    night1, night2 = load_snapshot(), load_snapshot(night2=True)
    _crawl_races()
    run_sync()
    run_geocoding("offline")
    if warehouse_env["DBT_TARGET"] == "prod":
        # each step leaves planner statistics on what it landed (autovacuum is off here)
        raw = ("raw_finishers", "raw_data_es", "raw_geocoding")
        blind = query(
            "select schemaname, relname from pg_stat_user_tables "
            f"where schemaname in {raw} and last_analyze is null"
        )
        analyzed = query(f"select count(*) from pg_stat_user_tables where schemaname in {raw}")
        assert blind == [] and analyzed[0][0] >= 9, (blind, analyzed)
    output = run_dbt(BUILD_WITHOUT_UNIT_TESTS, tmp_path)
    assert "WARN=0" in output  # the agreement test passes: above 99 %
    pois = query(
        f"select source, count(*), sum(case when is_active then 1 else 0 end) "
        f"from {relation('bouge', 'poi')} group by source"
    )
    # one POI per installation (one out of service), next to the races
    assert sorted(pois) == [("data_es", 125, 124), ("finishers", 45, 45)]
    swim = query(
        f"select count(distinct p.poi_id) from {relation('bouge', 'activity')} as a "
        f"inner join {relation('bouge', 'poi')} as p on a.poi_id = p.poi_id "
        f"inner join {relation('bouge', 'address_poi')} as ap on ap.poi_id = p.poi_id "
        "where a.sport = 'swimming' and a.is_active and p.is_active and p.source = 'data_es'"
    )
    assert swim[0][0] >= 10  # "where can I swim" (near me: join address): one query
    unmapped = query(
        f"select distinct a.discipline from {relation('bouge', 'activity')} as a "
        f"inner join {relation('bouge', 'poi')} as p on a.poi_id = p.poi_id "
        "where a.is_sport_unmapped and p.source = 'data_es'"
    )
    assert unmapped == [("roller",)]  # flagged, sport `other`
    assert "1 of 125 located installations disagree (0.8%)" in _summary()
    complex_inst = max({r["inst_numero"] for r in night1 if r["inst_numero"]},
                       key=lambda i: sum(r["inst_numero"] == i for r in night1))  # fmt: skip
    assert _poi(complex_inst)[2:] == ("Complexe Sportif de Luminy", 17)
    freshness = run_dbt(["source", "freshness", "--select", "source:raw_data_es"], tmp_path)
    assert "PASS freshness of raw_data_es.ingest_runs" in freshness
    assert "PASS freshness of raw_data_es.equipments" in freshness

    api.set_records(night2)
    second = run_sync("full")
    assert (second.new, second.changed, second.unlisted) == (3, 5, 3)
    run_geocoding("offline")
    run_dbt(BUILD_WITHOUT_UNIT_TESTS, tmp_path)

    ids1 = {r["equip_numero"]: r for r in night1 if r["equip_numero"]}
    ids2 = {r["equip_numero"] for r in night2 if r["equip_numero"]}
    gone = {n for n in ids1 if n not in ids2 and ids1[n]["inst_numero"]}
    emptied = {
        ids1[n]["inst_numero"]
        for n in gone
        if all(m in gone for m, r in ids1.items() if r["inst_numero"] == ids1[n]["inst_numero"])
    }
    assert len(emptied) == 3  # the night-2 snapshot removes three one-equipment installations
    for lonely in emptied:
        assert _poi(lonely)[0] is False  # unlisted, never deleted
        assert _sports(lonely, active=True) == set() and _sports(lonely, active=False)
    out_of_service = night1[66]["inst_numero"]
    assert _poi(out_of_service)[:2] == (False, True)
    assert _sports(out_of_service, active=True) == set()
    new_inst = "I750560099"
    assert _poi(new_inst)[0] is True and _poi(new_inst)[2] == display_name(
        "ESCALADE BLOCK'OUT PARIS"
    )
    assert {"climbing", "fitness"} <= _sports(new_inst)
    assert "racket_sports" in _sports(night1[22]["inst_numero"])  # its new padel court
    raw = query("select count(*), count(distinct equip_numero) from raw_data_es.equipments")
    assert raw[0][0] == raw[0][1] == 200  # 197 + 3 new, updated in place
    # history: the changed installation has two versions in the snapshot and the register
    changed = night1[8]["inst_numero"]
    versions = query(
        f"select count(*) from {relation('snapshots', 'poi_snapshot')} as s "
        f"where s.source = 'data_es' and s.original_id = '{changed}'"
    )
    assert versions == [(2,)]
    registered = query(
        f"select r.version from {relation('bouge', 'registered_poi')} as r "
        f"inner join {relation('bouge', 'poi')} as p on r.poi_id = p.poi_id "
        f"where p.original_id = '{changed}'"
    )
    assert registered == [(2,)]
    assert "(full): ok" in _summary()
    # an installation that moved leaves no orphan address: the incremental marts are what a
    # full rebuild gives
    after_night2 = mart_contents()
    run_dbt([*BUILD_WITHOUT_UNIT_TESTS, "--full-refresh"], tmp_path)
    assert mart_contents() == after_night2


def test_agreement_test_warns_past_one_percent(
    api: ExploreHandle, duckdb_env: dict[str, str], tmp_path: Path
) -> None:
    records = load_snapshot()
    located = [r for r in records if isinstance(r.get("equip_y"), float) and r["inst_numero"]]
    shifted = {r["inst_numero"] for r in located[::20]}
    for r in records:
        if r["inst_numero"] in shifted:
            r["new_code"] = "33063" if r["new_code"] != "33063" else "75056"
    api.set_records(records)
    _crawl_races()
    run_sync()
    run_geocoding("offline")
    output = run_dbt(
        [*BUILD_WITHOUT_UNIT_TESTS, "--select", "+assert_data_es_geocoding_agreement"], tmp_path
    )
    assert "WARN 1 assert_data_es_geocoding_agreement" in output
    figure = _summary()
    assert f"{len(shifted) + 1} of 125 located installations disagree" in figure


def test_an_unlisted_equipment_updates_its_installation(
    api: ExploreHandle, duckdb_env: dict[str, str], tmp_path: Path
) -> None:
    """One equipment of a 17-equipment complex is gone: the POI counts 16 and its
    `updated_at` moves, so the nightly (whose snapshots and data tests read the rows
    updated since the last build) records the change."""
    night1 = load_snapshot()
    complex_inst = "I130550001"  # Complexe Sportif de Luminy, 17 equipments
    _crawl_races()
    api.set_records(night1)
    run_sync()
    run_geocoding("offline")
    run_dbt(BUILD_WITHOUT_UNIT_TESTS, tmp_path)
    assert _poi(complex_inst)[2:] == ("Complexe Sportif de Luminy", 17)
    (before,) = query(_UPDATED_AT.format(poi=relation("bouge", "poi"), inst=complex_inst))

    gone = max(r["equip_numero"] for r in night1 if r["inst_numero"] == complex_inst)
    api.set_records([r for r in night1 if r["equip_numero"] != gone])
    assert run_sync("full").unlisted == 1
    run_geocoding("offline")
    run_dbt(BUILD_WITHOUT_UNIT_TESTS, tmp_path)
    assert _poi(complex_inst)[3] == 16
    (after,) = query(_UPDATED_AT.format(poi=relation("bouge", "poi"), inst=complex_inst))
    assert after[0] > before[0]
    versions = query(
        f"select count(*) from {relation('snapshots', 'poi_snapshot')} "
        f"where source = 'data_es' and original_id = '{complex_inst}'"
    )
    assert versions == [(2,)]


_UPDATED_AT = "select updated_at from {poi} where source = 'data_es' and original_id = '{inst}'"
