"""Crawl finishers.com event pages into raw_finishers (DBT_TARGET warehouse).

``python -m ingestion.finishers [--limit N] [--slug S] [--refresh all] [--base-url U]
[--backfill] [--accept-shrink] [--unlisted] [--no-progress]``

Exit status: 0 done (also ``partial_budget``: the budget stopped it, the next run goes
on); 2 cannot run (bad setting, site or warehouse unreachable, another run holds the
lock); 3 anomaly (a guard stopped the run: see ``ingest_runs.anomaly``); 130 interrupted.
"""

from __future__ import annotations

import logging
import sys

from ingestion.cli import run_step, step_parser

from .crawl import CrawlAnomaly, CrawlError, run_crawl


def main(argv: list[str] | None = None) -> int:
    parser = step_parser(__package__, __doc__, progress=True)
    parser.add_argument("--limit", type=int, help="crawl only the first N site-map events")
    parser.add_argument(
        "--slug",
        action="append",
        dest="slugs",
        metavar="SLUG",
        help="crawl this event (repeatable)",
    )
    parser.add_argument(
        "--refresh",
        choices=["auto", "all"],
        default="auto",
        help="'all' re-checks every page (conditional GET) instead of the refresh policy",
    )
    parser.add_argument(
        "--base-url", help="site to crawl (default FINISHERS_BASE_URL or https://www.finishers.com)"
    )
    parser.add_argument(
        "--backfill",
        action="store_true",
        help="no time or request budget (a first full crawl in one go)",
    )
    parser.add_argument(
        "--accept-shrink",
        action="store_true",
        help="believe a site map that unlists more than FINISHERS_MAX_UNLIST_SHARE of the events",
    )
    parser.add_argument(
        "--unlisted",
        action="store_true",
        help="crawl a --slug even if the site map does not list it (it lands as unlisted)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return run_step(
        "finishers",
        lambda: run_crawl(
            base_url=args.base_url,
            limit=args.limit,
            slugs=args.slugs,
            refresh=args.refresh,
            progress=not args.no_progress and sys.stderr.isatty(),
            backfill=args.backfill,
            accept_shrink=args.accept_shrink,
            unlisted_slugs=args.unlisted,
        ),
        cannot_run=(CrawlError,),
        anomaly=(CrawlAnomaly,),
    )


if __name__ == "__main__":
    sys.exit(main())
