"""The measured steps. Each runs in a child process of its own (``bench.child``), so its
peak RSS is its own; each takes a JSON-able ``params`` dict and returns a metrics dict.

They call the project's real code (crawler, parser, geocoding, dbt) and adapt to what
exists: a step whose code is not there yet raises :class:`StepSkipped` with the reason.
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import time
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from bench.catalogue import Catalogue, CatalogueConfig
from ingestion import dbt_runner

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


class StepSkipped(Exception):
    """The code this step measures does not exist (yet) or cannot run here."""


def _catalogue(params: dict[str, Any]) -> Catalogue:
    return Catalogue(CatalogueConfig(**params["catalogue"]))


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    elif hasattr(value, "model_dump"):
        value = value.model_dump()
    elif hasattr(value, "_asdict"):
        value = value._asdict()
    elif not isinstance(value, dict) and hasattr(value, "__dict__"):
        value = dict(vars(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


# -- 1. parse ----------------------------------------------------------------------------
def step_parse(params: dict[str, Any]) -> dict[str, Any]:
    """Pages/s per core: the crawler's parser (script-tag cut + pydantic) vs a full DOM parse."""
    from bs4 import BeautifulSoup

    try:
        from ingestion.finishers.parser import PageRejected, parse_event_page
    except ImportError as exc:
        raise StepSkipped(f"ingestion.finishers.parser not importable: {exc}") from None
    cat = _catalogue(params)
    count = min(int(params["parse_pages"]), cat.config.n)
    pages = [(cat.slug(i), cat.page_html(i, 1)) for i in range(count)]
    total_bytes = sum(len(body) for _, body in pages)

    def timed(fn: Any) -> tuple[float, float, int]:
        rejected = 0
        wall, cpu = time.perf_counter(), time.process_time()
        for slug, body in pages:
            try:
                fn(slug, body)
            except PageRejected:
                rejected += 1
        return time.perf_counter() - wall, time.process_time() - cpu, rejected

    def dom(slug: str, body: bytes) -> None:
        soup = BeautifulSoup(body, "lxml")
        tag = soup.find("script", id="__NEXT_DATA__")
        if tag is None or not tag.string:
            raise PageRejected("no_next_data")
        try:
            json.loads(tag.string)
        except ValueError:
            raise PageRejected("invalid_json") from None

    parse_event_page(pages[0][1], pages[0][0])  # warm imports and pydantic
    wall, cpu, rejected = timed(lambda slug, body: parse_event_page(body, slug))
    dom_count = min(count, int(params.get("dom_pages", count)))
    full = pages
    pages = pages[:dom_count]
    dom_wall, dom_cpu, _ = timed(dom)
    pages = full
    rate, dom_rate = count / cpu, dom_count / dom_cpu
    return {
        "pages": count,
        "avg_page_kb": round(total_bytes / count / 1024, 2),
        "rejected": rejected,
        "parse_wall_s": round(wall, 3),
        "parse_pages_per_s_per_core": round(rate, 1),
        "dom_pages": dom_count,
        "dom_wall_s": round(dom_wall, 3),
        "dom_pages_per_s_per_core": round(dom_rate, 1),
        "speedup_vs_dom": round(rate / dom_rate, 2),
        "parser": "ingestion.finishers.parser.parse_event_page",
        "dom_reference": "BeautifulSoup(lxml) + find(__NEXT_DATA__) + json.loads",
    }


# -- crawl (nights 1 and 2) --------------------------------------------------------------
def _warehouse_counts() -> dict[str, Any]:
    from ingestion.warehouse import current_warehouse

    counts: dict[str, Any] = {}
    try:
        with current_warehouse().reader() as reader:
            for key, sql in (
                ("events", "select count(*) as n from raw_finishers.events"),
                ("events_listed", "select count(*) as n from raw_finishers.events where is_listed"),
                ("races", "select count(*) as n from raw_finishers.races"),
                ("rejects", "select count(*) as n from raw_finishers.rejects"),
            ):
                try:
                    counts[key] = reader.records(sql)[0]["n"]
                except Exception:
                    counts[key] = None  # not landed (yet)
    except Exception as exc:
        return {"error": str(exc)[:200]}
    return counts


