"""Realistic answers of the Géoplateforme geocoding API and of Nominatim (replayed locally)."""

from __future__ import annotations

from typing import Any


def geopf_feature(
    lon: float,
    lat: float,
    *,
    label: str,
    citycode: str,
    postcode: str,
    city: str,
    context: str,
    type_: str = "housenumber",
    housenumber: str | None = None,
    street: str | None = None,
    score: float = 0.97,
    distance: float | None = None,
) -> dict[str, Any]:
    props: dict[str, Any] = {
        "label": label,
        "score": score,
        "id": f"{citycode}_xxxx_{housenumber or '0'}",
        "name": label.split(f" {postcode}")[0],
        "postcode": postcode,
        "citycode": citycode,
        "x": 648237.5,
        "y": 6862271.68,
        "city": city,
        "context": context,
        "type": type_,
        "importance": 0.72,
        "_type": "address",
    }
    if housenumber:
        props["housenumber"] = housenumber
    if street:
        props["street"] = street
    if distance is not None:
        props["distance"] = distance
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }


def geopf_collection(*features: dict[str, Any], query: str = "") -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": list(features),
        "query": query,
        "filters": {"type": "housenumber"},
    }


EIFFEL_REVERSE = geopf_collection(
    geopf_feature(
        2.294466,
        48.858398,
        label="5 Avenue Anatole France 75007 Paris",
        citycode="75107",
        postcode="75007",
        city="Paris",
        context="75, Paris, Île-de-France",
        housenumber="5",
        street="Avenue Anatole France",
        score=0.9999,
        distance=12,
    ),
    query="2.2945,48.8584",
)

VILLEURBANNE_SEARCH = geopf_collection(
    geopf_feature(
        4.882,
        45.7667,
        label="Villeurbanne",
        citycode="69266",
        postcode="69100",
        city="Villeurbanne",
        context="69, Rhône, Auvergne-Rhône-Alpes",
        type_="municipality",
        score=0.96,
    ),
    query="Villeurbanne, Rhône",
)

NOMINATIM_BRUSSELS = {
    "place_id": 139812342,
    "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
    "osm_type": "way",
    "osm_id": 8167519,
    "lat": "50.8467102",
    "lon": "4.3524792",
    "class": "highway",
    "type": "pedestrian",
    "place_rank": 26,
    "importance": 0.1,
    "addresstype": "road",
    "name": "Grand-Place - Grote Markt",
    "display_name": "Grand-Place - Grote Markt, Quartier du Centre - Centrumwijk, Pentagone - "
    "Vijfhoek, Bruxelles - Brussel, Ville de Bruxelles - Stad Brussel, Région de "
    "Bruxelles-Capitale - Brussels Hoofdstedelijk Gewest, 1000, België / Belgique / Belgien",
    "address": {
        "road": "Grand-Place - Grote Markt",
        "neighbourhood": "Quartier du Centre - Centrumwijk",
        "suburb": "Pentagone - Vijfhoek",
        "city": "Bruxelles - Brussel",
        "county": "Ville de Bruxelles - Stad Brussel",
        "state": "Région de Bruxelles-Capitale - Brussels Hoofdstedelijk Gewest",
        "ISO3166-2-lvl4": "BE-BRU",
        "postcode": "1000",
        "country": "België / Belgique / Belgien",
        "country_code": "be",
    },
    "boundingbox": ["50.8461", "50.8472", "4.3516", "4.3533"],
}

NOMINATIM_UNABLE = {"error": "Unable to geocode"}
