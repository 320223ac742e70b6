"""Read Data ES (sport facilities) into raw_data_es (DBT_TARGET warehouse).

``python -m ingestion.data_es [--mode auto|export|full|delta] [--base-url URL] [--no-progress]``
"""

from __future__ import annotations

import logging
import sys

from ingestion.cli import run_step, step_parser

from .helpers import DataEsError


def main(argv: list[str] | None = None) -> int:
    parser = step_parser(__package__, __doc__, progress=True)
    parser.add_argument(
        "--mode",
        choices=["auto", "full", "delta", "export"],
        default="auto",
        help="auto: resume a stopped paged read, else the nightly delta, or weekly a full "
        "reconciliation from the parquet export; export: that full read now (2 requests, "
        "restarted whole if stopped); full: the full read paged through /records (resumable)",
    )
    parser.add_argument(
        "--base-url", help="API root (default SOURCES__DATA_ES__BASE_URL or the live API)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from .sync import run_sync

    return run_step(
        "data_es",
        lambda: run_sync(args.mode, args.base_url, progress=not args.no_progress),
        cannot_run=(DataEsError,),
    )


if __name__ == "__main__":
    sys.exit(main())
