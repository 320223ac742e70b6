"""Warehouse reads outside dlt: the landed events, the provider cache, the landed POI hashes.

Through ``Warehouse.reader()`` (dlt's SQL client): a table or column not landed yet reads
as empty/null. Nothing is read whole: the POIs a page at a time, the cache entries and row
hashes for the keys of one chunk of POIs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ingestion.geocoding import settings
from ingestion.geocoding.columns import POINT_COLUMNS
from ingestion.geocoding.engine import CHUNK_POIS, Known, PoiId, PoiInput
from ingestion.geocoding.result import GeocodedPoint
from ingestion.warehouse import Warehouse
from ingestion.warehouse_reader import Row, keyset_pages

PAGE_ROWS = CHUNK_POIS  # rows of a source table read by one query

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


def _pages(
    warehouse: Warehouse,
    schema: str,
    table: str,
    wanted: Sequence[str],
    key: Sequence[str],
    size: int,
) -> Iterator[list[Row]]:
    """The rows of ``schema.table``, ``size`` at a time in ``key`` order (keyset, as
    ``WarehouseReader.pages``) but on a connection of its own for each page: the run lands
    its chunks between two pages, and while another connection stays open DuckDB keeps
    every row landed in memory (``duckdb_memory()``'s ``IN_MEMORY_TABLE``, 170 MB after
    80,000 POIs), so the step's memory grew with the catalogue again."""

    def read_page(after: list[Any]) -> list[Row]:
        with warehouse.reader() as reader:
            return reader.page(schema, table, wanted, key, after, size)

    return keyset_pages(read_page, key, size)


