"""What a synthetic finishers.com event is made of: every random draw of the catalogue.

Distributions follow FORMAT.md's "real-world data quality" notes: 1-8 races, tba-heavy
statuses, units meters / kilometers / miles / minutes, multisport legs, trail elevation 0
meaning unknown, impossible climbs, ~5 % of events abroad, wrapped and absolute links and
GeoJSON coordinates now and then. Each function takes the ``random.Random`` it draws from,
so an event is a pure function of its seed; :mod:`bench.catalogue` decides which events
exist each night and renders them.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
import uuid
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from bench.places import ABROAD, FRANCE, Place
from ingestion.finishers.snapshot import fakesite
from ingestion.finishers.snapshot.fakesite import breadcrumb, edition, race_props, wrap

# discipline -> relative weight (roughly the mix of the live calendar)
DISCIPLINES: dict[str, float] = {
    "trail": 34, "road": 28, "walking": 7, "nordic": 3, "triathlon": 5, "duathlon": 2,
    "aquathlon": 1, "cross_triathlon": 1, "swimrun": 1, "obstacle_race": 2, "cross": 2,
    "swimming": 2, "cycling": 2, "mountain_biking": 2, "gravel_running": 0.5,
    "bike_and_run": 1, "other": 1, "canicross": 0.5, "raid": 0.5, "vertical_km": 0.5,
    "ski_mountaineering": 0.3, "snowshoe_running": 0.2,  # the last one: an unknown code
}  # fmt: skip
MULTISPORT = {"triathlon", "duathlon", "aquathlon", "cross_triathlon", "swimrun", "bike_and_run"}
TAGS = (
    "off-road", "night", "mountain", "seaside", "relay", "capitals-big-cities", "forest",
    "lake", "vineyard", "charity", "utmb-world-series", "women-only", "kids", "festive",
)  # fmt: skip
NAME_TEMPLATES: dict[str, tuple[str, ...]] = {
    "trail": ("Trail des Crêtes de {c}", "Trail de {c}", "Ultra Trail de {c}",
              "La Transe de {c}", "Trail des Lacs de {c}", "Les Sentiers de {c}"),
    "road": ("Semi-marathon de {c}", "Marathon de {c}", "10 km de {c}", "Les Foulées de {c}",
             "Corrida de Noël de {c}", "La Course de {c}"),
    "walking": ("Randonnée de {c}", "La Marche de {c}"),
    "nordic": ("Marche nordique de {c}",),
    "triathlon": ("Triathlon de {c}", "Triathlon du Lac de {c}", "Half Triathlon de {c}"),
    "swimrun": ("Swimrun de {c}", "Swimrun des Îles de {c}"),
    "obstacle_race": ("Mud Day {c}", "La Course des Obstacles de {c}"),
}  # fmt: skip
_WORDS = (  # noqa: SIM905
    "parcours boucle départ arrivée ravitaillement sentier forêt crête village lac rivière "
    "dénivelé bénévoles inscription dossard médaille finisher balisage chronométrage "
    "vestiaires douches navette parking animation enfants famille ambiance pasta party "
    "vignoble château panorama sommet col descente technique roulant bitume chemin "
    "monotrace relais équipe solo nocturne frontale barrière horaire certificat licence"
).split()
_SPACE_VARIANTS = (" ", "\u202f", "\u00a0")  # normal, thin no-break, no-break


def h64(*parts: object) -> int:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _uuid(*parts: object) -> str:
    raw = bytearray(hashlib.blake2b(repr(parts).encode(), digest_size=16).digest())
    return str(uuid.UUID(bytes=bytes(raw), version=4))


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def identity(rng: random.Random, abroad_rate: float) -> tuple[str, str, Place]:
    """(discipline, name, place): cheap, so a slug never needs the whole page."""
    abroad = rng.random() < abroad_rate
    places = ABROAD if abroad else FRANCE
    place = rng.choices(places, cum_weights=_cum_weights(places))[0]
    discipline = rng.choices(list(DISCIPLINES), cum_weights=_DISC_CUM)[0]
    family = "triathlon" if discipline in MULTISPORT and discipline != "swimrun" else discipline
    templates = NAME_TEMPLATES.get(family, ("Les {d} de {c}", "Challenge {d} de {c}"))
    label = discipline.replace("_", " ").capitalize()
    name = rng.choice(templates).format(c=place.city, d=label)
    if rng.random() < 0.004:  # the same event listed twice, spelt differently
        name = name.replace("10 km", "10km").replace("Saint-", "St-").replace(" de ", " ")
    return discipline, name, place


def event_props(
    rng: random.Random, seed: int, index: int, drawn: tuple[str, str, Place], slug: str
) -> dict[str, Any]:
    """Night 1's ``pageProps`` of event ``index`` (``drawn``: its :func:`identity`)."""
    discipline, name, place = drawn
    event_id = _uuid(seed, "event", index)
    lat = round(place.lat + max(-0.03, min(0.03, rng.gauss(0, 0.012))), 6)
    lng = round(place.lng + max(-0.03, min(0.03, rng.gauss(0, 0.012))), 6)
    country = (place.country_code, place.country_label)
    event: dict[str, Any] = {
        "id": event_id,
        "shortId": b36(h64("short", seed, index))[:5],
        "slug": slug,
        "name": name,
        "subtitle": rng.choice((None, None, f"Édition {rng.randint(2, 40)}", "Au cœur de "
                                f"{place.city}")),
        "longDescription": _description(rng, place.city) if rng.random() < 0.9 else None,
        "firstEditionYear": rng.choice((None, rng.randint(1975, 2025))),
        "breadcrumb": breadcrumb(country, place.region, place.department, place.city),
        "countryName": {"code": place.country_code},
    }  # fmt: skip
    roll = rng.random()
    if roll < 0.65:
        event["coordinates"] = {"lat": lat, "lng": lng}
        event["cityCoordinates"] = {"lat": place.lat, "lng": place.lng}
    elif roll < 0.90:
        event["cityCoordinates"] = {"lat": place.lat, "lng": place.lng}
    elif roll < 0.92:
        event["cityCoordinates"] = {"type": "Point", "coordinates": [place.lng, place.lat]}
    elif roll < 0.96:
        event["coordinates"] = {"lat": lat, "lng": lng}
    # else: no coordinates at all
    event["links"] = {
        "website": _link(rng, slug, f"https://www.{slug[:30]}.example/"),
        "registration": _link(rng, slug, f"https://www.njuko.example/{slug[:20]}-2027"),
        "facebook": _link(rng, slug, f"https://www.facebook.com/{slug[:20]}", 0.3),
    }
    event["tags"] = rng.sample(TAGS, rng.choice((0, 1, 1, 2, 2, 3, 4)))
    event["bannerImage"] = (
        f"events/europe/{slugify(place.country_label)}/{slugify(place.region)}/"
        f"{slug}/{b36(h64('banner', index))[:10]}"
        if rng.random() < 0.8
        else None
    )
    event["results"] = []
    start = _event_date(rng, 2027)
    edition_status = rng.choices(("tba", "confirmed", "cancelled"), (60, 37, 3))[0]
    last = start - timedelta(days=364)
    last_edition = (
        edition(last.year, "confirmed", last.isoformat(), last.isoformat())
        if rng.random() < 0.85
        else None
    )
    next_edition = edition(start.year, edition_status, start.isoformat(), start.isoformat())
    n_races = rng.choices(range(1, 9), cum_weights=_RACES_CUM)[0]
    races = [_race(rng, seed, index, k, discipline, place, start, slug) for k in range(n_races)]
    return fakesite.page_props(event, last_edition, next_edition, races)


