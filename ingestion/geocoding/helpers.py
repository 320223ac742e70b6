"""Warehouse reads outside dlt: the landed events, the provider cache, the landed POI hashes.

Through ``Warehouse.reader()`` (dlt's SQL client): a table or column not landed yet reads
as empty/null.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from ingestion.geocoding import settings
from ingestion.geocoding.columns import POINT_COLUMNS
from ingestion.geocoding.engine import PoiInput
from ingestion.geocoding.result import GeocodedPoint
from ingestion.warehouse import Warehouse

EVENT_COLUMNS = (
    "id",
    "latitude",
    "longitude",
    "coordinates_precision",
    "country_code",
    "country_name",
    "region_name",
    "department_name",
    "city",
)


def _mean(values: Iterable[float]) -> float:
    """The mean, whatever order the warehouse returns the rows in: a float sum depends on
    the order, and a mean that moves in its last bit changes the row's hash, so the
    installation would be re-landed for nothing (Postgres returns merged rows reordered)."""
    numbers = list(values)
    return math.fsum(numbers) / len(numbers)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def read_events(warehouse: Warehouse, source: str = settings.EVENTS_SOURCE) -> list[PoiInput]:
    """Every landed event as a POI input (an absent ``raw_finishers.events`` reads as none)."""
    with warehouse.reader() as reader:
        rows = reader.select(settings.EVENTS_DATASET, settings.EVENTS_TABLE, EVENT_COLUMNS)
    return [
        PoiInput(
            source=source,
            original_id=str(r["id"]),
            latitude=_float(r["latitude"]),
            longitude=_float(r["longitude"]),
            precision=r["coordinates_precision"],
            country_code=r["country_code"] or None,  # as landed: dbt's iso_country_code
            country_name=r["country_name"],
            region_name=r["region_name"],
            department_name=r["department_name"],
            city=r["city"],
        )
        for r in rows
        if r["id"] is not None
    ]


def read_installations(warehouse: Warehouse) -> list[PoiInput]:
    """Every landed Data ES installation as a POI input: its equipments' mean point, else
    the centre of its commune by the source's own INSEE code (``new_code``, precision
    ``city``), else ``new_name`` in the department of ``dep_code`` for a forward look-up."""
    from ingestion.data_es.settings import DATASET_NAME, SOURCE_NAME

    wanted = ("inst_numero", "latitude", "longitude", "new_name", "dep_code", "new_code")
    with warehouse.reader() as reader:
        rows = reader.select(DATASET_NAME, "equipments", wanted)
    points: dict[str, list[tuple[float, float]]] = {}
    places: dict[str, tuple[str | None, str | None, str | None]] = {}
    for r in rows:
        number = r["inst_numero"]
        if number is None:
            continue
        points.setdefault(number, [])
        if r["latitude"] is not None and r["longitude"] is not None:
            points[number].append((float(r["latitude"]), float(r["longitude"])))
        if places.get(number, (None, None, None))[0] is None:
            places[number] = (r["new_name"], r["dep_code"], r["new_code"])
    departments, centres = _gazetteer_lookups()
    inputs = []
    for number in sorted(points):
        located = points[number]
        city, department, insee = places.get(number, (None, None, None))
        precision = "point" if located else None
        if not located and insee in centres:
            located, precision = [centres[insee]], "city"
        inputs.append(
            PoiInput(
                source=SOURCE_NAME,
                original_id=number,
                latitude=_mean(p[0] for p in located) if located else None,
                longitude=_mean(p[1] for p in located) if located else None,
                precision=precision,
                country_code="FR",
                department_name=departments.get(department or ""),
                city=city,
            )
        )
    return inputs


def _gazetteer_lookups() -> tuple[dict[str, str], dict[str, tuple[float, float]]]:
    """Department names by code, commune centres by INSEE code (empty without a gazetteer)."""
    from ingestion.geocoding.gazetteer import GazetteerError, load_gazetteer

    try:
        gazetteer = load_gazetteer()
    except GazetteerError:
        return {}, {}
    names = {code: d[0] for code, d in gazetteer.departments.items()}
    centres = {
        c.insee_code: (c.centre_latitude, c.centre_longitude)
        for c in gazetteer.communes
        if c.arrondissement_code is None
    }
    return names, centres


def read_cache(warehouse: Warehouse) -> dict[str, GeocodedPoint]:
    """The provider cache ``raw_geocoding.geocoded_points`` by ``point_key``."""
    with warehouse.reader() as reader:
        rows = reader.select(settings.DATASET_NAME, "geocoded_points", POINT_COLUMNS)
    cache = {}
    for row in rows:
        if isinstance(row.get("payload"), dict | list):
            row["payload"] = json.dumps(row["payload"])
        cache[row["point_key"]] = GeocodedPoint.from_row(row)
    return cache


def read_landed_hashes(warehouse: Warehouse) -> dict[tuple[str, str], str]:
    """``row_hash`` of every landed ``poi_locations`` row by (source, original_id)."""
    with warehouse.reader() as reader:
        rows = reader.select(
            settings.DATASET_NAME, "poi_locations", ("source", "original_id", "row_hash")
        )
    return {(r["source"], r["original_id"]): r["row_hash"] for r in rows}


def landed_tables(warehouse: Warehouse) -> set[str]:
    """Tables of ``raw_geocoding`` that already exist."""
    with warehouse.reader() as reader:
        return reader.tables(settings.DATASET_NAME)
