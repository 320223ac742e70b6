"""What a provider returns for one look-up: one row of ``raw_geocoding.geocoded_points``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

# Location columns shared by geocoded_points and poi_locations.
LOCATION_FIELDS = (
    "insee_code",
    "arrondissement_code",
    "commune_name",
    "postal_code",
    "postal_codes",
    "department_code",
    "department_name",
    "region_code",
    "region_name",
    "country_code",
    "label",
    "street",
    "housenumber",
)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)  # one per point looked up: 100k+ in memory on a full run
class GeocodedPoint:
    """The answer of one provider to one reverse (`point`) or forward (`search`) look-up."""

    point_key: str
    provider: str
    kind: str  # `reverse` or `search`
    status: str  # `ok`, `not_found`, `failed`
    reason: str | None = None
    provider_version: str | None = None
    query: str | None = None
    query_latitude: float | None = None
    query_longitude: float | None = None
    latitude: float | None = None  # the located point (the query point for reverse)
    longitude: float | None = None
    insee_code: str | None = None
    arrondissement_code: str | None = None
    commune_name: str | None = None
    postal_code: str | None = None
    postal_codes: str | None = None  # all postal codes of the commune, comma-separated
    department_code: str | None = None
    department_name: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    country_code: str | None = None
    label: str | None = None
    street: str | None = None
    housenumber: str | None = None
    city: str | None = None
    result_type: str | None = None
    score: float | None = None
    distance: float | None = None
    match: str | None = None  # offline: `polygon`, `nearest` (see `distance`) or `name`
    attempts: int = 0
    payload: str | None = None  # raw provider answer, JSON text
    geocoded_at: datetime = field(default_factory=utcnow)

    @property
    def usable(self) -> bool:
        """A final answer worth caching (failures are retried on the next run)."""
        return self.status in ("ok", "not_found")

    def to_row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _FIELD_NAMES}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> GeocodedPoint:
        return cls(**{k: v for k, v in row.items() if k in _FIELD_NAMES})


_FIELD_NAMES = tuple(f.name for f in fields(GeocodedPoint))


def to_json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
