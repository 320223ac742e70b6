"""Contract-conformant raw tables (ingestion/README.md), landed without the crawler.

The end-to-end test uses the real crawler and geocoder; this helper lands small,
hand-written nights at chosen load times (days apart), which the real crawl cannot do,
to exercise the incremental window. ``land()`` emulates dlt's merge dispositions: events
and poi_locations are replaced by key, races are replaced per parent event (merge key
``event_id``), so a race removed from a re-landed event disappears, as with dlt.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from ingestion.html_text import plain_description, sanitized_html

RAW_TABLES: dict[str, dict[str, str]] = {
    "raw_finishers.events": {
        "id": "text",
        "short_id": "text",
        "slug": "text",
        "url": "text",
        "name": "text",
        "subtitle": "text",
        "long_description": "text",
        "description_text": "text",
        "description_html": "text",
        "first_edition_year": "bigint",
        "country_code": "text",
        "country_name": "text",
        "region_name": "text",
        "department_name": "text",
        "city": "text",
        "latitude": "double precision",
        "longitude": "double precision",
        "coordinates_precision": "text",
        "website_url": "text",
        "registration_url": "text",
        "facebook_url": "text",
        "tags": "text",
        "banner_image": "text",
        "image_url": "text",
        "edition_year": "bigint",
        "edition_status": "text",
        "edition_start_date": "date",
        "edition_end_date": "date",
        "page_slug": "text",
        "content_hash": "text",
        "first_seen_at": "timestamp with time zone",
        "last_seen_at": "timestamp with time zone",
        "content_changed_at": "timestamp with time zone",
        "is_listed": "boolean",
        "_dlt_load_id": "text",
        "_dlt_id": "text",
    },
    "raw_finishers.races": {
        "event_id": "text",
        "id": "text",
        "race_id": "text",
        "race_edition_id": "text",
        "name": "text",
        "formatted_title": "text",
        "discipline": "text",
        "status": "text",
        "date": "date",
        "end_date": "date",
        "time": "text",
        "end_time": "text",
        "distance": "double precision",
        "distance_unit": "text",
        "elevation_gain": "double precision",
        "elevation_loss": "double precision",
        "itra_points": "bigint",
        "min_price": "double precision",
        "registration_url": "text",
        "last_edition_finisher_count": "bigint",
        "is_most_popular": "boolean",
        "description": "text",
        "activities": "text",
        "content_hash": "text",
        "is_deleted": "boolean",
        "_dlt_load_id": "text",
        "_dlt_id": "text",
    },
    "raw_finishers._dlt_loads": {
        "load_id": "text",
        "schema_name": "text",
        "status": "bigint",
        "inserted_at": "timestamp with time zone",
        "schema_version_hash": "text",
    },
    "raw_finishers.pages": {
        "slug": "text",
        "url": "text",
        "etag": "text",
        "last_modified": "text",
        "sitemap_lastmod": "text",
        "last_checked_at": "timestamp with time zone",
        "last_outcome": "text",
        "is_listed": "boolean",
        "check_count": "bigint",
        "change_count": "bigint",
        "_dlt_load_id": "text",
        "_dlt_id": "text",
    },
    "raw_finishers.rejects": {
        "run_id": "text",
        "url": "text",
        "slug": "text",
        "http_status": "bigint",
        "reason": "text",
        "severity": "text",
        "detail": "text",
        "excerpt": "text",
        "rejected_at": "timestamp with time zone",
        "_dlt_load_id": "text",
        "_dlt_id": "text",
    },
    "raw_finishers.ingest_runs": {
        "run_id": "text",
        "started_at": "timestamp with time zone",
        "finished_at": "timestamp with time zone",
        "duration_s": "double precision",
        "base_url": "text",
        "discovered": "bigint",
        "selected": "bigint",
        "fetched": "bigint",
        "not_modified": "bigint",
        "skipped_fresh": "bigint",
        "new": "bigint",
        "changed": "bigint",
        "unchanged": "bigint",
        "unlisted": "bigint",
        "rejected": "bigint",
        "failed": "bigint",
        "requests": "bigint",
        "bytes": "bigint",
        "status": "text",
        "gone": "bigint",
        "due_left": "bigint",
        "anomaly": "text",
        "_dlt_load_id": "text",
        "_dlt_id": "text",
    },
    "raw_geocoding.poi_locations": {
        "source": "text",
        "original_id": "text",
        "latitude": "double precision",
        "longitude": "double precision",
        "precision": "text",
        "insee_code": "text",
        "arrondissement_code": "text",
        "commune_name": "text",
        "postal_code": "text",
        "department_code": "text",
        "department_name": "text",
        "region_code": "text",
        "region_name": "text",
        "country_code": "text",
        "label": "text",
        "street": "text",
        "housenumber": "text",
        "match": "text",
        "match_distance_m": "double precision",
        "geocoder": "text",
        "status": "text",
        "reason": "text",
        "department_mismatch": "boolean",
        "geocoded_at": "timestamp with time zone",
        "_dlt_load_id": "text",
        "_dlt_id": "text",
    },
    "raw_geocoding._dlt_loads": {
        "load_id": "text",
        "schema_name": "text",
        "status": "bigint",
        "inserted_at": "timestamp with time zone",
        "schema_version_hash": "text",
    },
    "raw_geocoding.geocoded_points": {
        "point_key": "text",
        "provider": "text",
        "kind": "text",
        "payload": "text",
        "insee_code": "text",
        "postal_code": "text",
        "commune_name": "text",
        "country_code": "text",
        "geocoded_at": "timestamp with time zone",
        "_dlt_load_id": "text",
        "_dlt_id": "text",
    },
    "raw_geocoding.geocoding_runs": {
        "run_id": "text",
        "provider": "text",
        "started_at": "timestamp with time zone",
        "finished_at": "timestamp with time zone",
        "seen": "bigint",
        "cached": "bigint",
        "geocoded": "bigint",
        "failed": "bigint",
        "_dlt_load_id": "text",
        "_dlt_id": "text",
    },
}

BASE = "https://www.finishers.com"
E_VOSGES = "3f1c2a9e-7b41-4c1e-9a55-0d2f6e8b1a01"
E_LEMAN = "b25e8f40-13c6-4a7d-b0e2-5c9d7a3e2b02"
E_PARIS = "e3000000-0000-4000-8000-000000000003"
E_GONE = "e4000000-0000-4000-8000-000000000004"
E_NEW = "e5000000-0000-4000-8000-000000000005"
E_QUIET = "e6000000-0000-4000-8000-000000000006"
R_LEMAN_6H = "c7d8e9f0-0002-4a1b-9c2d-555555555555"
R_PARIS_10 = "r3000000-0000-4000-8000-000000000002"


def _event(eid: str, slug: str, name: str, **kw: Any) -> dict[str, Any]:
    row = {
        "id": eid,
        "short_id": slug[:5],
        "slug": slug,
        "url": f"{BASE}/course/{slug}",
        "name": name,
        "subtitle": None,
        "long_description": None,
        "first_edition_year": None,
        "country_code": "FR",
        "country_name": "France",
        "region_name": None,
        "department_name": None,
        "city": None,
        "latitude": None,
        "longitude": None,
        "coordinates_precision": None,
        "website_url": None,
        "registration_url": None,
        "facebook_url": None,
        "tags": None,
        "banner_image": None,
        "image_url": None,
        "edition_year": 2027,
        "edition_status": "tba",
        "edition_start_date": "2027-06-12",
        "edition_end_date": "2027-06-12",
        "page_slug": slug,
        "content_hash": f"h-{slug}-1",
        "is_listed": True,
    }
    row.update(kw)
    # As the parser does (ingestion.html_text): the text forms are computed at parse time.
    row["description_text"] = plain_description(row["long_description"])
    row["description_html"] = sanitized_html(row["long_description"])
    return row


def _race(event_id: str, rid: str, title: str, discipline: str, **kw: Any) -> dict[str, Any]:
    row = {
        "event_id": event_id,
        "id": rid,
        "race_id": f"r-{rid[:8]}",
        "race_edition_id": f"re-{rid[:8]}",
        "name": title,
        "formatted_title": title,
        "discipline": discipline,
        "status": "confirmed",
        "date": "2027-06-12",
        "end_date": "2027-06-12",
        "time": "09:00:00",
        "end_time": None,
        "distance": 10000.0,
        "distance_unit": "meters",
        "elevation_gain": None,
        "elevation_loss": None,
        "itra_points": None,
        "min_price": None,
        "registration_url": None,
        "last_edition_finisher_count": None,
        "is_most_popular": False,
        "description": None,
        "activities": "[]",
    }
    row.update(kw)
    return row


def night1() -> dict[str, list[dict[str, Any]]]:
    events = [
        _event(
            E_VOSGES,
            "trail-des-cretes-vosgiennes",
            "Trail des Crêtes Vosgiennes",
            subtitle="Sur les hauteurs du massif",
            long_description=(
                "<p>Trois parcours sur les <strong>crêtes</strong> entre lacs &amp; forêts."
                "</p><p>Ravitaillements tous les 10&nbsp;km &#8211; l&#39;eau &lt;gratuite&gt;"
                " &quot;offerte&quot;.</p>"
            ),
            first_edition_year=2011,
            region_name="Grand Est",
            department_name="Vosges",
            city="Gérardmer",
            latitude=48.0712,
            longitude=6.8779,
            coordinates_precision="point",
            website_url="https://www.trail-cretes-vosgiennes.example/",
            registration_url="https://www.njuko.example/tcv-2027",
            tags="off-road,mountain,forest,lake",
            banner_image="events/europe/france/tcv_banner_x1y2z3",
            image_url="https://res.cloudinary.com/kavval/image/upload/events/europe/france/tcv_banner_x1y2z3",
        ),
        _event(
            E_LEMAN,
            "triathlon-du-lac-leman-geneve",
            "Triathlon du Lac Léman",
            country_code="CH",
            country_name="Suisse",
            region_name="Genève",
            city="Genève",
            latitude=46.2044,
            longitude=6.1432,
            coordinates_precision="city",
            website_url="https://www.tri-leman.example/",
            tags="lake,city",
            edition_status="confirmed",
            edition_start_date="2027-08-29",
            edition_end_date="2027-08-29",
        ),
        _event(
            E_PARIS,
            "10-km-de-paris-centre",
            "  10 km de Paris Centre  ",
            region_name="Île-de-France",
            department_name="Paris",
            city="Paris",
            latitude=48.8566,
            longitude=2.3522,
            coordinates_precision="city",
            tags="capitals-big-cities",
        ),
        _event(E_GONE, "corrida-disparue", "Corrida disparue", city="Lyon"),
        _event(
            E_QUIET, "20-km-tranquilles", "20 km tranquilles", country_code="be", city="Bruxelles"
        ),
    ]
    races = [
        _race(
            E_VOSGES,
            "9a0b1c2d-0001-4e5f-8a9b-111111111111",
            "Trail 62 km",
            "trail",
            status="tba",
            distance=62000.0,
            elevation_gain=2850.0,
            elevation_loss=2850.0,
            itra_points=3,
            min_price=58.0,
            registration_url="https://www.njuko.example/tcv-2027/62",
        ),
        _race(
            E_VOSGES,
            "9a0b1c2d-0002-4e5f-8a9b-222222222222",
            "Trail 23 km",
            "trail",
            status="tba",
            distance=23.0,
            distance_unit="kilometers",
            elevation_gain=0.0,
        ),
        _race(
            E_VOSGES,
            "9a0b1c2d-0003-4e5f-8a9b-333333333333",
            "Course enfants 1,5 km",
            "trail",
            status="tba",
            distance=1500.0,
        ),
        _race(
            E_LEMAN,
            "c7d8e9f0-0001-4a1b-9c2d-444444444444",
            "Triathlon M",
            "triathlon",
            distance=51.5,
            distance_unit="kilometers",
            elevation_gain=150.0,
            elevation_loss=150.0,
            min_price=95.0,
        ),
        _race(E_LEMAN, R_LEMAN_6H, "Course 6 h", "road", distance=360.0, distance_unit="minutes"),
        _race(
            E_PARIS,
            "r3000000-0000-4000-8000-000000000001",
            "Semi 13.1 miles",
            "road",
            status="cancelled",
            distance=13.1,
            distance_unit="miles",
        ),
        _race(
            E_PARIS,
            R_PARIS_10,
            "Trail urbain 18 km",
            "trail",
            distance=18000.0,
            elevation_gain=16660.0,
            elevation_loss=120.0,
        ),
        _race(
            E_PARIS,
            "r3000000-0000-4000-8000-000000000003",
            "Hockey subaquatique",
            "underwater_hockey",
            distance=None,
            distance_unit=None,
        ),
        _race(
            E_GONE, "r4000000-0000-4000-8000-000000000001", "Corrida 5 km", "road", distance=5000.0
        ),
    ]
    locations = [
        _location(
            E_VOSGES, 48.0712, 6.8779, "point", "88196", "88400", "Gérardmer", "88", "Vosges"
        ),
        _location(E_LEMAN, 46.2044, 6.1432, "city", None, None, None, None, None, country="CH"),
        _location(
            E_PARIS, 48.8566, 2.3522, "city", "75056", "75001", "Paris", "75", "Paris", arr="75101"
        ),
    ]
    return {"events": events, "races": races, "locations": locations}


def _location(
    original_id: str,
    lat: float,
    lon: float,
    precision: str,
    insee: str | None,
    postal: str | None,
    commune: str | None,
    dep: str | None,
    dep_name: str | None,
    country: str = "FR",
    arr: str | None = None,
) -> dict[str, Any]:
    return {
        "source": "finishers",
        "original_id": original_id,
        "latitude": lat,
        "longitude": lon,
        "precision": precision,
        "insee_code": insee,
        "arrondissement_code": arr,
        "commune_name": commune,
        "postal_code": postal,
        "department_code": dep,
        "department_name": dep_name,
        "region_code": None,
        "region_name": None,
        "country_code": country,
        "label": None,
        "street": None,
        "housenumber": None,
        "match": "polygon" if insee else None,
        "match_distance_m": None,
        "geocoder": "offline",
        "status": "ok" if insee else "partial",
        "reason": None if insee else "outside_france",
        "department_mismatch": False,
        "geocoded_at": "2026-11-27T01:00:00+00:00",
    }


def night2_changes() -> dict[str, list[dict[str, Any]]]:
    """Only what the crawler re-lands on night 2: changed, unlisted and new events."""
    n1 = night1()
    by_id = {e["id"]: e for e in n1["events"]}
    races_of = {eid: [r for r in n1["races"] if r["event_id"] == eid] for eid in by_id}

    renamed = copy.deepcopy(by_id[E_VOSGES])
    renamed.update(name="Trail des Crêtes Vosgiennes — édition 2027", content_hash="h-tcv-2")
    remeasured = copy.deepcopy(by_id[E_PARIS])
    remeasured.update(content_hash="h-paris-2")
    paris_races = copy.deepcopy(races_of[E_PARIS])
    for race in paris_races:
        if race["id"] == R_PARIS_10:
            race.update(distance=18500.0, formatted_title="Trail urbain 18,5 km")
    removed = copy.deepcopy(by_id[E_LEMAN])
    removed.update(content_hash="h-leman-2")
    leman_races = [r for r in copy.deepcopy(races_of[E_LEMAN]) if r["id"] != R_LEMAN_6H]
    gone = copy.deepcopy(by_id[E_GONE])
    gone.update(is_listed=False)
    new = _event(E_NEW, "marche-nordique-nouvelle", "Marche nordique nouvelle", city="Nancy")
    new_races = [
        _race(
            E_NEW,
            "r5000000-0000-4000-8000-000000000001",
            "Marche 8 km",
            "nordic",
            distance=8.0,
            distance_unit="kilometers",
        ),
    ]
    return {
        "events": [renamed, remeasured, removed, gone, new],
        "races": copy.deepcopy(races_of[E_VOSGES]) + paris_races + leman_races + new_races,
        "relanded_race_parents": [E_VOSGES, E_PARIS, E_LEMAN, E_NEW],
        "locations": [
            _location(
                E_NEW,
                48.6921,
                6.1844,
                "city",
                "54395",
                "54000",
                "Nancy",
                "54",
                "Meurthe-et-Moselle",
            )
        ],
    }


def create_raw_tables(conn: Any) -> None:
    cur = conn.cursor()
    for schema in ("raw_finishers", "raw_geocoding"):
        cur.execute(f"create schema if not exists {schema}")
    for table, columns in RAW_TABLES.items():
        cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
        cur.execute(f"create table if not exists {table} ({cols})")
    conn.commit()


def _insert(cur: Any, table: str, rows: list[dict[str, Any]], paramstyle: str) -> None:
    columns = list(RAW_TABLES[table])
    marker = "?" if paramstyle == "qmark" else "%s"
    sql = (
        f"insert into {table} ({', '.join(chr(34) + c + chr(34) for c in columns)}) "
        f"values ({', '.join([marker] * len(columns))})"
    )
    for row in rows:
        cur.execute(sql, [row.get(c) for c in columns])


def land(
    conn: Any,
    kind: str,
    night: dict[str, Any],
    load_time: datetime,
    committed_at: datetime | None = None,
) -> str:
    """Land one night's changes as dlt would (merge dispositions), return the load id.

    The load id is ``load_time`` (dlt: when the package was extracted); each dataset's
    ``_dlt_loads`` records the commit at ``committed_at`` (default: ``load_time``). A
    later ``committed_at`` is a package extracted before a crash and loaded on resume.
    """
    load_id = f"{load_time.timestamp():.6f}"
    paramstyle = "qmark" if kind == "duckdb" else "format"
    cur = conn.cursor()
    now = load_time.isoformat()
    events = []
    for e in night["events"]:
        cur.execute(
            "select first_seen_at from raw_finishers.events where id = "
            + ("?" if paramstyle == "qmark" else "%s"),
            [e["id"]],
        )
        found = cur.fetchone()
        events.append(
            {
                **e,
                "first_seen_at": found[0] if found else now,
                "last_seen_at": now,
                "content_changed_at": now,
                "_dlt_load_id": load_id,
                "_dlt_id": f"{e['id']}-{load_id}",
            }
        )
    mk = "?" if paramstyle == "qmark" else "%s"
    for e in events:
        cur.execute(f"delete from raw_finishers.events where id = {mk}", [e["id"]])
    _insert(cur, "raw_finishers.events", events, paramstyle)
    parents = night.get("relanded_race_parents") or sorted({r["event_id"] for r in night["races"]})
    for parent in parents:
        cur.execute(f"delete from raw_finishers.races where event_id = {mk}", [parent])
    content = {e["id"]: e["content_hash"] for e in events}
    races = [
        {
            **r,
            "content_hash": content.get(r["event_id"]),
            "_dlt_load_id": load_id,
            "_dlt_id": f"{r['id']}-{load_id}",
        }
        for r in night["races"]
    ]
    _insert(cur, "raw_finishers.races", races, paramstyle)
    locations = [
        {**loc, "_dlt_load_id": load_id, "_dlt_id": f"{loc['original_id']}-{load_id}"}
        for loc in night["locations"]
    ]
    for loc in locations:
        cur.execute(
            f"delete from raw_geocoding.poi_locations where source = {mk} and original_id = {mk}",
            [loc["source"], loc["original_id"]],
        )
    _insert(cur, "raw_geocoding.poi_locations", locations, paramstyle)
    run = {
        "run_id": load_id,
        "started_at": now,
        "finished_at": now,
        "duration_s": 1.0,
        "base_url": BASE,
        "status": "ok",
        "_dlt_load_id": load_id,
        "_dlt_id": load_id,
    }
    _insert(cur, "raw_finishers.ingest_runs", [run], paramstyle)
    _insert(
        cur,
        "raw_geocoding.geocoding_runs",
        [
            {
                "run_id": load_id,
                "provider": "offline",
                "started_at": now,
                "finished_at": now,
                "_dlt_load_id": load_id,
                "_dlt_id": load_id,
            }
        ],
        paramstyle,
    )
    for dataset, schema_name in (("raw_finishers", "finishers"), ("raw_geocoding", "geocoding")):
        _insert(
            cur,
            f"{dataset}._dlt_loads",
            [
                {
                    "load_id": load_id,
                    "schema_name": schema_name,
                    "status": 0,
                    "inserted_at": (committed_at or load_time).isoformat(),
                    "schema_version_hash": "seed",
                }
            ],
            paramstyle,
        )
    conn.commit()
    return load_id


def resumed_changes() -> dict[str, list[dict[str, Any]]]:
    """A package resumed after a crash: E_PARIS renamed (content h-paris-3), its races."""
    n2 = night2_changes()
    paris = copy.deepcopy(next(e for e in n2["events"] if e["id"] == E_PARIS))
    paris.update(name=RESUMED_NAME, content_hash="h-paris-3")
    return {
        "events": [paris],
        "races": [copy.deepcopy(r) for r in n2["races"] if r["event_id"] == E_PARIS],
        "relanded_race_parents": [E_PARIS],
        "locations": [],
    }


RESUMED_NAME = "10 km de Paris Centre (reprise)"


def unlocated_changes() -> dict[str, list[dict[str, Any]]]:
    """E_PARIS loses its coordinates: re-landed, and its location re-landed without a point."""
    paris = resumed_changes()
    event = paris["events"][0]
    event.update(
        latitude=None, longitude=None, coordinates_precision=None, content_hash="h-paris-4"
    )
    location = _location(E_PARIS, 0.0, 0.0, "city", None, None, None, None, None)
    location.update(
        latitude=None, longitude=None, precision=None, country_code=None, status="no_location"
    )
    return {**paris, "locations": [location]}


def seed_night(
    night: int | str, load_time: datetime | None = None, committed_at: datetime | None = None
) -> str:
    """Create (if needed) and land night 1 or 2 (or ``"resumed"``, ``"unlocated"``) into
    the warehouse chosen by DBT_TARGET."""
    from ingestion.warehouse import current_warehouse

    warehouse = current_warehouse()
    conn = warehouse.connect()
    try:
        create_raw_tables(conn)
        nights = {
            1: night1,
            2: night2_changes,
            "resumed": resumed_changes,
            "unlocated": unlocated_changes,
        }
        data = nights[night]()
        return land(conn, warehouse.kind, data, load_time or datetime.now(UTC), committed_at)
    finally:
        conn.close()