def edit(
    rng: random.Random, props: dict[str, Any], seed: int, index: int, place: Place, night: int
) -> None:
    """One night's edit of an event; always moves the content hash."""
    kind = rng.choices(
        ("status", "date", "price", "description", "add_race", "drop_race", "move", "name"),
        (30, 15, 15, 14, 8, 6, 10, 2),
    )[0]
    races = props["races"]
    race = rng.choice(races)
    if kind == "status":
        race["status"] = "confirmed" if race["status"] != "confirmed" else "cancelled"
    elif kind == "date":
        for r in races:
            r["date"] = r["endDate"] = _shift(r["date"], 7)
        dates = props["nextEdition"]["dateRange"]
        dates["start"], dates["end"] = _shift(dates["start"], 7), _shift(dates["end"], 7)
    elif kind == "price":
        race["minPrice"] = (race["minPrice"] or 10) + rng.choice((1, 2, 5, -1))
    elif kind == "description":
        event = props["event"]
        event["longDescription"] = (event["longDescription"] or "") + (
            f"<p>Mise à jour : {' '.join(rng.choices(_WORDS, k=25))}.</p>"
        )
    elif kind == "add_race" or (kind == "drop_race" and len(races) == 1):
        start = date.fromisoformat(props["nextEdition"]["dateRange"]["start"])
        slug = props["event"]["slug"]
        discipline = races[0]["discipline"]
        races.append(_race(rng, seed, index, 100 + night, discipline, place, start, slug))
    elif kind == "drop_race":
        races.remove(race)
    elif kind == "move":
        event = props["event"]
        base = event.get("coordinates") or {"lat": 46.6, "lng": 2.4}
        if "lat" not in base:
            base = {"lat": base["coordinates"][1], "lng": base["coordinates"][0]}
        event["coordinates"] = {
            "lat": round(base["lat"] + rng.uniform(-0.01, 0.01), 6),
            "lng": round(base["lng"] + rng.uniform(-0.01, 0.01), 6),
        }
    else:
        props["event"]["subtitle"] = f"{night}e soirée d'inscriptions"


