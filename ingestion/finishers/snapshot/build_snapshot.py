"""Writes the offline finishers.com snapshot (``site/``) and its next night (``site_night2/``).

The events are invented but shaped exactly like the live pages (see
``/work/shared/finishers/examples``) and cover every case of FORMAT.md. Run
``python -m ingestion.finishers.snapshot.build_snapshot`` after editing the spec; the
output is committed so tests, ``make demo`` and the benchmark need no network.
"""

from __future__ import annotations

import copy
import json
import shutil
import uuid
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

SNAPSHOT_DIR = Path(__file__).resolve().parent
SITE_DIR = SNAPSHOT_DIR / "site"
SITE_NIGHT2_DIR = SNAPSHOT_DIR / "site_night2"
CANONICAL = "https://www.finishers.com"
BUILD_ID = "bq7Snapshot2026"
NBSP, NNBSP = "\u00a0", "\u202f"
_NS = uuid.UUID("6f1d9a3c-2b4e-4c8a-9f00-b0b0e5e5f1a1")


def uid(*parts: object) -> str:
    """A stable UUID for a spec entity, so re-building the snapshot is byte-identical."""
    return str(uuid.uuid5(_NS, "/".join(map(str, parts))))


def wrap(url: str | None, slug: str) -> str | None:
    if url is None:
        return None
    return f"/external?url={quote(url, safe='')}&event={slug}"


def race(
    slug: str,
    key: str,
    name: str,
    title: str,
    *,
    discipline: str = "road",
    status: str = "tba",
    date: str = "2027-05-16",
    end_date: str | None = None,
    time: str | None = "09:30:00",
    end_time: str | None = None,
    distance: float | None = 10000,
    unit: str = "meters",
    gain: float | None = None,
    loss: float | None = None,
    itra: int | None = None,
    price: float | None = None,
    registration: str | None = None,
    finishers: int | None = None,
    popular: bool = False,
    description: str | None = None,
    activities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "id": uid(slug, "race", key),
        "raceId": f"r-{slug[:12]}-{key}",
        "raceEditionId": f"re-{slug[:12]}-{key}-{date[:4]}",
        "name": name,
        "formattedTitle": title,
        "discipline": discipline,
        "status": status,
        "date": date,
        "endDate": end_date or date,
        "time": time,
        "endTime": end_time,
        "distance": distance,
        "distanceUnit": unit,
        "elevationGain": gain,
        "elevationLoss": loss,
        "itraPoints": itra,
        "minPrice": price,
        "registrationUrl": wrap(registration, slug),
        "lastEditionFinisherCount": finishers,
        "isMostPopular": popular,
        "description": description,
        "activities": activities or [],
    }


def leg(activity: str, distance: float, unit: str = "meters") -> dict[str, Any]:
    return {"activity": activity, "distance": distance, "distanceUnit": unit}


