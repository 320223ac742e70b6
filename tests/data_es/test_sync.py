"""Real runs against the local server, on DuckDB and Postgres: slices, the window, quota."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ingestion.data_es import settings
from ingestion.data_es.__main__ import main
from ingestion.data_es.helpers import DataEsError
from ingestion.data_es.parsing import RecordRejected, parse_record
from ingestion.data_es.snapshot import load_snapshot
from ingestion.data_es.snapshot.server import ExploreHandle, serve_explore
from ingestion.data_es.snapshot.synthetic import synthetic_department, synthetic_night
from ingestion.data_es.sync import run_sync
from tests.dbt.helpers import query

VALID = 197  # snapshot records with an id and an installation, readable


def _count(sql: str) -> int:
    return int(query(sql)[0][0])


def _readable(record: dict) -> bool:
    try:
        parse_record(record)
    except RecordRejected:
        return False
    return True


def _reads(api: ExploreHandle) -> list[dict[str, str]]:
    return [r.params for r in api.record_requests() if "group_by" not in r.params]


def test_first_run_is_a_full_read_of_every_department(
    api: ExploreHandle, warehouse_env: dict[str, str]
) -> None:
    summary = run_sync("full")  # paged (auto reads the export: test_export.py)
    assert (summary.mode, summary.status) == ("full", "ok")
    assert (summary.read, summary.new, summary.rejected) == (200, VALID, 3)
    assert summary.slices == 14 and summary.splits == 0  # one slice per department
    assert _count("select count(*) from raw_data_es.equipments") == VALID
    assert _count("select count(distinct dep_code) from raw_data_es.equipments") == 14
    reasons = {r for (r,) in query("select distinct reason from raw_data_es.rejects")}
    assert {"missing_id", "missing_installation", "unreadable_record"} <= reasons
    assert "validation: equip_coordonnees" in reasons
    assert _count("select count(*) from raw_data_es.equipment_activities") > VALID
    runs = query("select mode, status, requests, new from raw_data_es.ingest_runs")
    assert runs == [("full", "ok", summary.requests, VALID)]
    # pages are ordered by the unique id and within the protocol's limits
    assert all(p["order_by"] == "equip_numero" for p in _reads(api) if p["limit"] != "1")
    assert all(int(p["limit"]) <= 100 for p in _reads(api))
    # the cursor skips the pre-migration stamps (2019, 2025-03-21 in the snapshot)
    assert str(summary.cursor_to) == "2026-11-28"
    again = run_sync()
    assert (again.mode, again.new, again.changed) == ("delta", 0, 0)
    assert 0 < again.unchanged == again.read - again.rejected < 10  # the cursor's own day
    assert again.requests == 2  # one count, one page of the day's records


def test_a_department_above_the_window_is_split_and_lands_whole(
    warehouse_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    big = list(synthetic_department("13", 12_000, communes=40))
    with serve_explore(load_snapshot() + big) as api:
        monkeypatch.setenv("SOURCES__DATA_ES__BASE_URL", api.base_url)
        summary = run_sync("full")
        statuses = {r.status for r in api.requests}
        pages = _reads(api)
    assert summary.status == "ok" and summary.splits >= 1
    snapshot_13 = sum(1 for r in load_snapshot() if r["dep_code"] == "13" and _readable(r))
    assert _count("select count(*) from raw_data_es.equipments where dep_code = '13'") == (
        12_000 + snapshot_13
    )
    assert statuses == {200}  # no 400: never past the window
    assert all(int(p.get("offset", 0)) + int(p["limit"]) <= settings.WINDOW for p in pages)
    assert any('new_code="13001"' in (p.get("where") or "") for p in pages)


def test_a_slice_that_cannot_go_below_the_window_is_an_error_with_its_figures(
    duckdb_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    lump = list(synthetic_department("976", 10_050, communes=1, single_family=True))
    with serve_explore(lump) as api:
        monkeypatch.setenv("SOURCES__DATA_ES__BASE_URL", api.base_url)
        with pytest.raises(DataEsError, match=r"matches 10,050 records, above the 10,000"):
            run_sync("full")
        assert main(["--mode", "full", "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("data_es: cannot run: slice dep_code=976")
    assert _count("select count(*) from raw_data_es.equipments") == 0
    assert query("select status from raw_data_es.ingest_runs") == [("failed",), ("failed",)]


def test_quota_stops_cleanly_and_the_next_run_resumes_where_it_stopped(
    api: ExploreHandle, warehouse_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__DATA_ES__BATCH_RECORDS", "40")  # a few slices per load
    api.set_quota(9, datetime.now(UTC) + timedelta(hours=3))
    first = run_sync("full")
    assert first.status == "stopped" and "rerun to resume" in (first.detail or "")
    assert "X-RateLimit-Remaining 0" in (first.detail or "")
    assert 0 < first.slices_done < first.slices
    landed = _count("select count(*) from raw_data_es.equipments")
    assert 0 < landed < VALID
    done_reads = {p.get("where") for p in _reads(api) if p["limit"] != "1"}
    api.set_quota(None)
    api.requests.clear()
    second = run_sync()
    assert (second.mode, second.status) == ("full", "ok")
    assert second.slices_resumed == first.slices_done
    assert first.new + second.new == VALID
    assert _count("select count(*) from raw_data_es.equipments") == VALID
    assert _count("select count(distinct equip_numero) from raw_data_es.equipments") == VALID
    # a slice landed before the stop is not read again
    assert second.slices_done == first.slices - first.slices_done
    statuses = query("select status from raw_data_es.ingest_runs order by started_at")
    assert statuses == [("stopped",), ("ok",)]
    assert done_reads  # the first run did read pages


def test_a_429_stops_the_run_and_a_near_reset_is_waited_for(
    api: ExploreHandle, duckdb_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    api.set_quota(0, datetime.now(UTC) + timedelta(hours=5))
    stopped = run_sync("full")
    assert stopped.status == "stopped" and "HTTP 429" in (stopped.detail or "")
    assert stopped.requests == 1 and _count("select count(*) from raw_data_es.ingest_runs") == 1
    monkeypatch.setenv("SOURCES__DATA_ES__MAX_QUOTA_WAIT_S", "30")
    api.set_quota(40, datetime.now(UTC) + timedelta(seconds=1), used=38)
    waited = run_sync("full")
    assert waited.status == "ok" and waited.new == VALID


def test_the_request_budget_stops_a_run_resumably(
    api: ExploreHandle, duckdb_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__DATA_ES__REQUEST_BUDGET", "5")
    monkeypatch.setenv("SOURCES__DATA_ES__BATCH_RECORDS", "1")
    first = run_sync("full")
    assert first.status == "stopped" and "budget of 5" in (first.detail or "")
    assert len(api.requests) == 5
    monkeypatch.delenv("SOURCES__DATA_ES__REQUEST_BUDGET")
    assert run_sync().status == "ok"
    assert _count("select count(*) from raw_data_es.equipments") == VALID


def test_configuration_is_injected_and_foreign_hosts_refused(
    duckdb_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("SOURCES__DATA_ES__BASE_URL", "https://data.example.org/api")
    assert main(["--no-progress"]) == 2
    assert "only https://equipements.sports.gouv.fr" in capsys.readouterr().err
    monkeypatch.setenv("SOURCES__DATA_ES__BASE_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("SOURCES__DATA_ES__PAGE_LIMIT", "500")
    assert main(["--no-progress"]) == 2
    assert "the API allows 1 to 100" in capsys.readouterr().err


def test_delta_reads_only_changed_records_then_full_unlists(
    api: ExploreHandle, duckdb_env: dict[str, str]
) -> None:
    run_sync("full")
    full_requests = len(api.requests)
    api.set_records(load_snapshot(night2=True))
    api.requests.clear()
    delta = run_sync("delta")
    assert (delta.mode, delta.new, delta.changed, delta.unlisted) == ("delta", 3, 5, 0)
    assert str(delta.cursor_from) == "2026-11-28" and str(delta.cursor_to) == "2026-11-30"
    assert len(api.requests) < full_requests / 3
    reconcile = run_sync("full")
    assert (reconcile.new, reconcile.changed, reconcile.unlisted) == (0, 0, 3)
    unlisted = _count("select count(*) from raw_data_es.equipments where not is_listed")
    assert unlisted == 3


def test_export_mode_reconciles_from_the_parquet_export_in_one_request(
    api: ExploreHandle, duckdb_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_sync("full")
    api.set_records(load_snapshot(night2=True))
    api.requests.clear()
    monkeypatch.setenv("SOURCES__DATA_ES__BATCH_RECORDS", "50")  # landed in 5 loads
    summary = run_sync("export")
    assert (summary.mode, summary.status, summary.requests) == ("export", "ok", 2)
    assert [r.path.rsplit("/", 2)[-2:] for r in api.requests] == [
        ["data-es", "records"],
        ["exports", "parquet"],
    ]
    # read through Arrow, the same parsing lands the same content
    assert (summary.new, summary.changed, summary.unlisted) == (3, 5, 3)
    assert _count("select count(*) from raw_data_es.equipments where is_listed") == VALID


def test_a_week_after_the_last_full_read_auto_reconciles_and_unlists_what_vanished(
    api: ExploreHandle, warehouse_env: dict[str, str]
) -> None:
    night1 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    records = load_snapshot()
    gone = next(r for r in records[10:] if _readable(r))["equip_numero"]
    modes = []
    for night in range(8):  # nights 1..8: days 0..7 after the first full read
        if night == 3:  # removed from the set on the 4th night: no delta can see it
            api.set_records([r for r in records if r["equip_numero"] != gone])
        summary = run_sync(clock=lambda n=night: night1 + timedelta(days=n))
        assert summary.status == "ok"
        modes.append(summary.mode)
        if night < 7:
            assert summary.unlisted == 0
    assert modes == [settings.FULL_READ_MODE] + ["delta"] * 6 + [settings.FULL_READ_MODE]
    assert summary.unlisted == 1
    assert query(f"select is_listed from raw_data_es.equipments where equip_numero = '{gone}'") == [
        (False,)
    ]  # unlisted, never deleted
    assert _count("select count(*) from raw_data_es.equipments") == VALID
    assert _count("select count(*) from raw_data_es.equipments where is_listed") == VALID - 1
    runs = query("select mode from raw_data_es.ingest_runs order by started_at")
    assert [m for (m,) in runs] == modes


def test_each_synthetic_night_changes_other_records_and_a_delta_lands_only_them(
    duckdb_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's nights (bench.data_es: nights 2 and 3 of the full-size set): a night
    changes another 1 % of the equipments, and the delta read of that night finds those."""
    nights = {night: synthetic_night(3_000, 0.01, night) for night in (1, 2, 3)}
    changed = {
        night: {
            now["equip_numero"]
            for before, now in zip(nights[night - 1], nights[night], strict=True)
            if before != now
        }
        for night in (2, 3)
    }
    assert len(changed[2]) == len(changed[3]) == 30
    assert not changed[2] & changed[3]
    with serve_explore(nights[1]) as api:
        monkeypatch.setenv("SOURCES__DATA_ES__BASE_URL", api.base_url)
        assert run_sync("full").new > 2_900
        for night in (2, 3):
            api.set_records(nights[night])
            delta = run_sync("delta")
            assert (delta.mode, delta.new, delta.changed) == ("delta", 0, 30)
    renamed = query("select count(*) from raw_data_es.equipments where equip_nom like '%(rénové)'")
    assert renamed == [(60,)]
