"""Data ES benchmark: a full-size synthetic set served locally, read, geocoded, built.

    python -m bench.data_es [--n 334000] [--warehouses duckdb,postgres] [--out FILE]

Steps, each timed: the bundled finishers.com snapshot crawled (so both sources are
there for dbt; ``--finishers N``: N events of the synthetic site, three nights), the
Explore server (its own process, the synthetic generator of
``ingestion.data_es.snapshot.synthetic``: 101 departments, one above the 10,000 window)
→ full read (``auto``'s first run: the parquet export through Arrow; wall, records/s,
requests, peak RSS of the reading process) → offline
geocoding → ``dbt build`` (full) → night 2 with 1 % changed: delta read (requests,
rows, wall) → geocoding → ``dbt build`` (incremental) → night 3, another 1 %, the same
way (a steady night: night 2's build also re-reads the tail of the bulk first load).
Peak RSS is measured in a child
process per step (``resource.getrusage`` of the child). Results: JSON to stdout / --out.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ingestion import dbt_runner
from ingestion.finishers.settings import DEFAULT_CRAWL_DELAY_S

REPO_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(n: int, changed: float = 0.0, night: int = 2):
    """The synthetic set at ``night``: each night from 2 changes another ``changed`` share."""
    port = _free_port()
    args = [PYTHON, "-m", "ingestion.data_es.snapshot.server", "--port", str(port),
            "--synthetic", str(n), "--changed", str(changed), "--night", str(night)]  # fmt: skip
    proc = subprocess.Popen(args, cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    proc.stderr.readline()  # "Data ES on ..." once the set is generated and served
    try:
        yield f"http://127.0.0.1:{port}/api/explore/v2.1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


CHILD = """
import json, resource, sys, time
step = sys.argv[1]
started = time.monotonic()
if step == "sync":
    from ingestion.data_es.sync import run_sync
    s = run_sync(sys.argv[2])
    out = {"mode": s.mode, "status": s.status, "read": s.read, "new": s.new,
           "changed": s.changed, "unlisted": s.unlisted, "requests": s.requests,
           "slices": s.slices, "splits": s.splits}
elif step == "crawl":
    from ingestion.finishers import run_crawl
    from ingestion.finishers.snapshot.server import serve_site
    with serve_site() as site:
        c = run_crawl(base_url=site.base_url, crawl_delay=0)
    out = {"events": c.new}
else:
    from ingestion.geocoding import run_geocoding
    g = run_geocoding("offline")
    out = {"pois_seen": g.result.pois_seen, "pois_changed": g.result.pois_changed}
