"""Writes the offline finishers.com snapshot (``site/``) and its next night (``site_night2/``).

The events are invented but shaped exactly like the live pages (see
``/work/shared/finishers/examples``) and cover every case of FORMAT.md: one event per case
in ``events.json`` (only what differs from a plain road race is written), plus the towns of
``towns.csv`` made into ordinary events. Pages are rendered by :mod:`.fakesite`, the fake
site the benchmark's catalogue shares. After editing a table, run
``python -m ingestion.finishers.snapshot.build_snapshot``; the output is committed so tests,
``make demo`` and the benchmark need no network.
"""

from __future__ import annotations

import copy
import csv
import json
import shutil
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from . import fakesite
from .fakesite import breadcrumb, edition, leg, page_props, race_props, wrap

SNAPSHOT_DIR = Path(__file__).resolve().parent
SITE_DIR = SNAPSHOT_DIR / "site"
SITE_NIGHT2_DIR = SNAPSHOT_DIR / "site_night2"
EVENTS_FILE = SNAPSHOT_DIR / "events.json"
TOWNS_FILE = SNAPSHOT_DIR / "towns.csv"
BUILD_ID = "bq7Snapshot2026"
ROBOTS_TXT = fakesite.robots_txt()
_NS = uuid.UUID("6f1d9a3c-2b4e-4c8a-9f00-b0b0e5e5f1a1")


def uid(*parts: object) -> str:
    """A stable UUID for a spec entity, so re-building the snapshot is byte-identical."""
    return str(uuid.uuid5(_NS, "/".join(map(str, parts))))


#: What a race of ``events.json`` is unless it says otherwise: a 10 km road race, to be
#: announced; any other field of :data:`.fakesite.RACE_KEYS` defaults to null.
RACE_DEFAULTS: dict[str, Any] = {
    "discipline": "road",
    "status": "tba",
    "date": "2027-05-16",
    "time": "09:30:00",
    "distance": 10000,
    "unit": "meters",
}


def race(slug: str, key: str, name: str, title: str, **spec: Any) -> dict[str, Any]:
    """One race of event ``slug``; ``spec`` holds what differs from :data:`RACE_DEFAULTS`.

    ``registration`` is the target URL (wrapped as the site does), ``activities`` the legs
    as ``(activity, distance[, unit])``.
    """
    fields = {**RACE_DEFAULTS, **spec}
    fields.update(
        race_id=uid(slug, "race", key),
        race_key=f"r-{slug[:12]}-{key}",
        race_edition_id=f"re-{slug[:12]}-{key}-{fields['date'][:4]}",
        name=name,
        title=title,
        end_date=fields.get("end_date") or fields["date"],
        registration=wrap(fields.get("registration"), slug),
        activities=[leg(*legs) for legs in fields.get("activities", [])],
    )
    return race_props(**fields)