_DISC_CUM = list(accumulate(DISCIPLINES.values()))
_RACES_CUM = list(accumulate((25, 25, 20, 12, 8, 5, 3, 2)))
_PLACE_CUM: dict[int, list[float]] = {}


def _cum_weights(places: tuple[Place, ...]) -> list[float]:
    key = id(places)
    if key not in _PLACE_CUM:
        _PLACE_CUM[key] = list(accumulate(p.weight for p in places))
    return _PLACE_CUM[key]


def point_of(event: dict[str, Any]) -> tuple[float, float] | None:
    coords = event.get("coordinates") or event.get("cityCoordinates")
    if not coords:
        return None
    if "coordinates" in coords:
        lng, lat = coords["coordinates"]
        return lat, lng
    return coords["lat"], coords["lng"]


def _shift(iso: str | None, days: int) -> str | None:
    return None if iso is None else (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def _event_date(rng: random.Random, year: int) -> date:
    day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    if rng.random() < 0.85:  # most events are on a weekend
        day += timedelta(days=(5 - day.weekday()) % 7 + rng.choice((0, 1)))
    return day


def _link(rng: random.Random, slug: str, target: str, present: float = 0.85) -> str | None:
    if rng.random() >= present:
        return None
    return wrap(target, slug) if rng.random() < 0.8 else target


def _description(rng: random.Random, city: str) -> str:
    target = rng.randint(1000, 5000)
    parts: list[str] = []
    size = 0
    while size < target:
        words = rng.choices(_WORDS, k=rng.randint(20, 60))
        words[rng.randrange(len(words))] = f"<strong>{words[0]}</strong>"
        if rng.random() < 0.25:
            items = "".join(f"<li>{w.capitalize()} à {city}</li>" for w in rng.sample(_WORDS, 4))
            chunk = f"<ul>{items}</ul>"
        else:
            chunk = f"<p>{' '.join(words).capitalize()}.&nbsp;{city}.</p>"
        parts.append(chunk)
        size += len(chunk.encode())
    return "".join(parts)


def _distance(rng: random.Random, discipline: str) -> tuple[float, str, str, list[dict]]:
    """(distance, unit, title, activities) for one race."""
    if rng.random() < 0.02:
        hours = rng.choice((1, 2, 6, 12, 24))
        return hours * 60, "minutes", f"Course {hours}{rng.choice(_SPACE_VARIANTS)}h", []
    if discipline in MULTISPORT:
        legs = {
            "triathlon": (("swimming", 1500), ("cycling", 40000), ("running", 10000)),
            "cross_triathlon": (("swimming", 1000), ("cycling", 20000), ("running", 7000)),
            "duathlon": (("running", 5000), ("cycling", 20000), ("running", 2500)),
            "aquathlon": (("swimming", 1000), ("running", 5000)),
            "swimrun": (("running", 8000), ("swimming", 1200), ("running", 6000)),
            "bike_and_run": (("running", 6000), ("cycling", 6000)),
        }[discipline]
        scale = rng.choice((0.25, 0.5, 1.0, 1.0, 2.0))
        activities = [
            {"activity": a, "distance": round(d * scale), "distanceUnit": "meters"} for a, d in legs
        ]
        total = sum(a["distance"] for a in activities)
        size = {0.25: "XS", 0.5: "S", 1.0: "M", 2.0: "L"}[scale]
        title = f"{discipline.replace('_', ' ').capitalize()} {size}"
        return round(total / 1000, 2), "kilometers", title, activities
    km = {
        "trail": (8, 12, 15, 21, 25, 32, 42, 55, 80, 110, 170),
        "road": (1.5, 5, 10, 10, 15, 21.1, 42.195),
        "walking": (5, 8, 12, 20),
        "nordic": (6, 10, 14),
        "swimming": (1, 2.5, 5),
        "cycling": (50, 90, 120, 180),
        "mountain_biking": (20, 40, 65),
        "vertical_km": (3.5, 5),
    }.get(discipline, (2, 6, 10, 20))
    distance = rng.choice(km)
    if distance < 2 and rng.random() < 0.5:
        label = "Course enfants"
    else:
        label = discipline.replace("_", " ").capitalize()
    space = rng.choice(_SPACE_VARIANTS)
    title = f"{label} {str(distance).replace('.', ',')}{space}km"
    if rng.random() < 0.7:
        return round(distance * 1000), "meters", title, []
    return distance, "kilometers", title, []


def _race(
    rng: random.Random,
    seed: int,
    index: int,
    k: int,
    discipline: str,
    place: Place,
    start: date,
    slug: str,
) -> dict[str, Any]:
    if rng.random() < 0.15:
        discipline = rng.choices(list(DISCIPLINES), cum_weights=_DISC_CUM)[0]
    distance, unit, title, activities = _distance(rng, discipline)
    if place.country_code in {"GB", "US"} and unit != "minutes" and rng.random() < 0.6:
        km = distance / 1000 if unit == "meters" else distance
        distance, unit = round(km / 1.609344, 1), "miles"
    km = {"meters": distance / 1000, "kilometers": distance, "miles": distance * 1.609}.get(unit)
    gain: float | None = None
    if discipline in {"trail", "vertical_km", "mountain_biking", "ski_mountaineering"}:
        gain = 0 if rng.random() < 0.2 else round((km or 10) * rng.uniform(15, 70))
        if rng.random() < 0.005:
            gain = 16660  # the impossible climb the live site really publishes
    elif rng.random() < 0.3:
        gain = round((km or 5) * rng.uniform(2, 12))
    day = start + timedelta(days=rng.choice((0, 0, 0, 1)))
    status = rng.choices(("tba", "confirmed", "cancelled", "canceled", "rescheduled"),
                         (60, 35, 3, 1, 1))[0]  # fmt: skip
    if status == "tba" and rng.random() < 0.1:
        day += timedelta(days=rng.randint(1, 4))  # estimated dates are often on weekdays
    race_id = _uuid(seed, "race", index, k)
    # keyword arguments are evaluated in order: the draws below keep the page's key order
    return race_props(
        race_id=race_id,
        race_key=f"r-{race_id[:8]}",
        race_edition_id=f"re-{race_id[:8]}-{day.year}",
        name=title.split(" ")[0] + f" {k + 1}" if rng.random() < 0.3 else title,
        title=title,
        discipline=discipline,
        status=status,
        date=day.isoformat(),
        end_date=(day + timedelta(days=1 if km and km > 100 else 0)).isoformat(),
        time=f"{rng.choice((6, 7, 8, 9, 9, 10, 14, 18, 20)):02d}:{rng.choice((0, 30)):02d}:00",
        distance=distance,
        unit=unit,
        gain=gain,
        loss=gain if rng.random() < 0.7 else None,
        itra=rng.randint(0, 6) if discipline == "trail" and rng.random() < 0.4 else None,
        price=rng.choice((None, None, 5, 12, 15, 20, 25, 35, 58, 95)),
        registration=_link(rng, slug, f"https://www.njuko.example/{slug[:20]}/{k}", 0.4),
        finishers=rng.choice((None, rng.randint(20, 3000))),
        popular=k == 0,
        activities=activities,
    )
