"""Contract-conformant raw tables (ingestion/README.md), landed without the crawler.

The end-to-end test uses the real crawler and geocoder; this helper lands small,
hand-written nights at chosen load times (days apart), which the real crawl cannot do,
to exercise the incremental window. ``land()`` emulates dlt's merge dispositions: events
and poi_locations are replaced by key, races are replaced per parent event (merge key
``event_id``), so a race removed from a re-landed event disappears, as with dlt.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingestion.finishers import columns as finishers_columns
from ingestion.geocoding import columns as geocoding
from ingestion.html_text import plain_description, sanitized_html
from ingestion.raw_tables import DLT_COLUMNS, SQL_TYPES

_LOADS = {
    "load_id": "text",
    "schema_name": "text",
    "status": "bigint",
    "inserted_at": "timestamp with time zone",
    "schema_version_hash": "text",
}


def _table(columns: dict[str, dict[str, Any]]) -> dict[str, str]:
    """A raw table as dlt lands it: the declared columns, then dlt's own two."""
    types = {name: c["data_type"] for name, c in columns.items()}
    return {name: SQL_TYPES[t] for name, t in types.items()} | DLT_COLUMNS


#: The raw tables, from the declarations the ingestion lands them with.
RAW_TABLES: dict[str, dict[str, str]] = {
    "raw_finishers.events": _table(finishers_columns.EVENT_COLUMNS),
    "raw_finishers.races": _table(finishers_columns.RACE_COLUMNS),
    "raw_finishers._dlt_loads": _LOADS,
    "raw_finishers.pages": _table(finishers_columns.PAGE_COLUMNS),
    "raw_finishers.rejects": _table(finishers_columns.REJECT_COLUMNS),
    "raw_finishers.ingest_runs": _table(finishers_columns.RUN_COLUMNS),
    "raw_geocoding.poi_locations": _table(geocoding.POI_COLUMNS),
    "raw_geocoding._dlt_loads": _LOADS,
    "raw_geocoding.geocoded_points": _table(geocoding.POINT_COLUMNS),
    "raw_geocoding.geocoding_runs": _table(geocoding.RUN_COLUMNS),
}

BASE = "https://www.finishers.com"
#: The hand-written nights: rows of ``raw_seed.json`` hold what differs from the defaults below.
_NIGHTS: dict[str, dict[str, list[dict[str, Any]]]] = json.loads(
    Path(__file__).with_name("raw_seed.json").read_text(encoding="utf-8")
)


def _event_id(slug: str) -> str:
    return next(e["id"] for n in _NIGHTS.values() for e in n["events"] if e["slug"] == slug)


def _race_id(event_id: str, title: str) -> str:
    races = (r for n in _NIGHTS.values() for r in n["races"] if r["event_id"] == event_id)
    return next(r["id"] for r in races if r["title"] == title)


E_VOSGES = _event_id("trail-des-cretes-vosgiennes")
E_LEMAN = _event_id("triathlon-du-lac-leman-geneve")
E_PARIS = _event_id("10-km-de-paris-centre")
E_GONE = _event_id("corrida-disparue")
E_NEW = _event_id("marche-nordique-nouvelle")
E_QUIET = _event_id("20-km-tranquilles")
R_LEMAN_6H = _race_id(E_LEMAN, "Course 6 h")
R_PARIS_10 = _race_id(E_PARIS, "Trail urbain 18 km")


def _event(id: str, slug: str, name: str, **kw: Any) -> dict[str, Any]:
    row = {
        "id": id,
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


def _race(event_id: str, id: str, title: str, discipline: str, **kw: Any) -> dict[str, Any]:
    row = {
        "event_id": event_id,
        "id": id,
        "race_id": f"r-{id[:8]}",
        "race_edition_id": f"re-{id[:8]}",
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


def _location(original_id: str, **found: Any) -> dict[str, Any]:
    """A finishers event's geocoded point; ``found``: the point and what the gazetteer gave."""
    matched = found.get("insee_code") is not None
    row: dict[str, Any] = dict.fromkeys(geocoding.POI_COLUMNS)
    row.update(source="finishers", original_id=original_id, country_code="FR", geocoder="offline")
    row.update(found)
    row.update(
        match="polygon" if matched else None,
        status="ok" if matched else "partial",
        reason=None if matched else "outside_france",
        department_mismatch=False,
        geocoded_at="2026-11-27T01:00:00+00:00",
    )
    return row


def _rows(night: str) -> dict[str, list[dict[str, Any]]]:
    data = _NIGHTS[night]
    return {
        "events": [_event(**e) for e in data["events"]],
        "races": [_race(**r) for r in data["races"]],
        "locations": [_location(**loc) for loc in data["locations"]],
    }


def night1() -> dict[str, list[dict[str, Any]]]:
    return _rows("night1")


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
    new = _rows("night2_new")
    return {
        "events": [renamed, remeasured, removed, gone, *new["events"]],
        "races": copy.deepcopy(races_of[E_VOSGES]) + paris_races + leman_races + new["races"],
        "relanded_race_parents": [E_VOSGES, E_PARIS, E_LEMAN, E_NEW],
        "locations": new["locations"],
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
    location = _location(original_id=E_PARIS, country_code=None)
    location.update(status="no_location")
    return {**paris, "locations": [location]}


TWIN_IDS = ("7e1d0c00-0000-4000-8000-000000000001", "7e1d0c00-0000-4000-8000-000000000002")


def twin_changes(renamed: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Two listings of one event (same day, commune and race, the same name), or only the
    twin ``renamed`` re-landed under another event's name (it no longer matches)."""
    events, races, locations = [], [], []
    for n, twin in enumerate(TWIN_IDS, start=1):
        if renamed is not None and twin != renamed:
            continue
        name = "Semi-marathon des Remparts" if renamed is None else "Nocturne du Port"
        events.append(_event(twin, f"semi-des-remparts-{n}", name, city="Saint-Malo"))
        races.append(_race(twin, f"{twin[:-2]}9{n}", "Semi 21 km", "running", distance=21100.0))
        locations.append(
            _location(
                original_id=twin,
                latitude=48.649,
                longitude=-2.025,
                precision="point",
                insee_code="35288",
                commune_name="Saint-Malo",
                postal_code="35400",
                department_code="35",
                department_name="Ille-et-Vilaine",
            )
        )
    if renamed is not None:
        events[0]["content_hash"] = "h-renamed"
    return {
        "events": events,
        "races": races,
        "relanded_race_parents": [e["id"] for e in events],
        "locations": locations,
    }


def seed_night(
    night: int | str, load_time: datetime | None = None, committed_at: datetime | None = None
) -> str:
    """Create (if needed) and land night 1 or 2 (or ``"resumed"``, ``"unlocated"``,
    ``"twins"``, ``"renamed:<twin id>"``) into the warehouse chosen by DBT_TARGET."""
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
            "twins": twin_changes,
        }
        if isinstance(night, str) and night.startswith("renamed:"):
            data = twin_changes(renamed=night.removeprefix("renamed:"))
        else:
            data = nights[night]()
        return land(conn, warehouse.kind, data, load_time or datetime.now(UTC), committed_at)
    finally:
        conn.close()
