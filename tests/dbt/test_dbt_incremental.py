"""The incremental filter on contract-conformant raw tables landed by ``raw_seed``.

Loads are days apart here (the real crawl lands both nights within seconds), so the
filter is really exercised: a raw row whose load is older than the mart's newest row
minus the overlap is not read again, even if it were altered in place.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .helpers import execute, mart_contents, records, relation, run_dbt
from .raw_seed import (
    E_GONE,
    E_LEMAN,
    E_PARIS,
    E_QUIET,
    E_VOSGES,
    R_LEMAN_6H,
    RESUMED_NAME,
    TWIN_IDS,
    seed_night,
)

pytestmark = pytest.mark.slow

# Data and unit tests run in the end-to-end test; here only the models and snapshots.
BUILD = ["build", "--exclude-resource-type", "test", "unit_test"]


def test_incremental_reads_only_new_loads(duckdb_env: dict[str, str], tmp_path: Path) -> None:
    """DuckDB only: the SQL is the same on Postgres, which the end-to-end test covers."""
    now = datetime.now(UTC)
    seed_night(1, now - timedelta(days=2))
    run_dbt(BUILD, tmp_path)
    seed_night(2, now - timedelta(days=1))
    run_dbt(BUILD, tmp_path)

    # An in-place edit of a night-1 row (its load id unchanged) is outside the window of
    # the next run: cutoff = newest row (night 2) - 6 h > night 1.
    execute(f"update raw_finishers.events set subtitle = 'edited' where id = '{E_QUIET}'")
    seed_night(2, now)  # night 3 re-lands the night-2 events, same content
    run_dbt(BUILD, tmp_path)

    poi = relation("bouge", "poi")
    rows = {r["original_id"]: r for r in records(f"select * from {poi}")}
    assert len(rows) == 6
    assert rows[E_QUIET]["subtitle"] is None  # its night-1 load was not read again
    assert rows[E_VOSGES]["name"].endswith("édition 2027")
    assert rows[E_GONE]["is_active"] is False
    assert rows[E_LEMAN]["content_hash"] == "h-leman-2"
    six_hours = records(
        f"select original_id, is_active from {relation('bouge', 'activity')}"
        f" where original_id = '{R_LEMAN_6H}'"
    )
    assert six_hours == [{"original_id": R_LEMAN_6H, "is_active": False}]
    versions = records(f"select max(version) as v from {relation('bouge', 'registered_poi')}")
    assert versions == [{"v": 2}]  # night 3 brought no new content

    # A dlt package extracted before a crash (load id 36 h old, before night 2's build)
    # and committed on resume, after night 3's build: its load id is far before the
    # cutoff (newest row - 6 h), its commit (_dlt_loads.inserted_at) after it. The raw
    # reads narrowed on load ids (`since_load_id`) start at that load's id, not at the
    # cutoff's time: narrowed from the cutoff, E_PARIS stays at night 2's content.
    seed_night("resumed", now - timedelta(hours=36), committed_at=now + timedelta(hours=1))
    run_dbt(BUILD, tmp_path)
    resumed = records(f"select name, content_hash from {poi} where original_id = '{E_PARIS}'")
    assert resumed == [{"name": RESUMED_NAME, "content_hash": "h-paris-3"}]

    before = mart_contents()
    run_dbt([*BUILD, "--full-refresh"], tmp_path)
    after = mart_contents()
    # A full refresh re-reads everything, the in-place edit included: only that row differs.
    changed = {mart: set(after[mart]) ^ set(before[mart]) for mart in before}
    assert {mart for mart, rows in changed.items() if rows} == {"poi"}
    assert {row[1:3] for row in changed["poi"]} == {("finishers", E_QUIET)}

    # E_PARIS loses its location (event and location re-landed without a point): its
    # address_poi link goes, as a full refresh (which never sees it) would have it.
    paris_links = (
        f"select ap.poi_id from {relation('bouge', 'address_poi')} as ap"
        f" join {poi} as p on ap.poi_id = p.poi_id where p.original_id = '{E_PARIS}'"
    )
    assert len(records(paris_links)) == 1
    seed_night("unlocated", now + timedelta(hours=2))
    run_dbt(BUILD, tmp_path)
    assert records(paris_links) == []
    incremental_links = mart_contents()["address_poi"]
    run_dbt([*BUILD, "--full-refresh"], tmp_path)
    assert mart_contents()["address_poi"] == incremental_links


def test_a_night_moves_the_duplicate_flag_of_a_poi_it_did_not_reland(
    warehouse_env: dict[str, str], tmp_path: Path
) -> None:
    """Two listings of one event: one is flagged a duplicate of the other. When the kept
    one is re-landed under another name, the duplicate (not re-landed) loses its flag on
    that night, as a full refresh has it. On DuckDB `poi` reads it by its key written as
    a literal list (`in_keys`), on Postgres through the subquery."""
    now = datetime.now(UTC)
    # the twins a day before night 1: outside the next night's overlap (newest row - 6 h)
    seed_night("twins", now - timedelta(days=3))
    seed_night(1, now - timedelta(days=2))
    run_dbt(BUILD, tmp_path)
    poi = relation("bouge", "poi")
    twins = (
        f"select original_id, name, duplicate_of_poi_id from {poi} where original_id in {TWIN_IDS}"
    )
    flagged = [r for r in records(twins) if r["duplicate_of_poi_id"] is not None]
    assert len(flagged) == 1, records(twins)
    duplicate = flagged[0]["original_id"]
    kept = next(twin for twin in TWIN_IDS if twin != duplicate)

    seed_night(f"renamed:{kept}", now - timedelta(days=1))
    run_dbt(BUILD, tmp_path)
    after = {r["original_id"]: r for r in records(twins)}
    assert after[kept]["name"] == "Nocturne du Port"
    assert after[duplicate]["duplicate_of_poi_id"] is None
    compiled = next((tmp_path / "target" / "compiled").rglob("poi.sql")).read_text()
    if warehouse_env["DBT_TARGET"] == "dev":
        assert "list_contains([" in compiled and "poi_id)" in compiled
    else:
        assert "list_contains" not in compiled

    incremental = mart_contents()["poi"]
    run_dbt([*BUILD, "--full-refresh"], tmp_path)
    assert mart_contents()["poi"] == incremental


def test_nightly_data_tests_read_the_nights_rows(
    duckdb_env: dict[str, str], tmp_path: Path
) -> None:
    """A night's data tests read the rows updated within `nightly_test_window_hours` of the
    newest (the window written as a literal when the test compiles), those of a staging
    view the raw rows landed within it of the newest dlt load, a singular test the night's
    rows of its models (`night_rows`); `full_tests` reads every row. Nights a day apart,
    a 12 h window."""
    now = datetime.now(UTC)
    seed_night(1, now - timedelta(days=2))
    run_dbt(BUILD, tmp_path)
    seed_night(2, now - timedelta(days=1))
    run_dbt(BUILD, tmp_path)
    poi, registered = relation("bouge", "poi"), relation("bouge", "registered_poi")
    window = ["--vars", "{nightly_test_window_hours: 12}"]
    breaks = {  # a data test, and how to break an event's row in what it reads
        "no_markup_poi": f"update {poi} set name = '<b>x</b>' where original_id = '{{}}'",
        # a staging view: its tests read the raw rows landed within the window of the
        # newest dlt load
        "not_null_stg_finishers__events_content_hash": (
            "update raw_finishers.events set content_hash = null where id = '{}'"
        ),
        # the mart built from the snapshot: its row's `updated_at` is its latest version's
        "unique_registered_poi_poi_id": (
            f"insert into {registered} select * from {registered} where original_id = '{{}}'"
        ),
    }
    for test, breaking in breaks.items():
        check = ["test", "--select", test]
        # a row broken outside the night (E_QUIET was last landed on night 1)
        execute(breaking.format(E_QUIET))
        assert f"PASS {test} " in run_dbt([*check, *window], tmp_path), test
        weekly = run_dbt([*check, "--vars", "{full_tests: true}"], tmp_path, check=False)
        assert "ERROR=1 " in weekly, weekly[-2000:]

        # a row of the night broken (E_LEMAN changed on night 2): the nightly test sees it
        execute(breaking.format(E_LEMAN))
        nightly = run_dbt([*check, *window], tmp_path, check=False)
        assert "ERROR=1 " in nightly, nightly[-2000:]

    # a row whose window column is null, which no night's window takes in, is read every
    # night: the `not_null` test of that column fails on a night (the race nulled was
    # last landed on night 1, a day before the newest)
    races = relation("staging", "stg_finishers__races")
    oldest = f"(select original_id from {races} order by loaded_at limit 1)"
    landed = records(f"select max(loaded_at) - min(loaded_at) as age from {races}")
    assert landed[0]["age"] > timedelta(hours=12)
    execute(f"update {races} set loaded_at = null where original_id = {oldest}")
    test = "not_null_stg_finishers__races_loaded_at"
    nightly = run_dbt(["test", "--select", test, *window], tmp_path, check=False)
    assert "ERROR=1 " in nightly, nightly[-2000:]

    # a singular test reads the night's rows of its models (`night_rows`): an activity
    # still listed under an unlisted POI, the pair last written before the night (E_LEMAN
    # moved back two days; every event with races changed on night 2), then in it
    singular = "assert_no_active_activity_of_an_inactive_poi"
    check = ["test", "--select", singular]
    leman = f"(select poi_id from {poi} where original_id = '{E_LEMAN}')"
    two_days = "updated_at - interval '2 days'"
    execute(f"update {poi} set is_active = false, updated_at = {two_days} where poi_id = {leman}")
    activity = relation("bouge", "activity")
    execute(f"update {activity} set updated_at = {two_days} where poi_id = {leman}")
    assert f"PASS {singular} " in run_dbt([*check, *window], tmp_path)
    weekly = run_dbt([*check, "--vars", "{full_tests: true}"], tmp_path, check=False)
    assert "ERROR=1 " in weekly, weekly[-2000:]
    execute(f"update {poi} set is_active = false where original_id = '{E_PARIS}'")
    nightly = run_dbt([*check, *window], tmp_path, check=False)
    assert "ERROR=1 " in nightly, nightly[-2000:]


def test_marts_refuse_a_null_their_contract_forbids(
    warehouse_env: dict[str, str], tmp_path: Path
) -> None:
    """A mart column declared `not_null` is a constraint of the table, not a nightly data
    test: the warehouse refuses the null row, and a build fails. A mart built before the
    constraint was declared (an incremental run never recreates it) gets it at the next
    build (`not_null_constraints_in_force`, on-run-start)."""
    now = datetime.now(UTC)
    seed_night(1, now - timedelta(days=1))
    run_dbt(BUILD, tmp_path)
    poi, activity = relation("bouge", "poi"), relation("bouge", "activity")
    nullable = (
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'bouge' and is_nullable = 'YES'"
        " and table_name in ('poi', 'activity') and column_name in ('source', 'sport')"
    )
    assert records(nullable) == []
    with pytest.raises(Exception, match=r"(?i)null"):
        execute(f"update {poi} set source = null where original_id = '{E_PARIS}'")

    # as the marts were before the constraints: the next build puts them in force
    execute(f"alter table {poi} alter column source drop not null")
    execute(f"alter table {activity} alter column sport drop not null")
    assert len(records(nullable)) == 2
    run_dbt(BUILD, tmp_path)
    assert records(nullable) == []

    # a null already there: the build stops before any model runs, and says where
    execute(f"alter table {poi} alter column source drop not null")
    execute(f"update {poi} set source = null where original_id = '{E_PARIS}'")
    failed = run_dbt(BUILD, tmp_path, check=False)
    assert "on-run-start" in failed and "source" in failed, failed[-3000:]


def test_a_null_or_shared_key_fails_its_primary_key_test(
    warehouse_env: dict[str, str], tmp_path: Path
) -> None:
    """`primary_key` is dbt's `unique` and `not_null` in one data test (one node a night
    instead of two): a key that is null, or that two rows share, fails it; on a column
    (`int_pois_cleaned.poi_id`) and on a combination of columns (the seed's source and
    discipline)."""
    seed_night(1, datetime.now(UTC) - timedelta(days=1))
    run_dbt(BUILD, tmp_path)
    cleaned = relation("intermediate", "int_pois_cleaned")
    disciplines = relation("staging", "sport_disciplines")
    breaks = {  # the node tested, its key's test, a null key, a shared key
        "int_pois_cleaned": (
            "primary_key_int_pois_cleaned_poi_id",
            f"update {cleaned} set poi_id = null where original_id = '{E_PARIS}'",
            f"insert into {cleaned} select * from {cleaned} where original_id = '{E_LEMAN}'",
        ),
        "sport_disciplines": (
            "primary_key_sport_disciplines_source__discipline",
            f"update {disciplines} set discipline = null where discipline = 'road'",
            f"insert into {disciplines} select * from {disciplines} where discipline = 'cross'",
        ),
    }
    every_row = ["--vars", "{full_tests: true}"]
    for node, (test, null_key, shared_key) in breaks.items():
        check = ["test", "--select", test, *every_row]
        assert f"PASS {test} " in run_dbt(check, tmp_path), test
        for breaking in (null_key, shared_key):
            execute(breaking)
            failed = run_dbt(check, tmp_path, check=False)
            assert f"FAIL 1 {test} " in failed, failed[-2000:]
            # the node's rows as they were
            run_dbt([*BUILD, "--select", node, "--full-refresh"], tmp_path)


def test_duckdb_writes_a_night_without_optimistic_writes_or_vacuum(
    duckdb_env: dict[str, str], tmp_path: Path
) -> None:
    """What a run sets on DuckDB before its first node (`night_write_settings`): a night
    writes its few rows through the WAL (optimistic writes off) and leaves merging row
    groups to the weekly `full_tests` run (vacuum off); a `--full-refresh` keeps DuckDB's
    defaults. The time it saves is the bench's (bench/BASELINE.md)."""
    seed_night(1, datetime.now(UTC) - timedelta(days=1))

    def settings(args: list[str]) -> str:
        run_dbt(["build", "--select", "sport_disciplines", *args], tmp_path)
        results = json.loads((tmp_path / "target" / "run_results.json").read_text())
        hooks = [r for r in results["results"] if r["unique_id"].startswith("operation.")]
        assert hooks and all(r["status"] == "success" for r in hooks), hooks
        return " ".join(" ".join(r["compiled_code"].split()) for r in hooks)

    night = settings([])
    assert "set enable_optimistic_write = false" in night
    assert "set max_vacuum_tasks = 0" in night
    weekly = settings(["--vars", "{full_tests: true}"])
    assert "set enable_optimistic_write = false" in weekly
    assert "max_vacuum_tasks" not in weekly
    full_refresh = settings(["--full-refresh"])
    assert "enable_optimistic_write" not in full_refresh and "max_vacuum" not in full_refresh
