"""Geocode the landed POIs into raw_geocoding (warehouse: DBT_TARGET), print a summary.

``python -m ingestion.geocoding [--provider X]``
"""

from __future__ import annotations

from ingestion.cli import run_step, step_parser
from ingestion.geocoding import run_geocoding, settings
from ingestion.geocoding.gazetteer import GazetteerError
from ingestion.warehouse import WarehouseError


def main(argv: list[str] | None = None) -> int:
    parser = step_parser(__package__, __doc__)
    parser.add_argument(
        "--provider",
        choices=settings.PROVIDERS,
        help="overrides GEOCODER (default: offline)",
    )
    args = parser.parse_args(argv)
    return run_step(
        "geocoding",
        lambda: run_geocoding(args.provider),
        cannot_run=(GazetteerError, WarehouseError),
        resumable=False,
    )


if __name__ == "__main__":
    raise SystemExit(main())
