"""What a provider returns for one look-up: one row of ``raw_geocoding.geocoded_points``."""

from __future__ import annotations

import json
from dataclasses import field
from datetime import UTC, datetime
from typing import Any

from ingestion.geocoding.columns import LOCATION_FIELDS, POINT_COLUMNS
from ingestion.raw_tables import row_type

__all__ = ["LOCATION_FIELDS", "GeocodedPoint", "to_json", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Answer:
    """What a cached answer does; its fields are the columns of ``geocoded_points``."""

    __slots__ = ()  # one per point looked up: 100k+ in memory on a full run

    status: str  # `ok`, `not_found`, `failed`

    @property
    def usable(self) -> bool:
        """A final answer worth caching (failures are retried on the next run)."""
        return self.status in ("ok", "not_found")

    def to_row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in POINT_COLUMNS}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Any:
        return cls(**{k: v for k, v in row.items() if k in POINT_COLUMNS})


# The answer of one provider to one reverse (`point`) or forward (`search`) look-up.
GeocodedPoint: Any = row_type(
    "GeocodedPoint",
    POINT_COLUMNS,
    bases=(_Answer,),
    slots=True,
    attempts=0,
    geocoded_at=field(default_factory=utcnow),
)


def to_json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