def _later_clock(hours: float) -> Any:
    """A clock ``hours`` ahead of now, for ``run_crawl(clock=...)`` ("the next night").

    The refresh policy compares the run's clock with ``last_checked_at``; night 2 is
    crawled a few minutes after night 1 here, and as if a day later in production.
    """
    from datetime import UTC, datetime, timedelta

    offset = timedelta(hours=hours)
    return lambda: datetime.now(UTC) + offset


def step_crawl(params: dict[str, Any]) -> dict[str, Any]:
    """One crawl of the served night into the warehouse of this process's environment."""
    try:
        from ingestion import finishers
    except ImportError as exc:
        raise StepSkipped(f"ingestion.finishers not importable: {exc}") from None
    run_crawl = getattr(finishers, "run_crawl", None)
    gap = float(params.get("clock_offset_hours") or 0)
    started = time.perf_counter()
    if run_crawl is not None:
        accepted = inspect.signature(run_crawl).parameters
        wanted = {"base_url": params["base_url"], "crawl_delay": 0.0, "delay": 0.0}
        wanted.update(params.get("crawl_kwargs", {}))
        kwargs = {k: v for k, v in wanted.items() if k in accepted}
        how = "run_crawl(" + ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        if gap:
            if "clock" not in accepted:
                raise StepSkipped("run_crawl has no clock= parameter to crawl the next night")
            kwargs["clock"] = _later_clock(gap)
            how += f", clock=now+{gap:g}h"
        how += ")"
        summary = _jsonable(run_crawl(**kwargs))
    else:
        cmd = [sys.executable, "-m", "ingestion.finishers"]
        proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr[-1500:]}")
        summary = {"stdout_tail": proc.stdout[-1000:]}
        how = "python -m ingestion.finishers"
    wall = time.perf_counter() - started
    return {"wall_s": round(wall, 3), "how": how, "summary": summary, **_warehouse_counts()}


# -- 3. geocoding ------------------------------------------------------------------------
def step_geocode_offline(params: dict[str, Any]) -> dict[str, Any]:
    """Offline points/s: the gazetteer's point-in-polygon on the catalogue's points."""
    try:
        from ingestion.geocoding import gazetteer
    except ImportError as exc:
        raise StepSkipped(f"ingestion.geocoding.gazetteer not importable: {exc}") from None
    cat = _catalogue(params)
    points = list(cat.points(int(params["geocode_points"])))
    started = time.perf_counter()
    try:
        gaz = gazetteer.load_gazetteer()
    except Exception as exc:
        raise StepSkipped(f"gazetteer unavailable ({exc}); run `make gazetteer`") from None
    load_s = time.perf_counter() - started
    runs = []  # the first look-up also builds the STRtree (shapely builds it lazily)
    for _ in range(3):
        started = time.perf_counter()
        hits = gazetteer.locate_points(points)
        runs.append(time.perf_counter() - started)
    cold, warm = runs[0], min(runs[1:])
    found = sum(1 for hit in hits if getattr(hit, "commune", None))
    out = {
        "points": len(points),
        "gazetteer_load_s": round(load_s, 3),
        "first_locate_s": round(cold, 3),
        "warm_locate_s": round(warm, 3),
        "cold_total_s": round(load_s + cold, 3),
        "points_per_s": round(len(points) / warm, 1),
        "cold_points_per_s": round(len(points) / (load_s + cold), 1),
        "found_in_france": found,
        "communes": len(getattr(gaz, "communes", []) or []),
    }
    try:
        from ingestion.geocoding.offline import OfflineProvider

        provider = OfflineProvider(gaz)
        started = time.perf_counter()
        provider.reverse_many(points)
        out["reverse_many_s"] = round(time.perf_counter() - started, 3)
    except Exception as exc:  # the fuller API is optional for this number
        out["reverse_many_error"] = str(exc)[:200]
    return out


def step_geocode_warehouse(params: dict[str, Any]) -> dict[str, Any]:
    """Geocode the landed events (``run_geocoding``, as ``python -m ingestion.geocoding``)."""
    try:
        from ingestion.geocoding import run_geocoding
    except ImportError as exc:
        raise StepSkipped(f"ingestion.geocoding.run_geocoding not importable: {exc}") from None
    started = time.perf_counter()
    summary = run_geocoding(params.get("provider"))
    wall = time.perf_counter() - started
    rows = [r for r in _jsonable(summary.run_rows) if r.get("provider") != "none"]
    result = summary.result
    return {
        "wall_s": round(wall, 3),
        "provider": getattr(summary.config, "provider", None),
        "pois_seen": getattr(result, "pois_seen", None),
        "pois_relanded": getattr(result, "pois_changed", None),
        "statuses": _jsonable(getattr(result, "statuses", {})),
        "provider_calls": sum(int(r.get("requests") or 0) for r in rows),
        "run": {"rows": rows},
    }


