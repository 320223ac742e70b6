"""``python -m bench``: benchmark the pipeline on a synthetic finishers.com of N events.

BENCH_N=2000 python -m bench                  # every step, DuckDB + Postgres if reachable
python -m bench --n 5000 --steps parse,crawl,night2
python -m bench --n 10000 --scale-check       # peak RSS at N and 10×N
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bench.runner import ALL_STEPS, Options, render_table, run, write_result


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n", 1)[1],
    )  # fmt: skip
    parser.add_argument(
        "--n",
        type=int,
        default=int(os.environ.get("BENCH_N", "12000")),
        help="events on night 1 (env BENCH_N, default 12000)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--steps",
        default=",".join(ALL_STEPS),
        help=f"comma-separated subset of {','.join(ALL_STEPS)} (prerequisites "
        "of the pipeline steps run anyway)",
    )
    parser.add_argument(
        "--warehouses",
        default="duckdb,postgres",
        help="duckdb and/or postgres (skipped when not reachable)",
    )
    parser.add_argument(
        "--scale-check",
        action="store_true",
        help="also run crawl/geocode/dbt at N and 10×N and compare peak RSS",
    )
    parser.add_argument("--changed", type=float, default=0.01, help="night 2: share changed")
    parser.add_argument("--removed", type=float, default=0.005, help="night 2: share unlisted")
    parser.add_argument("--new", type=float, default=0.005, help="night 2: share added")
    parser.add_argument(
        "--deploy-each-night",
        action="store_true",
        help="new Next.js buildId on night 2 (every ETag moves)",
    )
    parser.add_argument("--no-lastmod", action="store_true", help="site map without <lastmod>")
    parser.add_argument(
        "--night-gap-hours",
        type=float,
        default=24.0,
        help="crawl night 2 as if this many hours after night 1 (0: at once)",
    )
    parser.add_argument(
        "--dbt-overlap-hours",
        type=float,
        default=0.0,
        help="incremental_overlap_hours for dbt (default 0: nights land minutes "
        "apart here; a negative value keeps dbt_project.yml's)",
    )
    parser.add_argument(
        "--dbt-unit-tests",
        action="store_true",
        help="include dbt unit tests in the timed builds (default: excluded)",
    )
    parser.add_argument(
        "--freshness-nights",
        type=int,
        default=60,
        help="nights replayed by the freshness simulation (virtual time, no HTTP)",
    )
    parser.add_argument("--parse-pages", type=int, default=2000)
    parser.add_argument("--dom-pages", type=int, default=500)
    parser.add_argument(
        "--geocode-points",
        type=int,
        default=None,
        help="points for the offline geocoding rate (default max(N, 12000))",
    )
    parser.add_argument("--no-docs", action="store_true", help="e2e without dbt docs generate")
    parser.add_argument(
        "--out", type=Path, default=None, help="result file (default bench/results/<date>.json)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work dir and databases")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)  # fmt: skip
    steps = tuple(s.strip() for s in args.steps.split(",") if s.strip())
    unknown = set(steps) - set(ALL_STEPS)
    if unknown:
        parser.error(f"unknown steps {sorted(unknown)}; choose from {','.join(ALL_STEPS)}")
    extra = {"deploy_each_night": args.deploy_each_night, "lastmod": not args.no_lastmod}
    return Options(
        n=args.n, seed=args.seed, steps=steps,
        warehouses=tuple(w.strip() for w in args.warehouses.split(",") if w.strip()),
        scale_check=args.scale_check, changed=args.changed, removed=args.removed, new=args.new,
        parse_pages=args.parse_pages, dom_pages=args.dom_pages,
        geocode_points=args.geocode_points, docs=not args.no_docs, out=args.out,
        night_gap_hours=args.night_gap_hours, dbt_unit_tests=args.dbt_unit_tests,
        dbt_overlap_hours=None if args.dbt_overlap_hours < 0 else args.dbt_overlap_hours,
        keep=args.keep, quiet=args.quiet, catalogue_extra=extra,
        freshness_nights=args.freshness_nights,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    result = run(opts)
    path = write_result(result, opts.out)
    print(render_table(result))
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
