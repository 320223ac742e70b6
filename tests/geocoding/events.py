"""Landed ``raw_finishers.events`` for the geocoding tests (until the crawler lands them)."""

from __future__ import annotations

from typing import Any

import dlt

from ingestion.finishers.columns import EVENT_COLUMNS


def event(
    id: str,
    lat: float | None,
    lon: float | None,
    *,
    precision: str | None = "point",
    country: str = "FR",
    department: str | None = None,
    city: str | None = None,
    region: str | None = None,
) -> dict[str, Any]:
    """A ``raw_finishers.events`` row: its identity and the contract's location columns."""
    return {
        "id": id,
        "slug": f"slug-{id}",
        "name": f"Event {id}",
        "country_code": country,
        "country_name": {"FR": "France", "BE": "Belgique", "ES": "Espagne"}.get(country),
        "region_name": region,
        "department_name": department,
        "city": city,
        "latitude": lat,
        "longitude": lon,
        "coordinates_precision": precision if lat is not None else None,
        "content_hash": f"h-{id}-{lat}-{lon}",
        "is_listed": True,
    }


# Realistic landed events: exact starts, a town centre, Corsica, Réunion, abroad, no location.
EVENTS = [
    event("e-paris", 48.8584, 2.2945, department="Paris", city="Paris", region="Île-de-France"),
    event("e-ajaccio", 41.9192, 8.7386, department="Corse-du-Sud", city="Ajaccio"),
    event("e-reunion", -20.8821, 55.4481, department="La Réunion", city="Saint-Denis"),
    event("e-bourg", 46.2052, 5.2255, precision="city", department="Ain", city="Bourg-en-Bresse"),
    # The page says Savoie, the start is in Ain: department_mismatch.
    event("e-mismatch", 46.2052, 5.2255, department="Savoie", city="Bourg-en-Bresse"),
    event("e-brussels", 50.8467, 4.3525, country="BE", city="Bruxelles", region="Bruxelles"),
    event("e-noloc", None, None, department="Rhône", city="Villeurbanne"),
    event("e-nothing", None, None, city=None),
]


def land_events(rows: list[dict[str, Any]]) -> None:
    """Land rows into ``raw_finishers.events`` as the crawler does (merge on id)."""
    from ingestion.warehouse import current_warehouse, dlt_pipelines_dir

    pipeline = dlt.pipeline(
        pipeline_name="finishers_fixture",
        destination=current_warehouse().dlt_destination(),
        dataset_name="raw_finishers",
        pipelines_dir=dlt_pipelines_dir(),
    )
    pipeline.run(
        rows,
        table_name="events",
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        primary_key="id",
        columns=EVENT_COLUMNS,  # the raw contract: the columns a row leaves out land as null
    )
