"""`geoplateforme` provider: street-level addresses in France from the IGN Géoplateforme.

The Base Adresse Nationale API moved from api-adresse.data.gouv.fr (shut down in January
2026, still geopy's default) to ``https://data.geopf.fr/geocodage`` (``/reverse``,
``/search``, GeoJSON FeatureCollection answers, 50 requests/s per IP). geopy's
``BANFrance`` speaks it once given that domain.
"""

from __future__ import annotations

from typing import Any

from geopy.geocoders import BANFrance

from ingestion.geocoding.normalize import department_code, normalize_postal, split_arrondissement
from ingestion.geocoding.online import GeopyProvider
from ingestion.geocoding.result import GeocodedPoint

NAME = "geoplateforme"


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def parse_feature(point: GeocodedPoint, feature: dict[str, Any]) -> GeocodedPoint:
    """Fill ``point`` from one GeoJSON feature of a Géoplateforme answer."""
    props = feature.get("properties") or {}
    coordinates = (feature.get("geometry") or {}).get("coordinates") or [None, None]
    insee, arrondissement = split_arrondissement(props.get("citycode"))
    context = [part.strip() for part in str(props.get("context") or "").split(",")]
    point.insee_code = insee
    point.arrondissement_code = arrondissement
    point.department_code = department_code(insee)
    point.department_name = context[1] if len(context) > 1 else None
    point.region_name = context[2] if len(context) > 2 else None
    point.postal_code = normalize_postal(props.get("postcode"))
    point.city = props.get("city")
    point.commune_name = props.get("city")
    point.country_code = "FR"
    point.label = props.get("label")
    point.street = props.get("street") or (props.get("name") if props.get("housenumber") else None)
    point.housenumber = props.get("housenumber")
    point.result_type = props.get("type")
    point.score = _float(props.get("score"))
    point.distance = _float(props.get("distance"))
    point.latitude = _float(coordinates[1])
    point.longitude = _float(coordinates[0])
    return point


class GeoplateformeProvider(GeopyProvider):
    name = NAME
    version = "geopf-geocodage"
    geocoder_class = BANFrance
    parse = staticmethod(parse_feature)

    def search(self, query: str) -> GeocodedPoint:
        return self._run(self._search_point(query), self.geocoder.geocode, query)
