"""Orchestrates a benchmark run: serve the synthetic site, run each step in a child
process (its peak RSS measured with ``wait4`` and a psutil sampler), on DuckDB and on
Postgres when reachable, then print a table and write ``bench/results/<date>.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.catalogue import Catalogue, CatalogueConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
SCHEMA_VERSION = 1
ALL_STEPS = ("parse", "crawl", "night2", "geocode", "dbt", "e2e", "freshness")
STEP_TIMEOUT_S = float(os.environ.get("BENCH_STEP_TIMEOUT_S", "7200"))  # one step, one child

#: The PostgreSQL server the bench creates its databases on (``BENCH_POSTGRES_HOST``...).
PG: dict[str, str] = {
    key: os.environ.get(f"BENCH_POSTGRES_{key.upper()}", default)
    for key, default in (("host", "127.0.0.1"), ("port", "5432"), ("user", "postgres"),
                         ("password", ""))
}  # fmt: skip


@dataclass
class Options:
    n: int = 12000
    seed: int = 42
    steps: tuple[str, ...] = ALL_STEPS
    warehouses: tuple[str, ...] = ("duckdb", "postgres")
    scale_check: bool = False
    changed: float = 0.01
    removed: float = 0.005
    new: float = 0.005
    parse_pages: int = 2000
    dom_pages: int = 500
    geocode_points: int | None = None  # default: max(n, 12000)
    docs: bool = True
    night_gap_hours: float = 24.0  # night 2 is crawled as if this much later
    # dbt's incremental marts re-read this many hours of raw loads (dbt_project.yml: 6 h);
    # both nights land minutes apart here, so 0 stands for "the next night" (None: as is)
    dbt_overlap_hours: float | None = 0.0
    dbt_unit_tests: bool = False  # dbt build --exclude-resource-type unit_test unless True
    out: Path | None = None
    keep: bool = False
    quiet: bool = False
    catalogue_extra: dict[str, Any] = field(default_factory=dict)
    freshness_nights: int = 60  # nights replayed by the freshness simulation (virtual time)

    def dbt_vars(self) -> dict[str, Any]:
        if self.dbt_overlap_hours is None:
            return {}
        return {"incremental_overlap_hours": self.dbt_overlap_hours}

    def catalogue(self, n: int | None = None) -> CatalogueConfig:
        return CatalogueConfig(
            n=n or self.n,
            seed=self.seed,
            changed=self.changed,
            removed=self.removed,
            new=self.new,
            **self.catalogue_extra,
        )


# -- child processes ------------------------------------------------------------------------
def _tree_rss(proc: Any) -> int:
    import psutil

    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def run_child(step: str, params: dict[str, Any], env: dict[str, str], work: Path) -> dict[str, Any]:
    """Run one step in a child process; add its wall time and peak RSS to its result."""
    import psutil

    tag = f"{step}-{uuid.uuid4().hex[:6]}"
    params_file, out_file = work / f"{tag}.params.json", work / f"{tag}.out.json"
    params_file.write_text(json.dumps(params, default=str))
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.child", step, str(params_file), str(out_file)],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
    )
    watched = psutil.Process(proc.pid)
    peak_tree = 0
    timed_out = False
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak_tree = max(peak_tree, _tree_rss(watched))
        if not timed_out and time.perf_counter() - started > STEP_TIMEOUT_S:
            timed_out = True
            for p in [*watched.children(recursive=True), watched]:  # our own child tree only
                with contextlib.suppress(psutil.Error):
                    p.kill()
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    try:
        result = json.loads(out_file.read_text())
    except (OSError, ValueError):
        result = {"status": "failed", "reason": f"child exited {proc.returncode}, no result"}
    if timed_out:
        result = {"status": "failed", "reason": f"timed out after {STEP_TIMEOUT_S:g} s"}
    result["wall_s"] = round(wall, 3)
    result["peak_rss_mb"] = round(rusage.ru_maxrss / 1024, 1)  # max over the child's tree
    result["peak_tree_rss_mb"] = round(peak_tree / 2**20, 1)  # sampled sum of the tree
    return result


class SiteProcess:
    """``python -m bench.site`` in its own process, driven over stdin/stdout."""

    def __init__(self, config: CatalogueConfig) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.site", "--config", json.dumps(asdict(config))],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        hello = json.loads(self.proc.stdout.readline())  # type: ignore[union-attr]
        self.base_url: str = hello["base_url"]
        self.server: str = hello["server"]

    def command(self, **command: Any) -> dict[str, Any]:
        self.proc.stdin.write(json.dumps(command) + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        return json.loads(self.proc.stdout.readline())  # type: ignore[union-attr]

    def night(self, night: int) -> None:
        self.command(night=night)
        self.command(reset=True)

    def stats(self) -> dict[str, Any]:
        return self.command(stats=True)

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.command(quit=True)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextmanager
def site_process(config: CatalogueConfig) -> Iterator[SiteProcess]:
    site = SiteProcess(config)
    try:
        yield site
    finally:
        site.close()


# -- warehouses -----------------------------------------------------------------------------
def postgres_reachable() -> bool:
    try:
        import psycopg2

        psycopg2.connect(**PG, dbname="postgres", connect_timeout=3).close()
        return True
    except Exception:
        return False


def _pg_admin(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(**PG, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


@contextmanager
def warehouse_env(kind: str, work: Path, keep: bool = False) -> Iterator[dict[str, str]]:
    """The environment that points dlt and dbt at a fresh warehouse of this run."""
    base = {"DLT_PIPELINES_DIR": str(work / "dlt_pipelines")}
    if kind == "duckdb":
        (work / "warehouse").mkdir(parents=True, exist_ok=True)
        yield {**base, "DBT_TARGET": "dev", "DUCKDB_PATH": str(work / "warehouse" / "dev.duckdb")}
        return
    dbname = f"bouge_bench_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{dbname}"')
    try:
        server = {f"POSTGRES_{key.upper()}": value for key, value in PG.items()}
        yield {**base, "DBT_TARGET": "prod", **server, "POSTGRES_DB": dbname}
    finally:
        if not keep:
            _pg_admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


# -- the run --------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    import psutil

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "hostname": socket.gethostname(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _skipped(reason: str) -> dict[str, Any]:
    return {"status": "skipped", "reason": reason, "wall_s": None, "peak_rss_mb": None}


def _log(opts: Options, message: str) -> None:
    if not opts.quiet:
        print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def expected_night2(cat: Catalogue) -> dict[str, Any]:
    diff = cat.expected_diff(2)
    changed, _ = cat._mutations(2)
    moved = sum(1 for i in changed if cat.point(i, 1) != cat.point(i, 2))
    new_points = sum(
        1 for i in range(cat.population(1), cat.population(2)) if cat.point(i, 2) is not None
    )
    # new events are geocoded whether they have a point (reverse) or only a town (search)
    return {**diff, "moved_points": moved, "new_points": new_points,
            "geocode_expected_max": moved + diff["new"]}  # fmt: skip


def _pipeline(
    opts: Options,
    kind: str,
    site: SiteProcess,
    work: Path,
    want: set[str],
    nights: tuple[int, ...] = (1, 2),
) -> dict[str, Any]:
    """crawl night 1 → geocode → dbt full refresh → night 2 crawl → geocode → dbt incremental."""
    out: dict[str, Any] = {}
    cat_params = {"catalogue": asdict(opts.catalogue())}
    wh_work = work / kind
    wh_work.mkdir(parents=True, exist_ok=True)
    previous_build: float | None = None
    with warehouse_env(kind, wh_work, opts.keep) as env:
        for night in nights:
            if night == 2 and not want & {"night2", "dbt"}:
                break
            site.night(night)
            _log(opts, f"{kind}: crawl night {night} at {site.base_url}")
            crawl_params = {
                **cat_params,
                "base_url": site.base_url,
                "night": night,
                "clock_offset_hours": opts.night_gap_hours if night == 2 else 0,
            }
            crawl = run_child("crawl", crawl_params, env, wh_work)
            crawl["server"] = site.stats()
            out[f"crawl_night{night}"] = crawl
            if want & {"geocode", "dbt"}:
                _log(opts, f"{kind}: geocode night {night}")
                out[f"geocode_night{night}"] = run_child("geocode_warehouse", {}, env, wh_work)
            if "dbt" in want:
                full = night == 1
                _log(opts, f"{kind}: dbt build ({'full refresh' if full else 'incremental'})")
                dbt_vars = opts.dbt_vars()
                if previous_build is not None:
                    # the nightly's data tests read one night of rows (24 h + the overlap
                    # in dbt_project.yml); the bench's night is the time since the last build
                    night_h = (time.monotonic() - previous_build) / 3600
                    dbt_vars["nightly_test_window_hours"] = round(night_h, 4)
                out["dbt_full" if full else "dbt_incremental"] = run_child(
                    "dbt",
                    {
                        "workdir": str(wh_work),
                        "full_refresh": full,
                        "dbt_vars": dbt_vars,
                        "unit_tests": opts.dbt_unit_tests,
                    },
                    env,
                    wh_work,
                )
                previous_build = time.monotonic()
    return out


def _e2e(opts: Options, site: SiteProcess, work: Path) -> dict[str, Any]:
    e2e_work = work / "e2e"
    e2e_work.mkdir(parents=True, exist_ok=True)
    with warehouse_env("duckdb", e2e_work) as env:
        site.night(1)
        _log(opts, "e2e: crawl + geocode + dbt build + docs on a fresh DuckDB")
        result = run_child(
            "e2e", {"workdir": str(e2e_work), "base_url": site.base_url, "docs": opts.docs},
            env, e2e_work,
        )  # fmt: skip
        result["server"] = site.stats()
    return result


def _scale_check(opts: Options, work: Path) -> dict[str, Any]:
    """Peak RSS of crawl / geocode / dbt at N and 10×N (DuckDB), to show it does not grow."""
    out: dict[str, Any] = {}
    for label, n in (("n", opts.n), ("10n", opts.n * 10)):
        scale_work = work / f"scale_{label}"
        scale_work.mkdir(parents=True, exist_ok=True)
        scaled = Options(**{**asdict(opts), "n": n, "out": opts.out})
        with site_process(scaled.catalogue()) as site:
            _log(opts, f"scale check at n={n}")
            steps = _pipeline(
                scaled, "duckdb", site, scale_work, {"crawl", "geocode", "dbt"}, nights=(1,)
            )
        out[label] = {
            "n": n,
            "peak_rss_mb": {k: v.get("peak_rss_mb") for k, v in steps.items()},
            "status": {k: v.get("status") for k, v in steps.items()},
            "crawl_wall_s": steps.get("crawl_night1", {}).get("wall_s"),
        }
    ratios = {}
    for key, small in out["n"]["peak_rss_mb"].items():
        large = out["10n"]["peak_rss_mb"].get(key)
        ratios[key] = round(large / small, 2) if small and large else None
    out["ratio_10n_over_n"] = ratios
    return out


def run(opts: Options) -> dict[str, Any]:
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    want = set(opts.steps)
    cat = Catalogue(opts.catalogue())
    pg_ok = "postgres" in opts.warehouses and postgres_reachable()
    warehouses = [w for w in opts.warehouses if w == "duckdb" or (w == "postgres" and pg_ok)]
    work = Path(tempfile.mkdtemp(prefix="bouge_bench_"))
    result: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": None,
        "duration_s": None,
        "n": opts.n,
        "seed": opts.seed,
        "steps_selected": sorted(want),
        "scale_check_requested": opts.scale_check,
        "catalogue": asdict(opts.catalogue()),
        "expected_night2": expected_night2(cat),
        "machine": machine(),
        "warehouses": warehouses,
        "postgres_reachable": pg_ok,
        "server": None,
        "steps": {},
    }
    steps: dict[str, Any] = result["steps"]
    try:
        params = {
            "catalogue": asdict(opts.catalogue()),
            "parse_pages": opts.parse_pages,
            "dom_pages": opts.dom_pages,
            "geocode_points": opts.geocode_points or max(opts.n, 12000),
        }
        if "parse" in want:
            _log(opts, "parse: crawler parser vs BeautifulSoup DOM")
            steps["parse"] = run_child("parse", params, {}, work)
        if "geocode" in want:
            _log(opts, f"geocode: offline look-up of {params['geocode_points']} points")
            steps["geocode_offline"] = run_child("geocode_offline", params, {}, work)
        pipeline_steps = want & {"crawl", "night2", "geocode", "dbt"}
        if pipeline_steps or "e2e" in want:
            with site_process(opts.catalogue()) as site:
                result["server"] = site.server
                if pipeline_steps:
                    steps["pipeline"] = {
                        kind: _pipeline(opts, kind, site, work, pipeline_steps)
                        for kind in warehouses
                    }
                if "e2e" in want:
                    steps["e2e"] = _e2e(opts, site, work)
        if opts.scale_check:
            steps["scale_check"] = _scale_check(opts, work)
        if "freshness" in want:
            _log(opts, f"freshness: {opts.freshness_nights} nights in virtual time, 3 policies")
            steps["freshness"] = _freshness(opts)
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            result["workdir"] = str(work)
    result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["duration_s"] = round(time.perf_counter() - t0, 1)
    result["summary"] = summarise(result)
    result["targets"] = evaluate_targets(result)
    return result


def _freshness(opts: Options) -> dict[str, Any]:
    from bench.freshness import FreshnessConfig, simulate

    t0 = time.perf_counter()
    result = simulate(FreshnessConfig(n=opts.n, nights=opts.freshness_nights, seed=opts.seed))
    result["cpu_wall_s"] = round(time.perf_counter() - t0, 1)
    return result


# -- summary and targets ----------------------------------------------------------------------
def _sitemap_bytes(crawl: Any) -> Any:
    """Site-map body bytes the server sent (0 when it answered 304), else their size."""
    sent = _get(crawl, "server", "sent_bytes_by_prefix")
    if isinstance(sent, dict):
        return sent.get("/sitemap", 0)
    return _get(crawl, "server", "generated_bytes_by_kind", "sitemap")


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _ratio(a: Any, b: Any) -> float | None:
    numbers = isinstance(a, int | float) and isinstance(b, int | float)
    return round(a / b, 4) if numbers and b else None


SUMMARY_KEYS = (
    "crawl_night1_wall_s", "crawl_night1_events_per_s", "crawl_night1_requests",
    "crawl_night1_bytes", "crawl_night1_events_landed", "crawl_night2_wall_s",
    "crawl_night2_requests", "crawl_night2_bytes", "night2_requests_ratio", "night2_bytes_ratio",
    "night2_page_fetches_ratio", "night2_sitemap_bytes",
    "geocode_night1_wall_s", "geocode_night2_wall_s", "geocode_night2_provider_calls",
    "dbt_full_s", "dbt_incremental_s", "dbt_incremental_ratio",
    "peak_rss_crawl_mb", "peak_rss_geocode_mb", "peak_rss_dbt_mb",
)  # fmt: skip


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    """Flat numbers per warehouse (null when not measured): what the table shows."""
    steps = result["steps"]
    summary: dict[str, Any] = {
        "parse_pages_per_s_per_core": _get(steps, "parse", "metrics", "parse_pages_per_s_per_core"),
        "dom_pages_per_s_per_core": _get(steps, "parse", "metrics", "dom_pages_per_s_per_core"),
        "parse_speedup_vs_dom": _get(steps, "parse", "metrics", "speedup_vs_dom"),
        "geocode_offline_points_per_s": _get(steps, "geocode_offline", "metrics", "points_per_s"),
        "geocode_offline_points": _get(steps, "geocode_offline", "metrics", "points"),
        "geocode_offline_cold_s": _get(steps, "geocode_offline", "metrics", "cold_total_s"),
        "geocode_offline_warm_s": _get(steps, "geocode_offline", "metrics", "warm_locate_s"),
        "e2e_wall_s": _get(steps, "e2e", "metrics", "wall_s"),
        "peak_rss_parse_mb": _get(steps, "parse", "peak_rss_mb"),
        "peak_rss_geocode_offline_mb": _get(steps, "geocode_offline", "peak_rss_mb"),
        "peak_rss_e2e_mb": _get(steps, "e2e", "peak_rss_mb"),
        "warehouses": {},
    }
    for kind in ("duckdb", "postgres"):
        p = _get(steps, "pipeline", kind) or {}
        c1, c2 = p.get("crawl_night1") or {}, p.get("crawl_night2") or {}
        wall1 = _get(c1, "metrics", "wall_s")
        landed = _get(c1, "metrics", "events")
        req1, req2 = _get(c1, "server", "requests"), _get(c2, "server", "requests")
        by1, by2 = _get(c1, "server", "bytes"), _get(c2, "server", "bytes")
        full, incr = (
            _get(p, "dbt_full", "metrics", "wall_s"),
            _get(p, "dbt_incremental", "metrics", "wall_s"),
        )

        def peaks(*keys: str, p: dict[str, Any] = p) -> float | None:
            values = [_get(p, k, "peak_rss_mb") for k in keys]
            return max((v for v in values if isinstance(v, int | float)), default=None)

        summary["warehouses"][kind] = dict.fromkeys(SUMMARY_KEYS) | {
            "crawl_night1_wall_s": wall1,
            "crawl_night1_events_per_s": round(landed / wall1, 1) if landed and wall1 else None,
            "crawl_night1_events_landed": landed,
            "crawl_night1_requests": req1,
            "crawl_night1_bytes": by1,
            "crawl_night2_wall_s": _get(c2, "metrics", "wall_s"),
            "crawl_night2_requests": req2,
            "crawl_night2_bytes": by2,
            "night2_requests_ratio": _ratio(req2, req1),
            "night2_bytes_ratio": _ratio(by2, by1),
            # full page downloads (200) night 2 / night 1: what lastmod + ETag could not avoid
            "night2_page_fetches_ratio": _ratio(
                _get(c2, "metrics", "summary", "fetched"), _get(c1, "metrics", "summary", "fetched")
            ),
            # body bytes sent for the site map (0 when it answered 304), else its size
            "night2_sitemap_bytes": _sitemap_bytes(c2),
            "geocode_night1_wall_s": _get(p, "geocode_night1", "metrics", "wall_s"),
            "geocode_night2_wall_s": _get(p, "geocode_night2", "metrics", "wall_s"),
            "geocode_night2_provider_calls": provider_calls(_get(p, "geocode_night2", "metrics")),
            "dbt_full_s": full,
            "dbt_incremental_s": incr,
            "dbt_incremental_ratio": _ratio(incr, full),
            "peak_rss_crawl_mb": peaks("crawl_night1", "crawl_night2"),
            "peak_rss_geocode_mb": peaks("geocode_night1", "geocode_night2"),
            "peak_rss_dbt_mb": peaks("dbt_full", "dbt_incremental"),
        }
    return summary


def provider_calls(geocode: dict[str, Any] | None) -> int | None:
    """Provider look-ups of a geocoding run (cache hits excluded), from its run rows."""
    value = _get(geocode, "provider_calls")
    return int(value) if isinstance(value, int | float) else None


def evaluate_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Targets of the issue: reached / missed / not measured (never asserted)."""
    s = result["summary"]
    n = result["n"]
    expected = result["expected_night2"]
    targets: list[dict[str, Any]] = []
    run_warehouses = [(k, s["warehouses"][k]) for k in result["warehouses"]]

    def add(name: str, target: str, value: Any, met: bool | None, note: str = "") -> None:
        targets.append({"name": name, "target": target, "value": value, "met": met, "note": note})

    for kind, w in run_warehouses:
        rq, by = w["night2_requests_ratio"], w["night2_bytes_ratio"]
        add(f"night2_traffic_{kind}", "night 2 ≤ 2 % of night-1 requests and bytes",
            {"requests": rq, "bytes": by},
            None if rq is None or by is None else (rq <= 0.02 and by <= 0.02))  # fmt: skip
    parse = s["parse_pages_per_s_per_core"]
    add("parse_rate", "parse ≥ 500 pages/s/core", parse, None if parse is None else parse >= 500)
    geo, points = s["geocode_offline_cold_s"], s["geocode_offline_points"] or 0
    add("geocode_offline_12k", "offline geocoding of 12k points < 2 s", geo,
        None if geo is None or points < 12000 else geo < 2,
        f"{points} points, gazetteer load + first look-up (STRtree build); warm look-up "
        f"{s['geocode_offline_warm_s']} s" if geo is not None else "")  # fmt: skip
    for kind, w in run_warehouses:
        calls = w["geocode_night2_provider_calls"]
        allowed = expected["geocode_expected_max"]
        add(f"geocode_night2_calls_{kind}", "night-2 provider calls: 0 for unchanged points",
            calls, None if calls is None else calls <= allowed,
            f"at most {allowed} expected (moved points + new events)")  # fmt: skip
    for kind, w in run_warehouses:
        ratio = w["dbt_incremental_ratio"]
        add(f"dbt_incremental_{kind}", "incremental dbt ≤ 20 % of full refresh at 100k", ratio,
            None if ratio is None else ratio <= 0.2,
            "" if n >= 100_000 else f"measured at N={n}, the target is stated at 100k")  # fmt: skip
    freshness = result["steps"].get("freshness")
    if freshness:
        from bench.freshness import targets as freshness_targets

        note = f"adaptive policy, simulated N={freshness['config']['n']}, no lastmod"
        for name, target, value, met in freshness_targets(freshness):
            add(name, target, value, met, note)
    scale = result["steps"].get("scale_check")
    peaks = [v for k, v in s.items() if k.startswith("peak_rss") and v is not None]
    for w in s["warehouses"].values():
        peaks += [v for k, v in w.items() if k.startswith("peak_rss") and v is not None]
    peak_n = max(peaks, default=None)
    if scale:
        large = max((v for v in scale["10n"]["peak_rss_mb"].values() if v), default=None)
        small = max((v for v in scale["n"]["peak_rss_mb"].values() if v), default=None)
        ratio = round(large / small, 2) if large and small else None
        add("peak_rss_growth", "peak RSS at 10×N ≤ 1.5× the N figure", ratio,
            None if ratio is None else ratio <= 1.5,
            f"N={scale['n']['n']} → {scale['10n']['n']}")  # fmt: skip
        add("peak_rss_large", "peak RSS < 1 GB at 100k", large,
            None if large is None else large < 1024 if scale["10n"]["n"] >= 100_000 else None,
            f"largest step peak at N={scale['10n']['n']}")  # fmt: skip
    else:
        add("peak_rss_growth", "peak RSS at 10×N ≤ 1.5× the N figure", None, None,
            "run with --scale-check")  # fmt: skip
        add("peak_rss_large", "peak RSS < 1 GB at 100k", peak_n,
            (peak_n < 1024) if peak_n and n >= 100_000 else None,
            f"largest step peak at N={n}")  # fmt: skip
    return targets


