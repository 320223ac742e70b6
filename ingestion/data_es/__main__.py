"""CLI: ``python -m ingestion.data_es [--mode auto|full|delta] [--base-url URL]``."""

from __future__ import annotations

import argparse
import logging
import sys

from ingestion.env import EnvSettingError

from .helpers import DataEsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingestion.data_es",
        description="Read Data ES (sport facilities) into raw_data_es (DBT_TARGET warehouse).",
    )
    parser.add_argument(
        "--mode",
        choices=["auto", "full", "delta", "export"],
        default="auto",
        help="auto: resume a stopped read, else the nightly delta, or a full read weekly; "
        "export: a full reconciliation from the bulk CSV export (one request, not resumable)",
    )
    parser.add_argument(
        "--base-url", help="API root (default SOURCES__DATA_ES__BASE_URL or the live API)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from .sync import run_sync

    try:
        summary = run_sync(args.mode, args.base_url, progress=not args.no_progress)
    except (DataEsError, EnvSettingError) as exc:
        print(f"data_es: cannot run: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("data_es: interrupted; landed batches are kept, rerun to resume", file=sys.stderr)
        return 130
    print(summary.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
