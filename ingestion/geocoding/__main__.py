"""``python -m ingestion.geocoding [--provider X]``: geocode the landed events, print a summary."""

from __future__ import annotations

import argparse
import sys

from ingestion.env import EnvSettingError
from ingestion.geocoding import run_geocoding, settings
from ingestion.geocoding.gazetteer import GazetteerError
from ingestion.warehouse import WarehouseError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingestion.geocoding",
        description="Geocode raw_finishers.events into raw_geocoding (warehouse: DBT_TARGET).",
    )
    parser.add_argument(
        "--provider",
        choices=settings.PROVIDERS,
        help="overrides GEOCODER (default: offline)",
    )
    args = parser.parse_args(argv)
    try:
        summary = run_geocoding(args.provider)
    except (GazetteerError, EnvSettingError, WarehouseError) as exc:
        print(f"geocoding: cannot run: {exc}", file=sys.stderr)
        return 2
    print(summary.table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
