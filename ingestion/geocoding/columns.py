"""The raw tables of ``raw_geocoding``, declared once: dlt's column schemas (types and
required columns), read by the resources, the cache reader and the contract tests."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ingestion.geocoding.result import GeocodedPoint


def _cols(spec: dict[str, str], required: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    return {
        name: {"data_type": data_type, "nullable": name not in required}
        for name, data_type in spec.items()
    }


_LOCATION_TYPES = {
    "insee_code": "text",
    "arrondissement_code": "text",
    "commune_name": "text",
    "postal_code": "text",
    "postal_codes": "text",
    "department_code": "text",
    "department_name": "text",
    "region_code": "text",
    "region_name": "text",
    "country_code": "text",
    "label": "text",
    "street": "text",
    "housenumber": "text",
}

POI_COLUMNS = _cols(
    {
        "source": "text",
        "original_id": "text",
        "latitude": "double",
        "longitude": "double",
        "precision": "text",
        "location_source": "text",
        **_LOCATION_TYPES,
        "match": "text",
        "match_distance_m": "double",
        "geocoder": "text",
        "status": "text",
        "reason": "text",
        "department_mismatch": "bool",
        "geocoded_at": "timestamp",
        "row_hash": "text",
    },
    required=("source", "original_id"),
)

_POINT_TYPES = {
    "query_latitude": "double",
    "query_longitude": "double",
    "latitude": "double",
    "longitude": "double",
    "score": "double",
    "distance": "double",
    "attempts": "bigint",
    "geocoded_at": "timestamp",
}
POINT_COLUMNS = _cols(
    {f.name: _POINT_TYPES.get(f.name, "text") for f in fields(GeocodedPoint)},
    required=("point_key",),
)

RUN_COLUMNS = _cols(
    {
        "run_id": "text",
        "started_at": "timestamp",
        "finished_at": "timestamp",
        "geocoder": "text",
        "provider": "text",
        "seen": "bigint",
        "cached": "bigint",
        "geocoded": "bigint",
        "not_found": "bigint",
        "failed": "bigint",
        "requests": "bigint",
        "pois_seen": "bigint",
        "pois_changed": "bigint",
        "warehouse": "text",
        "gazetteer_version": "text",
    },
    required=("run_id",),
)
