"""Replay ``dbt build`` on nights landed once: iterate on the dbt project at full size
without crawling and reading the sources again for every try.

    python -m bench.replay land  --work DIR [--n 334000] [--finishers 100000] [--warehouse postgres]
    python -m bench.replay build --work DIR [--nights 3] [--again]

``build --again`` replays the last night only, from a copy of the warehouse kept by the
previous ``build`` before it (a DuckDB file; a Postgres database copied as a template):
one night's build, tried again and again on the same state.

``land`` lands three nights as ``bench.data_es`` does (the synthetic finishers.com, 1 %
changed and 0.5 % removed and new a night; the Data ES set, 1 % changed a night; offline
geocoding) and copies each night's raw schemas aside (``replay<night>_<schema>``).
``build`` restores night 1's raw tables, runs ``dbt build --full-refresh``, then for each
later night restores its raw tables and runs the incremental build, as the nightly does
(warm parse, no unit tests, data tests on the rows of one night of landing). It prints
each build's wall, dbt's own run time, node-seconds per kind and the slowest nodes, and
the incremental / full ratios.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.data_es import REPO_ROOT, child, crawl_synthetic, dbt_build, serve, warehouse

RAW_SCHEMAS = ("raw_finishers", "raw_data_es", "raw_geocoding")
#: What dbt builds (dbt_project.yml's schemas), dropped before night 1's full refresh: the
#: snapshots of a previous replay hold later nights, which a full refresh would bring back.
DBT_SCHEMAS = ("staging", "intermediate", "bouge", "snapshots")
#: A night's data tests read back from each relation's newest row by the night's landing
#: (its start to its last load) and this margin: every row the night landed, and none of
#: the night before, which ends at least ``NIGHT_GAP_S`` earlier. A relation whose newest
#: row came early in the night (the crawl's, before Data ES and geocoding) reads back that
#: much further; the gap covers it, as the night before wrote its own raw schemas in the
#: same order. Without the gap, night 2's window held the end of night 1, the first load
#: of everything: its tests read most of the Data ES and geocoding rows.
WINDOW_MARGIN_S = 5
NIGHT_GAP_S = 120


@contextmanager
def _cursor(env: dict[str, str]) -> Iterator[Any]:
    if env["DBT_TARGET"] == "dev":
        import duckdb

        conn = duckdb.connect(env["DUCKDB_PATH"])
        try:
            yield conn
        finally:
            conn.close()
        return
    import psycopg2

    conn = psycopg2.connect(host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
                            user=env["POSTGRES_USER"], dbname=env["POSTGRES_DB"])  # fmt: skip
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def _tables(cur: Any, schema: str) -> list[str]:
    cur.execute(
        "select table_name from information_schema.tables where table_schema = %s"
        if hasattr(cur, "mogrify")
        else "select table_name from information_schema.tables where table_schema = ?",
        (schema,),
    )
    return [row[0] for row in cur.fetchall()]


def _copy_schemas(env: dict[str, str], pairs: list[tuple[str | None, str]]) -> None:
    """Each (from, to) schema copied whole, ``to`` dropped first (from None: dropped only),
    in a process of its own: DuckDB's work would stay in this one's peak RSS, which the
    steps it starts inherit."""
    code = (
        "import json, sys; from bench.replay import copy_schemas as c; c(*json.loads(sys.argv[1]))"
    )
    subprocess.run(
        [sys.executable, "-c", code, json.dumps([env, pairs])], cwd=REPO_ROOT, env=env, check=True
    )


def copy_schemas(env: dict[str, str], pairs: list[tuple[str | None, str]]) -> None:
    with _cursor(env) as cur:
        for source, target in pairs:
            cur.execute(f"drop schema if exists {target} cascade")
            if source is None:  # dropped only
                continue
            cur.execute(f"create schema {target}")
            for table in _tables(cur, source):
                cur.execute(f'create table {target}."{table}" as select * from {source}."{table}"')
                if target in RAW_SCHEMAS and env["DBT_TARGET"] != "dev":
                    # restored as the ingestion steps leave them (Warehouse.analyze)
                    cur.execute(f'analyze {target}."{table}"')


def land(n: int, finishers: int, kind: str, work: Path, nights: int = 3) -> None:
    from bench.catalogue import CatalogueConfig
    from bench.runner import site_process

    work.mkdir(parents=True, exist_ok=True)
    env = warehouse(kind, work)
    landed: list[dict[str, Any]] = []
    with site_process(CatalogueConfig(n=finishers)) as site:
        for night in range(1, nights + 1):
            if landed:  # no night's window may reach the loads of the night before
                gap_ends = landed[-1]["started"] + landed[-1]["landed_s"] + NIGHT_GAP_S
                time.sleep(max(0.0, gap_ends - time.time()))
            started = time.time()
            crawl = crawl_synthetic(site, night, env, work)
            with serve(n, changed=0.01 if night > 1 else 0.0, night=max(night, 2)) as url:
                env["SOURCES__DATA_ES__BASE_URL"] = url
                sync = child("sync", env, "auto" if night == 1 else "delta")
            geocode = child("geocode", env)
            landed_s = time.time() - started  # the night's loads, from its start to its last
            _copy_schemas(env, [(schema, f"replay{night}_{schema}") for schema in RAW_SCHEMAS])
            landed.append({"night": night, "started": started, "landed_s": landed_s,
                           "crawl": crawl, "sync": sync, "geocode": geocode})  # fmt: skip
            print(json.dumps(landed[-1]), flush=True)
    env.pop("SOURCES__DATA_ES__BASE_URL", None)
    (work / "replay.json").write_text(json.dumps({"env": env, "nights": landed}, indent=1))


def _keep(env: dict[str, str], restore: bool) -> None:
    """Copy the warehouse aside (``restore``: back) as it is before the last night."""
    if env["DBT_TARGET"] == "dev":
        path = Path(env["DUCKDB_PATH"])
        kept = path.with_suffix(".before-last-night")
        shutil.copyfile(*((kept, path) if restore else (path, kept)))
        return
    name = env["POSTGRES_DB"]
    source, target = (f"{name}_kept", name) if restore else (name, f"{name}_kept")
    with _cursor({**env, "POSTGRES_DB": "postgres"}) as cur:
        cur.execute(f'drop database if exists "{target}"')
        # files copied and flushed now (not 5 GB of WAL that a checkpoint would still be
        # writing during the build)
        cur.execute(f'create database "{target}" template "{source}" strategy file_copy')
        cur.execute("checkpoint")


def _wal_mb(env: dict[str, str]) -> float | None:
    """Postgres' current WAL position, in MB from the start (none on DuckDB): the difference
    of two is every database's WAL, so nothing else may write meanwhile (a night's WAL is
    mostly full-page images of the pages its deletes touch, bench/BASELINE.md)."""
    if env["DBT_TARGET"] == "dev":
        return None
    with _cursor({**env, "POSTGRES_DB": "postgres"}) as cur:
        cur.execute("select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")
        return float(cur.fetchone()[0]) / 1e6


def build(work: Path, nights: int | None = None, again: bool = False) -> list[dict[str, Any]]:
    saved = json.loads((work / "replay.json").read_text())
    env, landed = saved["env"], saved["nights"][:nights]
    builds: list[dict[str, Any]] = []
    if again:  # the last night only, from the copy kept before it; the full build's figures
        _keep(env, restore=True)
        builds = [json.loads((work / "full_build.json").read_text())]
        landed = landed[-1:]
    for night in landed:
        if len(landed) > 1 and night is landed[-1]:
            _keep(env, restore=False)
        number = night["night"]
        restore = [(f"replay{number}_{schema}", schema) for schema in RAW_SCHEMAS]
        if number == 1:
            restore += [(None, schema) for schema in DBT_SCHEMAS]
        _copy_schemas(env, restore)
        # The data tests read the rows of one night of landing, as the nightly's 24 h.
        window_s = None if number == 1 else night["landed_s"] + WINDOW_MARGIN_S
        wal_before = _wal_mb(env)
        done = dbt_build(env, work, number == 1, 0.0, window_s, True)
        if wal_before is not None:  # Postgres: the WAL dbt's build wrote, the restore's aside
            done["wal_mb"] = round((_wal_mb(env) or 0.0) - wal_before, 1)
        # every node's time, for a closer look than the slowest six
        results = work / "target" / "run_results.json"
        results.replace(work / f"run_results_night{number}.json")
        if builds:
            done["share"] = round(done["wall_s"] / builds[0]["wall_s"], 2)
            done["share_of_run"] = round(done["elapsed_s"] / builds[0]["elapsed_s"], 2)
        builds.append(done)
        if number == 1:
            (work / "full_build.json").write_text(json.dumps(done))
        print(json.dumps({"night": number, **done}), flush=True)
    return builds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("land", "build"))
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--n", type=int, default=334_000)
    parser.add_argument("--finishers", type=int, default=100_000)
    parser.add_argument("--warehouse", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--nights", type=int, default=3)
    parser.add_argument("--again", action="store_true", help="the last night again (see above)")
    args = parser.parse_args(argv)
    if args.action == "land":
        land(args.n, args.finishers, args.warehouse, args.work, args.nights)
    else:
        build(args.work, args.nights, args.again)


if __name__ == "__main__":
    main()