def read_events(
    warehouse: Warehouse, source: str = settings.EVENTS_SOURCE, page: int | None = None
) -> Iterator[PoiInput]:
    """Every landed event as a POI input, ``page`` (PAGE_ROWS) events read at a time in
    ``id`` order (an absent ``raw_finishers.events`` reads as none)."""
    table = (settings.EVENTS_DATASET, settings.EVENTS_TABLE)
    for rows in _pages(warehouse, *table, EVENT_COLUMNS, ("id",), page or PAGE_ROWS):
        for r in (r for r in rows if r["id"] is not None):
            yield PoiInput(
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


def read_installations(
    warehouse: Warehouse, gazetteer_path: Path | None = None, page: int | None = None
) -> Iterator[PoiInput]:
    """Every landed Data ES installation as a POI input: its equipments' mean point, else
    the centre of its commune by the source's own INSEE code (``new_code``, precision
    ``city``), else ``new_name`` in the department of ``dep_code`` for a forward look-up.

    The equipments are read ``page`` (PAGE_ROWS) at a time ordered by (installation,
    equipment), so an installation's equipments come together: the last installation of a
    page is kept until the next page shows it complete."""
    from ingestion.data_es.settings import DATASET_NAME

    key = ("inst_numero", "equip_numero")
    wanted = (*key, "latitude", "longitude", "new_name", "dep_code", "new_code")
    departments, centres = _gazetteer_lookups(gazetteer_path)
    group: list[Row] = []  # the equipments of one installation
    for rows in _pages(warehouse, DATASET_NAME, "equipments", wanted, key, page or PAGE_ROWS):
        for r in rows:
            if r["inst_numero"] is None:  # never landed (a `missing_installation` reject)
                continue
            if group and group[0]["inst_numero"] != r["inst_numero"]:
                yield _installation(group, departments, centres)
                group = []
            group.append(r)
    if group:
        yield _installation(group, departments, centres)


def _installation(
    equipments: list[Row], departments: dict[str, str], centres: dict[str, tuple[float, float]]
) -> PoiInput:
    """One installation from its equipments' rows, in equipment order."""
    from ingestion.data_es.settings import SOURCE_NAME

    located = [
        (float(r["latitude"]), float(r["longitude"]))
        for r in equipments
        if r["latitude"] is not None and r["longitude"] is not None
    ]
    # Its place: the first equipment's that names a commune (else the last equipment's).
    place = next((r for r in equipments if r["new_name"] is not None), equipments[-1])
    city, department, insee = place["new_name"], place["dep_code"], place["new_code"]
    precision = "point" if located else None
    if not located and insee in centres:
        located, precision = [centres[insee]], "city"
    return PoiInput(
        source=SOURCE_NAME,
        original_id=equipments[0]["inst_numero"],
        latitude=_mean(p[0] for p in located) if located else None,
        longitude=_mean(p[1] for p in located) if located else None,
        precision=precision,
        country_code="FR",
        department_name=departments.get(department or ""),
        city=city,
    )


def _gazetteer_lookups(
    path: Path | None = None,
) -> tuple[dict[str, str], dict[str, tuple[float, float]]]:
    """Department names by code, commune centres by INSEE code (empty without a gazetteer)."""
    from ingestion.geocoding.gazetteer import GazetteerError, load_gazetteer

    try:
        gazetteer = load_gazetteer(path)
    except GazetteerError:
        return {}, {}
    names = {code: d[0] for code, d in gazetteer.departments.items()}
    centres = {
        c.insee_code: (c.centre_latitude, c.centre_longitude)
        for c in gazetteer.communes
        if c.arrondissement_code is None
    }
    return names, centres


def _select_in(
    warehouse: Warehouse, table: str, wanted: Sequence[str], key: str, values: Iterable[str]
) -> list[Row]:
    """The rows of ``raw_geocoding.<table>`` whose ``key`` is one of ``values``."""
    with warehouse.reader() as reader:
        return reader.select_keys(settings.DATASET_NAME, table, wanted, key, values)


def read_cache(warehouse: Warehouse, keys: Iterable[str]) -> dict[str, GeocodedPoint]:
    """The entries of the provider cache ``raw_geocoding.geocoded_points`` for ``keys``."""
    cache = {}
    for row in _select_in(warehouse, "geocoded_points", POINT_COLUMNS, "point_key", keys):
        if isinstance(row.get("payload"), dict | list):
            row["payload"] = json.dumps(row["payload"])
        cache[row["point_key"]] = GeocodedPoint.from_row(row)
    return cache


def read_landed_hashes(warehouse: Warehouse, ids: Iterable[PoiId]) -> dict[PoiId, str]:
    """``row_hash`` of the landed ``poi_locations`` rows of ``ids`` (source, original_id)."""
    wanted = set(ids)
    numbers = {number for _, number in wanted}
    rows = _select_in(
        warehouse, "poi_locations", ("source", "original_id", "row_hash"), "original_id", numbers
    )
    hashes = ((r["source"], r["original_id"], r["row_hash"]) for r in rows)
    return {(source, number): h for source, number, h in hashes if (source, number) in wanted}


def known_rows(warehouse: Warehouse) -> Known:
    """The cache entries and landed hashes of a chunk, read from ``warehouse``."""
    return Known(
        points=lambda keys: read_cache(warehouse, keys),
        hashes=lambda ids: read_landed_hashes(warehouse, ids),
    )


def count_pois(warehouse: Warehouse) -> int:
    """The POIs a run reads (events and installations): the total of its progress bar."""
    from ingestion.data_es.settings import DATASET_NAME

    counts = (
        (settings.EVENTS_DATASET, settings.EVENTS_TABLE, "count(*)"),
        (DATASET_NAME, "equipments", "count(distinct inst_numero)"),
    )
    total = 0
    with warehouse.reader() as reader:
        for schema, table, count in counts:
            if reader.columns(schema, table):
                total += reader.records(f'SELECT {count} AS n FROM "{schema}"."{table}"')[0]["n"]
    return total


def landed_tables(warehouse: Warehouse) -> set[str]:
    """Tables of ``raw_geocoding`` that already exist."""
    with warehouse.reader() as reader:
        return reader.tables(settings.DATASET_NAME)