out["wall_s"] = round(time.monotonic() - started, 1)
out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(out))
"""


# dbt under a process of its own, which reports the peak RSS of dbt alone (DuckDB runs
# inside it): RUSAGE_CHILDREN of this bench also counts the reading and geocoding steps.
DBT_CHILD = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
print(f"dbt_peak_rss_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


def child(step: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run([PYTHON, "-c", CHILD, step, *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{step} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def dbt_build(
    env: dict[str, str],
    work: Path,
    full_refresh: bool,
    overlap_hours: float,
    test_window_s: float | None = None,
    warm_parse: bool = False,
) -> dict[str, Any]:
    """One ``dbt build``: wall time, and where it went (seconds per kind of node, summed over
    dbt's threads, and the slowest nodes) from ``run_results.json``. ``elapsed_s`` is dbt's
    own run time (the nodes, on its threads); the rest of the wall is the process: Python
    imports, profile, parse, manifest. ``warm_parse``: parse first, untimed, with the same
    vars, as the nightly does with yesterday's parse restored from its cache."""
    common = ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    dbt_vars: dict[str, float] = {}
    if overlap_hours >= 0:  # the nights of a bench land minutes apart, not a day
        dbt_vars["incremental_overlap_hours"] = overlap_hours
    if test_window_s is not None:  # the nightly's data tests read the rows of one night
        dbt_vars["nightly_test_window_hours"] = round(test_window_s / 3600, 4)
    if dbt_vars:
        common += ["--vars", json.dumps(dbt_vars)]
    if warm_parse:
        parse = dbt_runner.command("parse", *common)
        subprocess.run(parse, cwd=REPO_ROOT, env=env, capture_output=True, check=True)
    # Unit tests mock their inputs (their cost does not grow with the data), and they
    # assert dbt_project.yml's overlap, which the vars change: as bench/steps.py.
    args = dbt_runner.command("build", *common, "--exclude-resource-type", "unit_test")
    if full_refresh:
        args.append("--full-refresh")
    started = time.monotonic()
    done = subprocess.run([PYTHON, "-c", DBT_CHILD, *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    dbt_peak_kb = re.findall(r"dbt_peak_rss_kb=(\d+)", done.stderr)
    summary = re.findall(r"Done\. (PASS=.*)", done.stdout)
    run_results = json.loads((work / "target" / "run_results.json").read_text())
    nodes = run_results["results"]
    by_kind: dict[str, float] = {}
    for node in nodes:
        kind = node["unique_id"].split(".")[0]
        by_kind[kind] = round(by_kind.get(kind, 0.0) + node["execution_time"], 1)
    slowest = sorted(nodes, key=lambda node: -node["execution_time"])[:6]
    return {
        "wall_s": round(time.monotonic() - started, 1),
        "elapsed_s": round(run_results["elapsed_time"], 1),
        "ok": done.returncode == 0,
        "summary": summary[-1] if summary else done.stdout[-500:],
        "dbt_peak_rss_mb": round(int(dbt_peak_kb[-1]) / 1024) if dbt_peak_kb else None,
        "node_seconds": by_kind,
        "slowest": {
            node["unique_id"].split(".", 2)[2]: round(node["execution_time"], 1) for node in slowest
        },
    }


def warehouse(kind: str, work: Path) -> dict[str, str]:
    env = {**os.environ, "DLT_PIPELINES_DIR": str(work / "dlt"), "PYTHONPATH": str(REPO_ROOT)}
    if kind == "duckdb":
        return {**env, "DBT_TARGET": "dev", "DUCKDB_PATH": str(work / "bench.duckdb")}
    import psycopg2

    name = f"bouge_bench_{os.getpid()}"
    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return {**env, "DBT_TARGET": "prod", "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "5432",
            "POSTGRES_USER": "postgres", "POSTGRES_PASSWORD": "", "POSTGRES_DB": name}  # fmt: skip


def crawl_synthetic(site: Any, night: int, env: dict[str, str], work: Path) -> dict[str, Any]:
    """Night ``night`` of the synthetic finishers.com (``bench.catalogue``), crawled as
    ``python -m bench`` does (each night 24 h after the previous on the crawler's clock)."""
    from bench.runner import run_child

    site.night(night)
    params = {"base_url": site.base_url, "clock_offset_hours": 24 * (night - 1)}
    done = run_child("crawl", params, env, work)
    kept = {key: done[key] for key in ("status", "reason", "wall_s", "peak_rss_mb") if key in done}
    return {**kept, "summary": done.get("metrics", {}).get("summary", {})}


def run(
    n: int, kind: str, work: Path, overlap_hours: float = 0.0, finishers: int = 0
) -> dict[str, Any]:
    """Both sources in one warehouse: the bundled finishers.com snapshot (45 events), or
    ``finishers`` events of the synthetic site (1 % changed, 0.5 % removed and new on
    nights 2 and 3), and ``n`` Data ES equipments (1 % changed on nights 2 and 3)."""
    work.mkdir(parents=True, exist_ok=True)
    env = warehouse(kind, work)
    result: dict[str, Any] = {"n": n, "finishers": finishers or 45, "warehouse": kind}
    with contextlib.ExitStack() as stack:
        site = None
        if finishers:
            from bench.catalogue import CatalogueConfig
            from bench.runner import site_process

            site = stack.enter_context(site_process(CatalogueConfig(n=finishers)))
            result["crawl_finishers"] = crawl_synthetic(site, 1, env, work)
        else:
            result["crawl_finishers"] = child("crawl", env)  # the bundled snapshot
        _run_nights(n, env, work, overlap_hours, site, result)
    return result


def _run_nights(
    n: int,
    env: dict[str, str],
    work: Path,
    overlap_hours: float,
    site: Any,
    result: dict[str, Any],
) -> None:
    with serve(n) as url:
        env["SOURCES__DATA_ES__BASE_URL"] = url
        result["full_read"] = child("sync", env, "auto")  # the first run: the parquet export
    result["full_read"]["records_per_s"] = round(n / result["full_read"]["wall_s"])
    result["geocode_full"] = child("geocode", env)
    result["dbt_full"] = dbt_build(env, work, True, overlap_hours, warm_parse=True)
    # Night 2 re-reads the last load of the first, bulk night too (the cutoff is its
    # newest row, ``>=``, less the overlap): a few thousand rows a steady night does not
    # have. Night 3, another 1 % changed, is a night like every later one.
    result.update(_incremental_night(2, n, env, work, overlap_hours, site, result["dbt_full"]))
    steady = _incremental_night(3, n, env, work, overlap_hours, site, result["dbt_full"])
    result["steady_night"] = steady


def _incremental_night(
    night: int,
    n: int,
    env: dict[str, str],
    work: Path,
    overlap_hours: float,
    site: Any,
    full: dict[str, Any],
) -> dict[str, Any]:
    """Night ``night`` (1 % more changed): the crawl, the Data ES delta read, geocoding,
    the incremental ``dbt build``, its share of the full one, and the night end to end."""
    previous_build = time.monotonic()
    out: dict[str, Any] = {}
    crawl_key = f"crawl_finishers_night{night}"
    if site is not None:
        out[crawl_key] = crawl_synthetic(site, night, env, work)
    with serve(n, changed=0.01, night=night) as url:
        env["SOURCES__DATA_ES__BASE_URL"] = url
        out["delta_read"] = child("sync", env, "delta")
    out["geocode_delta"] = child("geocode", env)
    # The nightly's data tests read one night of rows (24 h + the overlap, in
    # dbt_project.yml); the bench's night is the time since the previous build.
    night_s = time.monotonic() - previous_build
    incremental = dbt_build(env, work, False, overlap_hours, night_s, True)
    out["dbt_incremental"] = incremental
    out["dbt_incremental_share"] = round(incremental["wall_s"] / full["wall_s"], 2)
    out["dbt_incremental_share_of_run"] = round(incremental["elapsed_s"] / full["elapsed_s"], 2)
    out["night"] = night_summary(out, crawl_key=crawl_key)
    return out


def night_summary(
    result: dict[str, Any],
    crawl_delay_s: float = DEFAULT_CRAWL_DELAY_S,
    crawl_key: str = "crawl_finishers_night2",
) -> dict[str, Any]:
    """Night 2 end to end, in the nightly's order: each step's wall and its share. The
    crawl's requests are spaced by the production crawl delay (virtual time: the local
    site answers at once, so its wall is the crawler's own work, plus the delay per
    request); Data ES has no delay between calls, its wall is as measured."""
    steps: dict[str, float] = {}
    crawl = result.get(crawl_key)
    requests = crawl["summary"]["requests"] if crawl else 0
    if crawl:
        steps["crawl (delay modelled)"] = round(crawl["wall_s"] + requests * crawl_delay_s, 1)
    steps["data_es delta read"] = result["delta_read"]["wall_s"]
    steps["geocode"] = result["geocode_delta"]["wall_s"]
    steps["dbt build"] = result["dbt_incremental"]["wall_s"]
    total = sum(steps.values())
    return {
        "crawl_delay_s": crawl_delay_s,
        "crawl_requests": requests,
        "data_es_requests": result["delta_read"]["requests"],
        "total_s": round(total, 1),
        "steps_s": steps,
        "shares": {step: round(wall / total, 3) for step, wall in steps.items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=334_000)
    parser.add_argument("--warehouses", default="duckdb")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "bench" / "results" / "data_es")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--dbt-overlap-hours",
        type=float,
        default=0.0,
        help="incremental_overlap_hours for dbt (default 0: the two nights land minutes "
        "apart, so dbt_project.yml's 6 h would re-read night 1 whole; negative keeps it)",
    )
    parser.add_argument(
        "--finishers",
        type=int,
        default=0,
        help="also crawl this many events of the synthetic finishers.com (bench.catalogue) "
        "into the same warehouse, three nights (default 0: the bundled 45-event snapshot)",
    )
    args = parser.parse_args(argv)
    results = [
        run(args.n, kind, args.work / kind, args.dbt_overlap_hours, args.finishers)
        for kind in args.warehouses.split(",")
    ]
    text = json.dumps(results, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
