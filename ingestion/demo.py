"""``make demo``: the whole pipeline, offline, on the bundled snapshots of both sources.

Serves ``ingestion/finishers/snapshot/site`` on 127.0.0.1, then runs exactly what
production runs — the crawl, the geocoding, ``dbt build``, the static docs site
(:mod:`ingestion.docs_site`) — with only the base URL and the crawl delay changed, and
prints the row count of each mart.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from ingestion import dbt_runner
from ingestion.data_es.snapshot import load_snapshot
from ingestion.data_es.snapshot.server import serve_explore
from ingestion.finishers.snapshot.server import SITE_DIR, serve_site
from ingestion.warehouse import REPO_ROOT, LocalPaths, WarehouseError, current_warehouse

MARTS = ("poi", "address", "address_poi", "activity", "registered_poi")


def _step(title: str, command: list[str], env: dict[str, str]) -> None:
    print(f"\n==> {title}: {' '.join(command)}", flush=True)
    started = time.monotonic()
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, check=False)
    if result.returncode != 0:
        print(f"demo stopped: '{title}' failed with exit code {result.returncode}", file=sys.stderr)
        sys.exit(2 if result.returncode == 2 else 1)
    print(f"    ({title}: {time.monotonic() - started:.1f} s)", flush=True)


def mart_row_counts() -> dict[str, int]:
    """Row counts of the Bouge marts in the current warehouse."""
    with current_warehouse().reader() as reader:
        return {
            mart: int(reader.records(f"select count(*) as n from bouge.{mart}")[0]["n"])
            for mart in MARTS
        }


def source_counts() -> list[tuple[str, int, int]]:
    """(source, POIs, activities) in the current warehouse: races next to facilities."""
    with current_warehouse().reader() as reader:
        rows = reader.records(
            "select poi.source as source, count(distinct poi.poi_id) as pois, "
            "count(activity.activity_id) as activities "
            "from bouge.poi left join bouge.activity on activity.poi_id = poi.poi_id "
            "group by poi.source order by poi.source"
        )
    return [(str(r["source"]), int(r["pois"]), int(r["activities"])) for r in rows]


def run_demo(site_dir: Path) -> None:
    warehouse = current_warehouse()
    with warehouse.reader():  # a warehouse that does not answer stops here, in one line
        pass
    print(f"Bouge demo: warehouse {warehouse.describe()}")
    started = time.monotonic()
    env = {**os.environ, "FINISHERS_CRAWL_DELAY": "0"}
    if not sys.stdout.isatty():  # `make demo > log`: no colour codes in the log
        env.setdefault("DBT_USE_COLORS", "false")
    python = sys.executable
    with serve_site(site_dir) as site:
        print(f"serving the snapshot {site_dir.relative_to(REPO_ROOT)} on {site.base_url}")
        env["FINISHERS_BASE_URL"] = site.base_url
        _step("crawl", [python, "-m", "ingestion.finishers", "--no-progress"], env)
    # Data ES: the bundled Explore v2.1 snapshot, read by the same CLI as production
    with serve_explore(load_snapshot()) as api:
        print(f"serving the Data ES snapshot on {api.base_url}")
        data_es_env = {**env, "SOURCES__DATA_ES__BASE_URL": api.base_url}
        _step("data_es", [python, "-m", "ingestion.data_es", "--no-progress"], data_es_env)
    _step("geocode", [python, "-m", "ingestion.geocoding"], env)
    _step("dbt build", dbt_runner.command("build"), env)
    _step("docs site", [python, "-m", "ingestion.docs_site"], env)

    print("\nBouge marts (schema bouge):")
    for mart, count in mart_row_counts().items():
        print(f"  {mart:<15} {count:>6} rows")
    print("By source:")
    for source, pois, activities in source_counts():
        print(f"  {source:<15} {pois:>6} POIs {activities:>6} activities")
    print(f"\nDone in {time.monotonic() - started:.0f} s.")
    docs = LocalPaths.resolve().dbt_target / "static_index.html"
    print(f"Docs site: open {docs} in a browser (or `make docs` to serve it)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE_DIR, help="snapshot folder to serve")
    args = parser.parse_args(argv)
    try:
        run_demo(args.site)
    except WarehouseError as exc:
        print(f"demo: cannot run: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
