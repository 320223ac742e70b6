"""Synthetic Data ES records at any size, built from the bundled snapshot's shapes.

``synthetic_department("13", 12_000)`` is a department above the 10,000 window (split by
commune on read); ``synthetic_dataset(334_000)`` is a full-size France (≈2.2 equipments
per installation, 101 departments, one above the window) for the benchmark. Records are
generated deterministically from a seed, so two calls give the same set.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from .build_snapshot import TYPES

OVERSEAS = ("971", "972", "973", "974", "976")


def departments() -> list[str]:
    metro = [f"{n:02d}" for n in range(1, 96) if n != 20]
    return [*metro[:19], "2A", "2B", *metro[19:], *OVERSEAS]


def _record(dep: str, insee: str, inst: str, rank: int, rng: random.Random, day: str) -> dict:
    kind = rng.choice(list(TYPES))
    code, type_name, family, aps, nature = TYPES[kind]
    lat = (-21.0 if dep == "974" else 46.0) + rng.uniform(-0.3, 0.3)
    lon = (55.5 if dep == "974" else 2.5) + rng.uniform(-0.3, 0.3)
    return {
        "equip_numero": f"E{rank:03d}{inst}",
        "inst_numero": inst,
        "inst_nom": f"COMPLEXE SPORTIF {inst[-4:]}",
        "equip_nom": f"{type_name.upper()} {rank}",
        "equip_type_name": type_name,
        "equip_type_code": code,
        "equip_type_famille": family,
        "aps_name": list(aps),
        "equip_coordonnees": {"lon": round(lon, 5), "lat": round(lat, 5)},
        "equip_x": round(lon, 5),
        "equip_y": round(lat, 5),
        "inst_adresse": "Rue du Stade",
        "inst_cp": insee[:2] + "000" if dep not in OVERSEAS else insee[:3] + "00",
        "new_code": insee,
        "new_name": f"Commune {insee}",
        "dep_code": dep,
        "equip_url": None,
        "equip_acc_libre": rng.choice(["true", "false"]),
        "equip_nature": nature,
        "equip_saison": "false",
        "inst_hs_bool": "Non",
        "equip_maj_date": day,
        "equip_rnb": None,
        "equip_acces_handi_mobilite": rng.choice(["true", "false"]),
        "inst_acc_handi_bool": "true",
        "inst_trans_bool": "false",
    }


def synthetic_department(
    dep: str,
    n: int,
    communes: int = 40,
    seed: int = 13,
    single_family: bool = False,
) -> Iterator[dict[str, Any]]:
    """``n`` equipments in ``dep`` spread over ``communes`` communes (1 commune and one
    type family with ``communes=1, single_family=True``: a slice that cannot be split)."""
    rng = random.Random(seed)
    prefix = dep if len(dep) == 3 else dep.zfill(2)
    width = 5 - len(prefix)
    produced = 0
    inst_seq = 0
    while produced < n:
        inst_seq += 1
        insee = f"{prefix}{(inst_seq % communes) + 1:0{width}d}"
        inst = f"I{insee}{inst_seq:04d}"
        for rank in range(1, min(rng.randint(1, 4), n - produced) + 1):
            day = f"2026-{rng.randint(4, 11):02d}-{rng.randint(1, 28):02d}"
            record = _record(dep, insee, inst, rank, rng, day)
            if single_family:
                record["equip_type_famille"] = "Salle multisports (gymnase)"
            produced += 1
            yield record


def synthetic_dataset(n: int = 334_000, big_department: str = "13", seed: int = 1) -> list[dict]:
    """A full-size set: ``n`` equipments over every department, ``big_department`` above
    the 10,000 window."""
    deps = departments()
    big = max(12_000, n // 25) if n >= 50_000 else 0
    rest = n - big
    records: list[dict] = []
    if big:
        records += synthetic_department(big_department, big, communes=60, seed=seed)
    others = [d for d in deps if d != big_department]
    per = rest // len(others)
    for index, dep in enumerate(others):
        count = per + (rest - per * len(others) if index == len(others) - 1 else 0)
        records += synthetic_department(dep, count, communes=30, seed=seed + index + 1)
    return records


def night_with_changes(
    records: list[dict], share: float = 0.01, day: str = "2026-11-30", offset: int = 0
) -> int:
    """Change ``share`` of the records in place (name and maj date); return how many.
    ``offset`` picks another set of the same size (a later night changes other records)."""
    step = max(1, round(1 / share))
    changed = 0
    for record in records[offset % step :: step]:
        record["equip_nom"] = f"{record['equip_nom']} (rénové)"
        record["equip_maj_date"] = day
        changed += 1
    return changed


def synthetic_night(n: int, changed: float, night: int) -> list[dict]:
    """The full-size set (``synthetic_dataset``) at ``night``: each night from 2 changes
    another ``changed`` share of the records, dated that night (night 2: 2026-11-30)."""
    records = synthetic_dataset(n)
    for later in range(2, night + 1) if changed else ():
        day = (date(2026, 11, 28) + timedelta(days=later)).isoformat()
        night_with_changes(records, changed, day, offset=later - 2)
    return records