# -- output -------------------------------------------------------------------------------------
def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 1 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dict):
        return " / ".join(f"{k} {_fmt(v)}" for k, v in value.items())
    return str(value)


def render_table(result: dict[str, Any]) -> str:
    s = result["summary"]
    kinds = list(result["warehouses"]) or ["duckdb"]
    lines = [
        f"Bouge benchmark — N={result['n']:,} seed={result['seed']} "
        f"({result['machine']['cores']} cores, {result['machine']['cpu']}) "
        f"in {result['duration_s']} s",
        "",
        f"{'metric':<34}" + "".join(f"{k:>16}" for k in kinds),
        "-" * (34 + 16 * len(kinds)),
    ]
    for key in SUMMARY_KEYS:
        row = f"{key:<34}" + "".join(f"{_fmt(s['warehouses'][k][key]):>16}" for k in kinds)
        lines.append(row)
    lines.append("")
    for key, value in s.items():
        if key != "warehouses":
            lines.append(f"{key:<34}{_fmt(value):>16}")
    if "freshness" in result["steps"]:
        from bench.freshness import render

        lines += ["", render(result["steps"]["freshness"])]
    lines += ["", "targets:"]
    for t in result["targets"]:
        state = {True: "REACHED", False: "MISSED", None: "n/a"}[t["met"]]
        note = f"  ({t['note']})" if t["note"] else ""
        lines.append(f"  [{state:^7}] {t['name']}: {t['target']}: {_fmt(t['value'])}{note}")
    failed = [
        f"  {name}: {step.get('status')} — {step.get('reason', '')[:300]}"
        for name, step in _iter_steps(result["steps"])
        if step.get("status") != "ok"
    ]
    if failed:
        lines += ["", "steps not ok:", *failed]
    return "\n".join(lines)


def _iter_steps(steps: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for name, value in steps.items():
        if not isinstance(value, dict):
            continue
        if "status" in value and "peak_rss_mb" in value:
            yield prefix + name, value
        elif name != "scale_check":
            yield from _iter_steps(value, f"{prefix}{name}.")


def write_result(result: dict[str, Any], out: Path | None) -> Path:
    if out is None:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"{result['started_at'][:10]}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    return out
