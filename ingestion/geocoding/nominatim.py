"""`nominatim` provider: addresses abroad from OpenStreetMap's Nominatim.

The public instance's usage policy (https://operations.osmfoundation.org/policies/nominatim/)
asks for an identifying User-Agent, at most one request per second, cached results and no
bulk/systematic queries: the cache in ``geocoded_points`` makes a re-run free, and the
domain is configurable to point at a self-hosted instance for large back-fills.
Data © OpenStreetMap contributors, ODbL.
"""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from geopy.geocoders import Nominatim

from ingestion.geocoding.online import GeopyProvider
from ingestion.geocoding.result import GeocodedPoint

NAME = "nominatim"
_CITY_KEYS = ("city", "town", "village", "municipality", "hamlet", "suburb")


def parse_place(point: GeocodedPoint, place: dict[str, Any]) -> GeocodedPoint:
    """Fill ``point`` from one Nominatim place (``format=json``, ``addressdetails=1``)."""
    address = place.get("address") or {}
    city = next((address[k] for k in _CITY_KEYS if address.get(k)), None)
    country = address.get("country_code")
    point.country_code = country.upper() if country else None
    point.city = city
    point.commune_name = city
    point.postal_code = address.get("postcode")  # free text abroad (e.g. `1000`, `SW1A 1AA`)
    point.region_name = address.get("state")
    point.department_name = address.get("county")
    point.street = address.get("road") or address.get("pedestrian") or address.get("path")
    point.housenumber = address.get("house_number")
    point.label = place.get("display_name")
    point.result_type = place.get("addresstype") or place.get("type")
    with contextlib.suppress(KeyError, TypeError, ValueError):
        point.latitude, point.longitude = float(place["lat"]), float(place["lon"])
    return point


class NominatimProvider(GeopyProvider):
    name = NAME
    version = "nominatim"
    geocoder_class = Nominatim
    reverse_options: ClassVar[dict[str, Any]] = {"addressdetails": True}
    parse = staticmethod(parse_place)

    def search(self, query: str, country_code: str | None = None) -> GeocodedPoint:
        kwargs: dict[str, Any] = {"addressdetails": True}
        if country_code:
            kwargs["country_codes"] = country_code.lower()
        return self._run(self._search_point(query), self.geocoder.geocode, query, **kwargs)
