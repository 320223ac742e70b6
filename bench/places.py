"""Real places the synthetic catalogue scatters its events around (``places.csv``).

Prefectures of every French department (metropolitan and overseas), a few towns that host
many races, and foreign cities for the ~5 % of events abroad. Coordinates are the town
centres (WGS84, rounded to 3 decimals: enough, every event point is jittered anyway);
``weight`` is how much more often than an ordinary town a place hosts an event.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

PLACES_FILE = Path(__file__).with_name("places.csv")


class Place(NamedTuple):
    city: str
    department: str | None  # French department *name*, as the site publishes it
    region: str
    country_code: str
    country_label: str
    lat: float
    lng: float
    weight: float = 1.0


def _read() -> tuple[Place, ...]:
    with PLACES_FILE.open(encoding="utf-8", newline="") as rows:
        return tuple(
            Place(
                row["city"],
                row["department"] or None,
                row["region"],
                row["country_code"],
                row["country_label"],
                float(row["lat"]),
                float(row["lng"]),
                float(row["weight"]),
            )
            for row in csv.DictReader(rows)
        )


_ALL = _read()
FRANCE: tuple[Place, ...] = tuple(p for p in _ALL if p.country_code == "FR")
ABROAD: tuple[Place, ...] = tuple(p for p in _ALL if p.country_code != "FR")