def event(slug: str, name: str, races: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    """pageProps of one event page; ``spec`` holds the keys of ``events.json``.

    ``country`` is (code, label), France by default; ``point`` and ``city_point`` are
    (lat, lng), published as GeoJSON where ``geojson`` names them ('point' or 'city');
    links are wrapped as the site does, but for an absolute website (``website_absolute``).
    """
    country = spec.get("country", ("FR", "France"))
    region = spec.get("region")
    ev: dict[str, Any] = {
        "id": uid(slug, "event"),
        "shortId": uid(slug, "short")[:5],
        "slug": slug,
        "name": name,
        "subtitle": spec.get("subtitle"),
        "longDescription": spec.get("description"),
        "firstEditionYear": spec.get("first_year"),
        "breadcrumb": breadcrumb(country, region, spec.get("department"), spec.get("city")),
        "countryName": {"code": country[0]},
    }
    for key, form, field in (
        ("coordinates", "point", "point"),
        ("cityCoordinates", "city", "city_point"),
    ):
        if spec.get(field) is not None:
            lat, lng = spec[field]
            geo = {"type": "Point", "coordinates": [lng, lat]}
            ev[key] = geo if spec.get("geojson") == form else {"lat": lat, "lng": lng}
    website = spec.get("website")
    ev["links"] = {
        "website": website if spec.get("website_absolute") else wrap(website, slug),
        "registration": wrap(spec.get("registration"), slug),
        "facebook": wrap(spec.get("facebook"), slug),
    }
    ev["tags"] = list(spec.get("tags") or [])  # a copy: the spec is read once and kept
    region_path = (region or country[1]).lower().replace(" ", "-")
    ev["bannerImage"] = (
        f"events/europe/{country[1].lower()}/{region_path}/{slug}/{uid(slug, 'img')[:8]}"
        if spec.get("banner", True)
        else None
    )
    last, upcoming = (spec.get(f"{which}_edition") for which in ("last", "next"))
    return page_props(ev, last and edition(*last), upcoming and edition(*upcoming), races)


def _from_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """An event of ``events.json``: its fields are :func:`event`'s, its races :func:`race`'s."""
    fields = {key: value for key, value in spec.items() if key not in ("slug", "name", "races")}
    races = [race(spec["slug"], r["key"], r["name"], r["title"], **_race_fields(r))
             for r in spec.get("races", [])]  # fmt: skip
    return event(spec["slug"], spec["name"], races, **fields)


def _race_fields(spec: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in spec.items() if key not in ("key", "name", "title")}


@cache
def _spec() -> dict[str, list[dict[str, Any]]]:
    return json.loads(EVENTS_FILE.read_text(encoding="utf-8"))


def _town_event(i: int, row: dict[str, str]) -> dict[str, Any]:
    """Town ``i`` of ``towns.csv`` as an ordinary event (its fields vary with ``i``)."""
    slug, name = row["slug"], row["name"]
    lat, lng = float(row["lat"]), float(row["lng"])
    is_trail = "trail" in slug
    discipline = "trail" if is_trail else "road"
    date = f"2027-{1 + i % 12:02d}-{1 + (i * 7) % 27:02d}"
    status = ("tba", "confirmed")[i % 2]
    climb = (400 + 37 * i) if is_trail else None
    races = [
        race(slug, "main", name, f"{'Trail' if is_trail else 'Course'} {10 + i} km",
             discipline=discipline, status=status, date=date, distance=(10 + i) * 1000,
             gain=climb, loss=climb, price=15 + i, finishers=200 + 13 * i, popular=True),
    ]  # fmt: skip
    if i % 3 == 0:
        races.append(race(slug, "short", "Parcours découverte", "Course 5 km", time="10:30:00",
                          discipline=discipline, date=date, distance=5000))  # fmt: skip
    return event(
        slug,
        name,
        region=row["region"],
        department=row["department"],
        city=row["city"],
        point=(lat, lng) if i % 4 else None,
        city_point=(round(lat + 0.002, 4), round(lng - 0.002, 4)),
        first_year=1980 + i,
        website=f"https://www.{slug}.example/",
        registration=f"https://www.njuko.example/{slug}" if i % 2 else None,
        tags=["off-road"] if is_trail else [],
        next_edition=(2027, status, date, date),
        races=races,
    )


def snapshot_events() -> list[dict[str, Any]]:
    """pageProps of every event of the first night, in site-map order."""
    with TOWNS_FILE.open(encoding="utf-8", newline="") as towns:
        town_events = [_town_event(i, row) for i, row in enumerate(csv.DictReader(towns))]
    return [_from_spec(spec) for spec in _spec()["night1"]] + town_events


# Slugs whose <url> carries a <lastmod> (the live site may or may not send it).
LASTMOD: dict[str, str] = {
    "trail-des-cretes-vosgiennes": "2026-11-20",
    "run-in-lyon": "2026-11-18",
    "marathon-d-ajaccio": "2026-10-02",
}

NEW_EVENT_SLUG = "trail-nocturne-de-besancon"


def _find(events: list[dict[str, Any]], slug: str) -> dict[str, Any]:
    return next(e for e in events if e["event"]["slug"] == slug)


def _race_id(slug: str, key: str) -> str:
    return uid(slug, "race", key)


#: What differs between ``site/`` and ``site_night2/`` (ids are event / race UUIDs).
NIGHT2_CHANGES: dict[str, Any] = {
    "renamed": {
        "event_id": uid("corrida-de-toulouse", "event"),
        "slug": "corrida-de-toulouse",
        "old_name": "Corrida de Toulouse",
        "new_name": "Corrida de Toulouse – Capitole",
    },
    "race_remeasured": {
        "event_id": uid("marseille-cassis", "event"),
        "slug": "marseille-cassis",
        "race_id": _race_id("marseille-cassis", "20"),
        "old_distance": 20000.0,
        "new_distance": 20300.0,
    },
    "race_removed": {
        "event_id": uid("run-in-lyon", "event"),
        "slug": "run-in-lyon",
        "race_id": _race_id("run-in-lyon", "kids"),
    },
    "vanished": {"event_id": uid("course-de-brest", "event"), "slug": "course-de-brest"},
    "new": {
        "event_id": uid(NEW_EVENT_SLUG, "event"),
        "slug": NEW_EVENT_SLUG,
        "race_ids": [_race_id(NEW_EVENT_SLUG, "15")],
    },
}
#: Events whose content_hash moves between the two nights.
NIGHT2_CHANGED_EVENT_IDS: frozenset[str] = frozenset(
    NIGHT2_CHANGES[k]["event_id"] for k in ("renamed", "race_remeasured", "race_removed")
)


def night2_events() -> list[dict[str, Any]]:
    """pageProps of the next night, site-map order (vanished event excluded)."""
    events = copy.deepcopy(snapshot_events())
    c = NIGHT2_CHANGES
    _find(events, c["renamed"]["slug"])["event"]["name"] = c["renamed"]["new_name"]
    for r in _find(events, c["race_remeasured"]["slug"])["races"]:
        if r["id"] == c["race_remeasured"]["race_id"]:
            r["distance"] = int(c["race_remeasured"]["new_distance"])
    lyon = _find(events, c["race_removed"]["slug"])
    lyon["races"] = [r for r in lyon["races"] if r["id"] != c["race_removed"]["race_id"]]
    events = [e for e in events if e["event"]["slug"] != c["vanished"]["slug"]]
    return events + [_from_spec(spec) for spec in _spec()["night2_new"]]


def render_page(props: dict[str, Any], build_id: str = BUILD_ID) -> str:
    """An event page shaped like finishers.com's server-rendered Next.js HTML."""
    return fakesite.render_page(props, build_id)


def render_sitemap(slugs: list[str], lastmod: dict[str, str] | None = None) -> str:
    """The events site map of ``slugs``, with a ``<lastmod>`` for those in ``lastmod``."""
    return fakesite.render_sitemap((slug, (lastmod or {}).get(slug)) for slug in slugs)


def write_site(directory: Path, events: list[dict[str, Any]]) -> None:
    if directory.exists():
        shutil.rmtree(directory)
    (directory / "course").mkdir(parents=True)
    (directory / "sitemap").mkdir()
    (directory / "robots.txt").write_text(ROBOTS_TXT, encoding="utf-8")
    slugs = [e["event"]["slug"] for e in events]
    (directory / "sitemap" / "events.xml").write_text(
        render_sitemap(slugs, LASTMOD), encoding="utf-8"
    )
    for props in events:
        path = directory / "course" / f"{props['event']['slug']}.html"
        path.write_text(render_page(props), encoding="utf-8")


def build() -> None:
    write_site(SITE_DIR, snapshot_events())
    write_site(SITE_NIGHT2_DIR, night2_events())
    # The vanished event's page still answers; it is only gone from the site map.
    vanished = NIGHT2_CHANGES["vanished"]["slug"]
    shutil.copy(SITE_DIR / "course" / f"{vanished}.html", SITE_NIGHT2_DIR / "course")


if __name__ == "__main__":
    build()
    print(f"wrote {SITE_DIR} ({len(snapshot_events())} events) and {SITE_NIGHT2_DIR}")