# -- 4. dbt ------------------------------------------------------------------------------
def _dbt(args: list[str], work: Path) -> tuple[float, str]:
    dbt = VENV_BIN / "dbt"
    if not dbt.exists():
        raise StepSkipped("dbt is not installed in the venv")
    if not (REPO_ROOT / "dbt_project" / "models").is_dir() or not any(
        (REPO_ROOT / "dbt_project" / "models").rglob("*.sql")
    ):
        raise StepSkipped("dbt_project has no models yet")
    cmd = dbt_runner.command(
        *args, "--target-path", str(work / "target"), "--log-path", str(work / "logs")
    )
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        marker = proc.stdout.rfind("Completed with")
        detail = _ANSI.sub("", proc.stdout[marker:] if marker >= 0 else proc.stdout)[-3000:]
        raise RuntimeError(f"dbt {' '.join(args)} exited {proc.returncode}: {detail}")
    return wall, proc.stdout


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _dbt_summary(stdout: str) -> str:
    lines = [_ANSI.sub("", line) for line in stdout.splitlines() if "PASS=" in line]
    return lines[-1].split("Done.", 1)[-1].strip() if lines else ""


def step_dbt(params: dict[str, Any]) -> dict[str, Any]:
    """``dbt build`` (``--full-refresh`` or incremental) on this process's warehouse."""
    work = Path(params["workdir"])
    args = ["build", *(["--full-refresh"] if params.get("full_refresh") else [])]
    if params.get("dbt_vars"):
        args += ["--vars", json.dumps(params["dbt_vars"])]
    if not params.get("unit_tests"):
        # unit tests are a CI check on mocked inputs, not part of the nightly work measured
        args += ["--exclude-resource-type", "unit_test"]
    wall, stdout = _dbt(args, work)
    return {
        "wall_s": round(wall, 3),
        "args": args,
        "result": _dbt_summary(stdout),
        **_run_results(work / "target" / "run_results.json"),
    }


def _run_results(path: Path) -> dict[str, Any]:
    """Where dbt's time went: seconds per resource type and the slowest nodes."""
    try:
        results = json.loads(path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return {}
    by_type: dict[str, float] = {}
    nodes = []
    for r in results:
        kind = r["unique_id"].split(".", 1)[0]
        by_type[kind] = round(by_type.get(kind, 0.0) + (r.get("execution_time") or 0.0), 3)
        nodes.append((round(r.get("execution_time") or 0.0, 3), r["unique_id"]))
    nodes.sort(reverse=True)
    return {
        "nodes": len(results),
        "node_seconds_by_type": by_type,
        "slowest_nodes": [{"node": uid, "s": t} for t, uid in nodes[:8]],
    }


# -- 6. end to end -----------------------------------------------------------------------
def step_e2e(params: dict[str, Any]) -> dict[str, Any]:
    """Demo-equivalent: crawl (CLI), geocode (CLI), dbt build, dbt docs generate, counts."""
    work = Path(params["workdir"])
    parts: dict[str, float] = {}
    started = time.perf_counter()
    for name, cmd in (
        # a local site: no crawl delay unless one is configured
        ("crawl", [sys.executable, "-m", "ingestion.finishers", "--base-url", params["base_url"]]),
        ("geocode", [sys.executable, "-m", "ingestion.geocoding"]),
    ):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[1:])} exited {proc.returncode}: "
                               f"{(proc.stderr or proc.stdout)[-1500:]}")  # fmt: skip
        parts[name] = round(time.perf_counter() - t0, 3)
    parts["dbt_build"] = round(_dbt(["build"], work)[0], 3)
    if params.get("docs", True):
        parts["dbt_docs_generate"] = round(_dbt(["docs", "generate"], work)[0], 3)
    return {
        "wall_s": round(time.perf_counter() - started, 3),
        "parts_s": parts,
        **_warehouse_counts(),
    }


STEPS = {
    "parse": step_parse,
    "crawl": step_crawl,
    "geocode_offline": step_geocode_offline,
    "geocode_warehouse": step_geocode_warehouse,
    "dbt": step_dbt,
    "e2e": step_e2e,
}