def event(
    slug: str,
    name: str,
    *,
    country: tuple[str, str] = ("FR", "France"),
    region: str | None = None,
    department: str | None = None,
    city: str | None = None,
    point: tuple[float, float] | None = None,
    city_point: tuple[float, float] | None = None,
    geojson: str | None = None,
    subtitle: str | None = None,
    description: str | None = None,
    first_year: int | None = None,
    website: str | None = None,
    website_absolute: bool = False,
    registration: str | None = None,
    facebook: str | None = None,
    tags: list[str] | None = None,
    banner: bool = True,
    last_edition: tuple[int, str, str, str] | None = None,
    next_edition: tuple[int, str, str, str] | None = None,
    races: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """pageProps of one event page. ``geojson`` = 'point' or 'city' to use the GeoJSON form."""
    breadcrumb: list[dict[str, Any]] = [
        {"type": "country", "label": country[1], "code": country[0]}
    ]
    if region:
        breadcrumb.append({"type": "level1AdminArea", "label": region})
    if department:
        breadcrumb.append({"type": "level2AdminArea", "label": department})
    if city:
        breadcrumb.append({"type": "city", "label": city})
    ev: dict[str, Any] = {
        "id": uid(slug, "event"),
        "shortId": uid(slug, "short")[:5],
        "slug": slug,
        "name": name,
        "subtitle": subtitle,
        "longDescription": description,
        "firstEditionYear": first_year,
        "breadcrumb": breadcrumb,
        "countryName": {"code": country[0]},
    }
    for key, latlng in (("coordinates", point), ("cityCoordinates", city_point)):
        if latlng is None:
            continue
        form = "point" if key == "coordinates" else "city"
        if geojson == form:
            ev[key] = {"type": "Point", "coordinates": [latlng[1], latlng[0]]}
        else:
            ev[key] = {"lat": latlng[0], "lng": latlng[1]}
    ev["links"] = {
        "website": website if website_absolute else wrap(website, slug),
        "registration": wrap(registration, slug),
        "facebook": wrap(facebook, slug),
    }
    ev["tags"] = tags or []
    region_path = (region or country[1]).lower().replace(" ", "-")
    ev["bannerImage"] = (
        f"events/europe/{country[1].lower()}/{region_path}/{slug}/{uid(slug, 'img')[:8]}"
        if banner
        else None
    )

    def edition(spec: tuple[int, str, str, str] | None) -> dict[str, Any] | None:
        if spec is None:
            return None
        year, status, start, end = spec
        return {"year": year, "status": status, "dateRange": {"start": start, "end": end}}

    race_list = races or []
    return {
        "event": ev,
        "lastEdition": edition(last_edition),
        "nextEdition": edition(next_edition),
        "races": race_list,
        "disciplines": sorted({r["discipline"] for r in race_list}),
        "series": [],
        "customSubPages": [],
    }


def _special_events() -> list[dict[str, Any]]:
    """One event per case of FORMAT.md."""
    s = "trail-des-cretes-vosgiennes"
    out = [
        event(
            s,
            "Trail des Crêtes Vosgiennes",
            region="Grand Est",
            department="Vosges",
            city="Gérardmer",
            point=(48.0712, 6.8779),
            city_point=(48.0732, 6.8773),
            subtitle="Sur les hauteurs du massif",
            description="<p>Trois parcours sur les <strong>crêtes</strong> entre lacs et "
            "forêts.</p><p>Ravitaillements tous les 10&nbsp;km.</p>",
            first_year=2011,
            website="https://www.trail-cretes-vosgiennes.example/",
            registration="https://www.njuko.example/tcv-2027",
            tags=["off-road", "mountain", "forest", "lake"],
            last_edition=(2026, "confirmed", "2026-06-13", "2026-06-14"),
            next_edition=(2027, "tba", "2027-06-12", "2027-06-13"),
            races=[
                race(
                    s,
                    "62",
                    "Le Grand Tour",
                    "Trail 62 km",
                    discipline="trail",
                    date="2027-06-12",
                    time="06:00:00",
                    distance=62000,
                    gain=2850,
                    loss=2850,
                    itra=3,
                    price=58,
                    finishers=412,
                    popular=True,
                    registration="https://www.njuko.example/tcv-2027/62",
                ),
                race(
                    s,
                    "23",
                    "La Découverte",
                    "Trail 23 km",
                    discipline="trail",
                    date="2027-06-13",
                    time="09:00:00",
                    distance=23,
                    unit="kilometers",
                    gain=0,
                    itra=1,
                    finishers=655,
                ),
                race(
                    s,
                    "kids",
                    "Les P'tits Montagnards",
                    "Course enfants 1,5 km",
                    discipline="trail",
                    date="2027-06-13",
                    time="14:00:00",
                    distance=1500,
                    gain=40,
                    loss=40,
                    itra=0,
                    price=5,
                ),
            ],
        ),
    ]
    s = "triathlon-du-lac-leman-geneve"
    out.append(
        event(
            s,
            "Triathlon du Lac Léman",
            country=("CH", "Suisse"),
            region="Genève",
            city="Genève",
            city_point=(46.2044, 6.1432),
            geojson="city",
            website="https://www.tri-leman.example/",
            website_absolute=True,
            tags=["lake", "city"],
            banner=False,
            next_edition=(2027, "confirmed", "2027-08-28", "2027-08-29"),
            races=[
                race(
                    s,
                    "olympic",
                    "Distance olympique",
                    "Triathlon M",
                    discipline="triathlon",
                    status="confirmed",
                    date="2027-08-29",
                    time="08:30:00",
                    distance=51.5,
                    unit="kilometers",
                    gain=150,
                    loss=150,
                    price=95,
                    activities=[
                        leg("swimming", 1500),
                        leg("cycling", 40000),
                        leg("running", 10000),
                    ],
                ),
                race(
                    s,
                    "6h",
                    "Les 6 heures du quai",
                    "Course 6 h",
                    status="confirmed",
                    date="2027-08-28",
                    time="18:00:00",
                    end_time="23:59:00",
                    distance=360,
                    unit="minutes",
                ),
            ],
        )
    )
    s = "10-km-de-paris-tour-eiffel"
    out.append(
        event(
            s,
            "10 Km de Paris Tour Eiffel",
            region="Île-de-France",
            department="Paris",
            city="Paris",
            point=(48.8584, 2.2945),
            city_point=(48.8566, 2.3522),
            website="https://www.10kmparis.example/",
            registration="https://www.njuko.example/10kmparis",
            tags=["capitals-big-cities", "night"],
            next_edition=(2027, "confirmed", "2027-10-03", "2027-10-03"),
            races=[
                race(
                    s,
                    "10k",
                    "10 km",
                    f"Course sur route 10{NNBSP}km",
                    status="confirmed",
                    date="2027-10-03",
                    time="20:00:00",
                    distance=10000,
                    price=32,
                    finishers=8120,
                    popular=True,
                ),
            ],
        )
    )
    s = "10km-de-paris-tour-eiffel"
    out.append(
        event(
            s,
            "10km de Paris Tour Eiffel",
            region="Île-de-France",
            department="Paris",
            city="Paris",
            point=(48.8584, 2.2945),
            tags=["capitals-big-cities"],
            next_edition=(2027, "tba", "2027-10-03", "2027-10-03"),
            races=[
                race(
                    s,
                    "10k",
                    "10km",
                    "Course sur route 10 km",
                    date="2027-10-03",
                    time="20:00:00",
                    distance=10,
                )
            ],
        )
    )
    s = "marathon-d-ajaccio"
    out.append(
        event(
            s,
            "Marathon d'Ajaccio",
            region="Corse",
            department="Corse-du-Sud",
            city="Ajaccio",
            point=(41.9192, 8.7386),
            description="<p>Le long du golfe, de la <em>citadelle</em> aux Îles Sanguinaires."
            "</p><ul><li>Marathon</li><li>Semi</li></ul>",
            tags=["seaside"],
            next_edition=(2027, "confirmed", "2027-04-25", "2027-04-25"),
            races=[
                race(
                    s,
                    "42",
                    "Marathon",
                    "Marathon",
                    status="confirmed",
                    date="2027-04-25",
                    time="08:00:00",
                    distance=42195,
                    gain=120,
                    loss=120,
                    price=55,
                ),
                race(
                    s,
                    "21",
                    "Semi-marathon",
                    "Semi-marathon",
                    status="confirmed",
                    date="2027-04-25",
                    time="08:30:00",
                    distance=21.0975,
                    unit="kilometers",
                    price=35,
                ),
            ],
        )
    )
    s = "trail-de-la-restonica-corte"
    out.append(
        event(
            s,
            "Trail de la Restonica",
            region="Corse",
            department="Haute-Corse",
            city="Corte",
            point=(42.3063, 9.1495),
            tags=["off-road", "mountain"],
            next_edition=(2027, "tba", "2027-07-10", "2027-07-10"),
            races=[
                race(
                    s,
                    "18",
                    "Le Sentier des Lacs",
                    "Trail 18 km",
                    discipline="trail",
                    date="2027-07-10",
                    time="07:00:00",
                    distance=18000,
                    gain=16660,
                    loss=1666,
                    itra=1,
                ),
                race(
                    s,
                    "8",
                    "La Petite Restonica",
                    "Trail 8 km",
                    discipline="trail",
                    date="2027-07-10",
                    time="10:00:00",
                    distance=8000,
                    gain=0,
                    loss=0,
                ),
            ],
        )
    )
    s = "semi-marathon-de-saint-denis-la-reunion"
    out.append(
        event(
            s,
            "Semi-marathon de Saint-Denis",
            region="La Réunion",
            department="La Réunion",
            city="Saint-Denis",
            point=(-20.8823, 55.4504),
            tags=["seaside"],
            next_edition=(2027, "tba", "2027-08-15", "2027-08-15"),
            races=[
                race(
                    s,
                    "21",
                    "Semi",
                    "Semi-marathon",
                    date="2027-08-15",
                    time="06:30:00",
                    distance=21097,
                ),
                race(
                    s,
                    "kids",
                    "Course des marmailles",
                    "Course enfants 800 m",
                    date="2027-08-15",
                    time="06:00:00",
                    distance=800,
                ),
            ],
        )
    )
    s = "run-in-lyon"
    out.append(
        event(
            s,
            "Run In Lyon",
            region="Auvergne-Rhône-Alpes",
            department="Rhône",
            city="Lyon",
            point=(45.7640, 4.8357),
            website="https://www.runinlyon.example/",
            tags=["capitals-big-cities"],
            next_edition=(2027, "confirmed", "2027-10-02", "2027-10-03"),
            races=[
                race(
                    s,
                    "42",
                    "Marathon",
                    "Marathon",
                    status="confirmed",
                    date="2027-10-03",
                    time="08:00:00",
                    distance=26.2,
                    unit="miles",
                    price=80,
                    finishers=5400,
                    popular=True,
                ),
                race(
                    s,
                    "10",
                    "10 km",
                    "10 km",
                    status="confirmed",
                    date="2027-10-02",
                    time="16:00:00",
                    distance=10000,
                    price=25,
                ),
                race(
                    s,
                    "kids",
                    "Mini Run",
                    "Course enfants 1 km",
                    status="confirmed",
                    date="2027-10-02",
                    time="14:00:00",
                    distance=1,
                    unit="kilometers",
                ),
            ],
        )
    )
    s = "marseille-cassis"
    out.append(
        event(
            s,
            "Marseille–Cassis",
            region="Provence-Alpes-Côte d'Azur",
            department="Bouches-du-Rhône",
            city="Marseille",
            point=(43.2965, 5.3698),
            subtitle=f"La{NBSP}classique des calanques",
            tags=["seaside", "capitals-big-cities"],
            last_edition=(2026, "confirmed", "2026-10-25", "2026-10-25"),
            next_edition=(2027, "tba", "2027-10-31", "2027-10-31"),
            races=[
                race(
                    s,
                    "20",
                    "Marseille–Cassis",
                    f"Course 20{NBSP}km",
                    date="2027-10-31",
                    time="09:00:00",
                    distance=20000,
                    gain=327,
                    loss=327,
                    price=40,
                    finishers=15000,
                    popular=True,
                )
            ],
        )
    )
    s = "swimrun-des-calanques"
    out.append(
        event(
            s,
            "Swimrun des Calanques",
            region="Provence-Alpes-Côte d'Azur",
            department="Bouches-du-Rhône",
            city="Cassis",
            city_point=(43.2141, 5.5396),
            tags=["seaside", "relay"],
            next_edition=(2027, "confirmed", "2027-06-05", "2027-06-05"),
            races=[
                race(
                    s,
                    "sr",
                    "Swimrun XL",
                    "Swimrun 32 km",
                    discipline="swimrun",
                    status="confirmed",
                    date="2027-06-05",
                    time="08:00:00",
                    distance=32000,
                    activities=[leg("running", 26000), leg("swimming", 6000)],
                )
            ],
        )
    )
    s = "duathlon-de-nantes"
    out.append(
        event(
            s,
            "Duathlon de Nantes",
            region="Pays de la Loire",
            department="Loire-Atlantique",
            city="Nantes",
            point=(47.2184, -1.5536),
            geojson="point",
            next_edition=(2027, "canceled", "2027-03-14", "2027-03-14"),
            races=[
                race(
                    s,
                    "s",
                    "Duathlon S",
                    "Duathlon S",
                    discipline="duathlon",
                    status="canceled",
                    date="2027-03-14",
                    distance=27.5,
                    unit="kilometers",
                    activities=[
                        leg("running", 5, "kilometers"),
                        leg("cycling", 20, "kilometers"),
                        leg("running", 2.5, "kilometers"),
                    ],
                ),
                race(
                    s,
                    "xs",
                    "Duathlon XS",
                    "Duathlon XS",
                    discipline="duathlon",
                    status="cancelled",
                    date="2027-03-14",
                    time="14:00:00",
                    distance=13000,
                ),
            ],
        )
    )
    s = "paddle-run-du-lac-d-annecy"
    out.append(
        event(
            s,
            "Paddle & Run du Lac d'Annecy",
            region="Auvergne-Rhône-Alpes",
            department="Haute-Savoie",
            city="Annecy",
            point=(45.8992, 6.1294),
            tags=["lake"],
            next_edition=(2027, "tba", "2027-07-03", "2027-07-03"),
            races=[
                race(
                    s,
                    "pr",
                    "Paddle & Run",
                    "Paddle & Run 12 km",
                    discipline="stand_up_paddle_run",
                    date="2027-07-03",
                    distance=12000,
                    activities=[leg("paddle", 4000), leg("running", 8000)],
                )
            ],
        )
    )
    s = "foulees-du-bocage-vire"
    out.append(
        event(
            s,
            "Foulées du Bocage",
            region="Normandie",
            department="Calvados",
            city="Vire Normandie",
            next_edition=(2027, "tba", "2027-09-12", "2027-09-12"),
            races=[race(s, "10", "10 km", "10 km", date="2027-09-12", distance=10000)],
        )
    )
    s = "ultra-tour-des-4-massifs"
    out.append(
        event(
            s,
            "Ultra Tour des 4 Massifs",
            region="Auvergne-Rhône-Alpes",
            department="Isère",
            city="Grenoble",
            point=(45.1885, 5.7245),
            description="<h2>4 massifs</h2><p>Vercors, Chartreuse, Belledonne et Taillefer"
            "<br/>en 4 jours.</p><script>trackEvent('u4m')</script>",
            tags=["off-road", "mountain", "utmb-world-series"],
            last_edition=(2026, "confirmed", "2026-08-19", "2026-08-23"),
            next_edition=(2027, "confirmed", "2027-08-18", "2027-08-22"),
            races=[
                race(
                    s,
                    "160",
                    "Ultra 160",
                    "Trail 160 km",
                    discipline="trail",
                    status="confirmed",
                    date="2027-08-18",
                    end_date="2027-08-22",
                    time="05:00:00",
                    end_time="18:00:00",
                    distance=160000,
                    gain=10500,
                    loss=10500,
                    itra=6,
                    price=190,
                ),
                race(
                    s,
                    "42",
                    "Le Marathon de Chartreuse",
                    "Trail 42 km",
                    discipline="trail",
                    status="confirmed",
                    date="2027-08-20",
                    distance=42000,
                    gain=2400,
                    loss=2600,
                    itra=3,
                    price=65,
                ),
            ],
        )
    )
    s = "20-km-de-bruxelles"
    out.append(
        event(
            s,
            "20 km de Bruxelles",
            country=("BE", "Belgique"),
            region="Bruxelles-Capitale",
            city="Bruxelles",
            point=(50.8467, 4.3525),
            tags=["capitals-big-cities"],
            next_edition=(2027, "confirmed", "2027-05-30", "2027-05-30"),
            races=[
                race(
                    s,
                    "20",
                    "20 km",
                    "20 km",
                    status="confirmed",
                    date="2027-05-30",
                    distance=20000,
                    price=45,
                    finishers=30000,
                    popular=True,
                )
            ],
        )
    )
    s = "behobia-san-sebastian"
    out.append(
        event(
            s,
            "Behobia – San Sebastián",
            country=("ES", "Espagne"),
            region="Pays basque",
            city="Saint-Sébastien",
            city_point=(43.3183, -1.9812),
            next_edition=(2027, "tba", "2027-11-14", "2027-11-14"),
            races=[race(s, "20", "Behobia", "20 km", date="2027-11-14", distance=20000)],
        )
    )
    s = "lausanne-marathon"
    out.append(
        event(
            s,
            "Lausanne Marathon",
            country=("CH", "Suisse"),
            region="Vaud",
            city="Lausanne",
            point=(46.5197, 6.6323),
            next_edition=(2027, "confirmed", "2027-10-24", "2027-10-24"),
            races=[
                race(
                    s,
                    "42",
                    "Marathon",
                    "Marathon",
                    status="confirmed",
                    date="2027-10-24",
                    distance=42.195,
                    unit="kilometers",
                )
            ],
        )
    )
    s = "trail-de-st-malo"
    out.append(
        event(
            s,
            "Trail de St-Malo",
            region="Bretagne",
            department="Ille-et-Vilaine",
            city="Saint-Malo",
            point=(48.6493, -2.0257),
            tags=["seaside"],
            next_edition=(2027, "tba", "2027-04-11", "2027-04-11"),
            races=[
                race(
                    s,
                    "25",
                    "Trail des Corsaires",
                    "Trail 25 km",
                    discipline="trail",
                    date="2027-04-11",
                    distance=25000,
                    gain=300,
                    loss=300,
                )
            ],
        )
    )
    s = "trail-de-saint-malo"
    out.append(
        event(
            s,
            "Trail de Saint-Malo",
            region="Bretagne",
            department="Ille-et-Vilaine",
            city="Saint-Malo",
            point=(48.6493, -2.0257),
            tags=["seaside"],
            next_edition=(2027, "tba", "2027-04-11", "2027-04-11"),
            races=[
                race(
                    s,
                    "25",
                    "Trail des Corsaires",
                    "Trail 25 km",
                    discipline="trail",
                    date="2027-04-11",
                    distance=25000,
                    gain=300,
                    loss=300,
                )
            ],
        )
    )
    s = "les-foulees-de-l-oeuf-pascal"
    out.append(
        event(
            s,
            f"Les Foulées de l'Œuf Pascal{NNBSP}— Ÿvré-l'Évêque ★",
            region="Pays de la Loire",
            department="Sarthe",
            city="Yvré-l'Évêque",
            point=(48.0167, 0.2667),
            subtitle="Chocolat à l'arrivée 🍫",
            description='<p>Parcours «\u00a0nature\u00a0» &amp; <a href="/x">famille</a></p>',
            next_edition=(2027, "tba", "2027-03-28", "2027-03-28"),
            races=[
                race(
                    s,
                    "7",
                    "La Ronde des Œufs",
                    f"Course 7{NNBSP}km",
                    date="2027-03-28",
                    distance=7000,
                ),
                race(
                    s,
                    "kids",
                    "Poussins",
                    "Course enfants 500 m",
                    date="2027-03-28",
                    time="11:00:00",
                    distance=500,
                ),
                race(
                    s,
                    "walk",
                    "Marche",
                    "Marche 5 km",
                    discipline="walking",
                    date="2027-03-28",
                    distance=5000,
                ),
            ],
        )
    )
    s = "nordic-walk-des-volcans"
    out.append(
        event(
            s,
            "Nordic Walk des Volcans",
            region="Auvergne-Rhône-Alpes",
            department="Puy-de-Dôme",
            city="Clermont-Ferrand",
            next_edition=None,
            last_edition=(2026, "confirmed", "2026-05-01", "2026-05-01"),
            races=[
                race(
                    s,
                    "12",
                    "Marche nordique 12 km",
                    "Marche nordique 12 km",
                    discipline="nordic",
                    status="confirmed",
                    date="2026-05-01",
                    distance=12000,
                    time=None,
                )
            ],
        )
    )
    s = "cross-du-figaro"
    out.append(
        event(
            s,
            "Cross du Figaro",
            region="Île-de-France",
            department="Paris",
            city="Paris",
            point=(48.8499, 2.4265),
            next_edition=(2027, "rescheduled", "2027-12-12", "2027-12-12"),
            races=[
                race(
                    s,
                    "cross",
                    "Cross long",
                    "Cross 9 km",
                    discipline="cross",
                    status="tba",
                    date="2027-12-12",
                    distance=9000,
                )
            ],
        )
    )
    s = "mud-day-obstacle-lille"
    out.append(
        event(
            s,
            "Mud Day Lille",
            region="Hauts-de-France",
            department="Nord",
            city="Lille",
            point=(50.6292, 3.0573),
            next_edition=(2027, "tba", "2027-09-25", "2027-09-26"),
            races=[
                race(
                    s,
                    "13",
                    "Mud Day 13 km",
                    "Course à obstacles 13 km",
                    discipline="obstacle_race",
                    date="2027-09-25",
                    distance=13000,
                ),
                race(
                    s,
                    "kids",
                    "Mud Kids",
                    "Course enfants 1,5 km",
                    discipline="obstacle_race",
                    date="2027-09-26",
                    distance=1500,
                ),
            ],
        )
    )
    s = "gravel-des-monts-d-ardeche"
    out.append(
        event(
            s,
            "Gravel des Monts d'Ardèche",
            region="Auvergne-Rhône-Alpes",
            department="Ardèche",
            city="Privas",
            point=(44.7353, 4.5992),
            next_edition=(2027, "tba", "2027-05-08", "2027-05-08"),
            races=[
                race(
                    s,
                    "90",
                    "Gravel 90",
                    "Gravel 90 km",
                    discipline="gravel_running",
                    date="2027-05-08",
                    distance=56,
                    unit="miles",
                    gain=1800,
                )
            ],
        )
    )
    s = "bike-and-run-de-chambord"
    out.append(
        event(
            s,
            "Bike & Run de Chambord",
            region="Centre-Val de Loire",
            department="Loir-et-Cher",
            city="Chambord",
            city_point=(47.6161, 1.5172),
            next_edition=(2027, "tba", "2027-02-07", "2027-02-07"),
            races=[
                race(
                    s,
                    "br",
                    "Bike & Run 15 km",
                    "Bike & Run 15 km",
                    discipline="bike_and_run",
                    date="2027-02-07",
                    distance=15000,
                    activities=[leg("cycling", 7500), leg("running", 7500)],
                )
            ],
        )
    )
    return out


# (slug, name, region, department, city, lat, lng)
_TOWNS: list[tuple[str, str, str, str, str, float, float]] = [
    (
        "foulees-rennaises",
        "Foulées Rennaises",
        "Bretagne",
        "Ille-et-Vilaine",
        "Rennes",
        48.1173,
        -1.6778,
    ),
    (
        "corrida-de-toulouse",
        "Corrida de Toulouse",
        "Occitanie",
        "Haute-Garonne",
        "Toulouse",
        43.6047,
        1.4442,
    ),
    (
        "semi-de-bordeaux",
        "Semi-marathon de Bordeaux",
        "Nouvelle-Aquitaine",
        "Gironde",
        "Bordeaux",
        44.8378,
        -0.5792,
    ),
    (
        "trail-du-ventoux",
        "Trail du Ventoux",
        "Provence-Alpes-Côte d'Azur",
        "Vaucluse",
        "Bédoin",
        44.1236,
        5.1797,
    ),
    (
        "course-des-remparts-carcassonne",
        "Course des Remparts",
        "Occitanie",
        "Aude",
        "Carcassonne",
        43.2130,
        2.3491,
    ),
    (
        "10-km-de-strasbourg",
        "10 km de Strasbourg",
        "Grand Est",
        "Bas-Rhin",
        "Strasbourg",
        48.5734,
        7.7521,
    ),
    (
        "trail-des-gorges-du-tarn",
        "Trail des Gorges du Tarn",
        "Occitanie",
        "Lozère",
        "Sainte-Enimie",
        44.3656,
        3.4114,
    ),
    (
        "marathon-de-la-rochelle",
        "Marathon de La Rochelle",
        "Nouvelle-Aquitaine",
        "Charente-Maritime",
        "La Rochelle",
        46.1603,
        -1.1511,
    ),
    (
        "ronde-de-dijon",
        "Ronde de Dijon",
        "Bourgogne-Franche-Comté",
        "Côte-d'Or",
        "Dijon",
        47.3220,
        5.0415,
    ),
    (
        "trail-de-la-sainte-victoire",
        "Trail de la Sainte-Victoire",
        "Provence-Alpes-Côte d'Azur",
        "Bouches-du-Rhône",
        "Aix-en-Provence",
        43.5297,
        5.4474,
    ),
    (
        "foulees-de-montpellier",
        "Foulées de Montpellier",
        "Occitanie",
        "Hérault",
        "Montpellier",
        43.6108,
        3.8767,
    ),
    (
        "course-du-mont-saint-michel",
        "Course du Mont-Saint-Michel",
        "Normandie",
        "Manche",
        "Le Mont-Saint-Michel",
        48.6361,
        -1.5115,
    ),
    ("trail-de-bastia", "Trail de Bastia", "Corse", "Haute-Corse", "Bastia", 42.6977, 9.4508),
    (
        "semi-de-nice",
        "Semi-marathon de Nice",
        "Provence-Alpes-Côte d'Azur",
        "Alpes-Maritimes",
        "Nice",
        43.7102,
        7.2620,
    ),
    (
        "corrida-de-tours",
        "Corrida de Tours",
        "Centre-Val de Loire",
        "Indre-et-Loire",
        "Tours",
        47.3941,
        0.6848,
    ),
    (
        "trail-du-puy-de-dome",
        "Trail du Puy de Dôme",
        "Auvergne-Rhône-Alpes",
        "Puy-de-Dôme",
        "Orcines",
        45.7833,
        3.0167,
    ),
    ("10-km-d-amiens", "10 km d'Amiens", "Hauts-de-France", "Somme", "Amiens", 49.8941, 2.2958),
    ("marathon-de-metz", "Marathon de Metz", "Grand Est", "Moselle", "Metz", 49.1193, 6.1757),
    (
        "trail-de-fort-de-france",
        "Trail de Fort-de-France",
        "Martinique",
        "Martinique",
        "Fort-de-France",
        14.6161,
        -61.0588,
    ),
    ("course-de-brest", "Course de Brest", "Bretagne", "Finistère", "Brest", 48.3904, -4.4861),
]


def _town_events() -> list[dict[str, Any]]:
    out = []
    for i, (slug, name, region, dept, city, lat, lng) in enumerate(_TOWNS):
        is_trail = "trail" in slug
        discipline = "trail" if is_trail else "road"
        month = 1 + i % 12
        day = 1 + (i * 7) % 27
        date = f"2027-{month:02d}-{day:02d}"
        races = [
            race(
                slug,
                "main",
                name,
                f"{'Trail' if is_trail else 'Course'} {10 + i} km",
                discipline=discipline,
                status=("tba", "confirmed")[i % 2],
                date=date,
                distance=(10 + i) * 1000,
                gain=(400 + 37 * i) if is_trail else None,
                loss=(400 + 37 * i) if is_trail else None,
                price=15 + i,
                finishers=200 + 13 * i,
                popular=True,
            ),
        ]
        if i % 3 == 0:
            races.append(
                race(
                    slug,
                    "short",
                    "Parcours découverte",
                    "Course 5 km",
                    discipline=discipline,
                    date=date,
                    time="10:30:00",
                    distance=5000,
                )
            )
        out.append(
            event(
                slug,
                name,
                region=region,
                department=dept,
                city=city,
                point=(lat, lng) if i % 4 else None,
                city_point=(round(lat + 0.002, 4), round(lng - 0.002, 4)),
                first_year=1980 + i,
                website=f"https://www.{slug}.example/",
                registration=f"https://www.njuko.example/{slug}" if i % 2 else None,
                tags=["off-road"] if is_trail else [],
                next_edition=(2027, ("tba", "confirmed")[i % 2], date, date),
                races=races,
            )
        )
    return out


def snapshot_events() -> list[dict[str, Any]]:
    """pageProps of every event of the first night, in site-map order."""
    return _special_events() + _town_events()


# Slugs whose <url> carries a <lastmod> (the live site may or may not send it).
LASTMOD: dict[str, str] = {
    "trail-des-cretes-vosgiennes": "2026-11-20",
    "run-in-lyon": "2026-11-18",
    "marathon-d-ajaccio": "2026-10-02",
}

NEW_EVENT_SLUG = "trail-nocturne-de-besancon"


def _night2_new_event() -> dict[str, Any]:
    s = NEW_EVENT_SLUG
    return event(
        s,
        "Trail Nocturne de Besançon",
        region="Bourgogne-Franche-Comté",
        department="Doubs",
        city="Besançon",
        point=(47.2378, 6.0241),
        tags=["night", "off-road"],
        next_edition=(2027, "tba", "2027-11-20", "2027-11-20"),
        races=[
            race(
                s,
                "15",
                "La Citadelle",
                "Trail 15 km",
                discipline="trail",
                date="2027-11-20",
                time="19:00:00",
                distance=15000,
                gain=450,
                loss=450,
            )
        ],
    )


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
    "vanished": {
        "event_id": uid("course-de-brest", "event"),
        "slug": "course-de-brest",
    },
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
    events.append(_night2_new_event())
    return events


# ---------------------------------------------------------------- rendering


def render_page(props: dict[str, Any], build_id: str = BUILD_ID) -> str:
    """An event page shaped like finishers.com's server-rendered Next.js HTML."""
    slug = props["event"]["slug"]
    next_data = {
        "props": {"pageProps": props},
        "page": "/course/[slug]",
        "query": {"slug": slug},
        "buildId": build_id,
        "locale": "fr",
    }
    # Next.js escapes "</" inside the script so description HTML cannot close it.
    payload = json.dumps(next_data, ensure_ascii=False).replace("</", "<\\/")
    name = escape(str(props["event"].get("name") or ""))
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f'<title>{name} | Finishers</title></head><body><div id="__next"><h1>{name}</h1>'
        f'</div><script id="__NEXT_DATA__" type="application/json">{payload}</script>'
        "</body></html>"
    )


def render_sitemap(slugs: list[str], lastmod: dict[str, str] | None = None) -> str:
    lastmod = lastmod or {}
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for slug in slugs:
        lines.append("  <url>")
        lines.append(f"    <loc>{CANONICAL}/course/{slug}</loc>")
        if slug in lastmod:
            lines.append(f"    <lastmod>{lastmod[slug]}</lastmod>")
        lines.append(
            f'    <xhtml:link rel="alternate" hreflang="en" href="{CANONICAL}/en/event/{slug}"/>'
        )
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


ROBOTS_TXT = f"""User-agent: *
Disallow: /account
Disallow: /book
Disallow: /docs
Allow: /course/

Sitemap: {CANONICAL}/sitemap/events.xml
"""


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
