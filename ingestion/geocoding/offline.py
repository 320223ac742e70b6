"""`offline` provider: INSEE codes from the commune polygons, no network."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ingestion.geocoding import settings
from ingestion.geocoding.gazetteer import Commune, Gazetteer, Hit, load_gazetteer
from ingestion.geocoding.normalize import point_key, query_key, round_coordinate
from ingestion.geocoding.result import GeocodedPoint, to_json

NAME = "offline"


def _fill(point: GeocodedPoint, commune: Commune) -> GeocodedPoint:
    point.insee_code = commune.insee_code
    point.arrondissement_code = commune.arrondissement_code
    point.commune_name = commune.commune_name
    point.postal_code = commune.postal_code
    point.postal_codes = ",".join(commune.postal_codes) or None
    point.department_code = commune.department_code
    point.department_name = commune.department_name
    point.region_code = commune.region_code
    point.region_name = commune.region_name
    point.country_code = "FR"
    point.city = commune.commune_name
    return point


class OfflineProvider:
    name = NAME

    def __init__(
        self, gazetteer: Gazetteer, max_distance_m: float = settings.NEAREST_COMMUNE_MAX_M
    ):
        self.gazetteer = gazetteer
        self.max_distance_m = max_distance_m
        # The reach is part of the answer: a cached point is recomputed when it changes.
        self.version = f"{gazetteer.version}+near{max_distance_m:g}m"
        self.requests = 0  # polygon look-ups, for the run summary

    @classmethod
    def from_path(
        cls, path: Path | None = None, max_distance_m: float = settings.NEAREST_COMMUNE_MAX_M
    ) -> OfflineProvider:
        return cls(load_gazetteer(path), max_distance_m)

    def reverse_many(self, points: Sequence[tuple[float, float]]) -> list[GeocodedPoint]:
        """Locate (latitude, longitude) pairs in one vectorised pass."""
        hits = self.gazetteer.locate_many(
            [p[0] for p in points], [p[1] for p in points], self.max_distance_m
        )
        self.requests += len(points)
        return [self._point(lat, lon, hit) for (lat, lon), hit in zip(points, hits, strict=True)]

    def reverse(self, latitude: float, longitude: float) -> GeocodedPoint:
        return self.reverse_many([(latitude, longitude)])[0]

    def _point(self, latitude: float, longitude: float, hit: Hit) -> GeocodedPoint:
        lat, lon = round_coordinate(latitude), round_coordinate(longitude)
        point = GeocodedPoint(
            point_key=point_key(NAME, lat, lon),
            provider=NAME,
            provider_version=self.version,
            kind="reverse",
            status="ok" if hit.commune else "not_found",
            reason=hit.reason,
            query_latitude=lat,
            query_longitude=lon,
            latitude=lat,
            longitude=lon,
            match=hit.match,
            distance=hit.distance_m,
            attempts=1,
        )
        if hit.commune:
            _fill(point, hit.commune)
            point.payload = to_json({"commune": hit.commune.__dict__, "match": hit.match})
        return point

    def search(self, city: str, department_name: str | None) -> GeocodedPoint:
        """Forward look-up by commune name (in the page's department if the name is shared)."""
        query = ", ".join(p for p in (city, department_name) if p)
        self.requests += 1
        commune = self.gazetteer.find_by_name(city, department_name)
        point = GeocodedPoint(
            point_key=query_key(NAME, query),
            provider=NAME,
            provider_version=self.version,
            kind="search",
            status="ok" if commune else "not_found",
            reason=None if commune else "not_found",
            query=query,
            match="name" if commune else None,
            attempts=1,
        )
        if commune:
            _fill(point, commune)
            point.latitude, point.longitude = commune.centre_latitude, commune.centre_longitude
            point.payload = to_json({"commune": commune.__dict__})
        return point


def geocode_offline(
    points: Sequence[tuple[float, float]], path: Path | None = None
) -> list[GeocodedPoint]:
    """Offline rows for (latitude, longitude) pairs, no cache, no warehouse (for benchmarks)."""
    return OfflineProvider.from_path(path).reverse_many(points)
