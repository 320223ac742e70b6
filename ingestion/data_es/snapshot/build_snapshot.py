"""Writes the bundled Data ES snapshot: ``records.json`` and ``records_night2.json``.

Realistic records in the shape of the live ``data-es`` dataset: installations in several
departments (Paris, Lyon, Marseille, Corsica 2A/2B, Guadeloupe, La Réunion...), a sports
park and a dance centre with many equipments at one point, and every data trap of
FORMAT.md, each placed on purpose (see ``TRAPS``). Night 2 changes, adds and removes a few.

    python -m ingestion.data_es.snapshot.build_snapshot   # rewrites the two files
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

SNAPSHOT_DIR = Path(__file__).resolve().parent
NIGHT1_FILE = SNAPSHOT_DIR / "records.json"
NIGHT2_FILE = SNAPSHOT_DIR / "records_night2.json"
INSTALLATIONS_FILE = SNAPSHOT_DIR / "installations.csv"

# (INSEE, commune, dep, postal code, lat, lon, jitter in degrees)
COMMUNES = [
    ("75056", "Paris", "75", "75011", 48.8589, 2.3770, 0.012),
    ("69123", "Lyon", "69", "69007", 45.7485, 4.8467, 0.010),
    ("13055", "Marseille", "13", "13008", 43.2500, 5.3900, 0.015),
    ("33063", "Bordeaux", "33", "33000", 44.8420, -0.5800, 0.010),
    ("35238", "Rennes", "35", "35000", 48.1110, -1.6800, 0.010),
    ("44109", "Nantes", "44", "44000", 47.2180, -1.5530, 0.010),
    ("31555", "Toulouse", "31", "31000", 43.6045, 1.4440, 0.012),
    ("74056", "Chamonix-Mont-Blanc", "74", "74400", 45.9237, 6.8694, 0.004),
    ("01053", "Bourg-en-Bresse", "01", "01000", 46.2052, 5.2255, 0.004),
    ("2A004", "Ajaccio", "2A", "20000", 41.9260, 8.7370, 0.004),
    ("2B033", "Bastia", "2B", "20200", 42.6973, 9.4450, 0.003),
    ("2B096", "Corte", "2B", "20250", 42.3062, 9.1500, 0.004),
    ("97411", "Saint-Denis", "974", "97400", -20.8900, 55.4600, 0.004),
    ("97416", "Saint-Pierre", "974", "97410", -21.3300, 55.4850, 0.004),
    ("97120", "Pointe-à-Pitre", "971", "97110", 16.2380, -61.5330, 0.002),
    ("64122", "Biarritz", "64", "64200", 43.4750, -1.5550, 0.004),
]

# (type code, type name, family, activities, nature)
TYPES = {
    "pool": ("101", "Bassin sportif de natation", "Bassin de natation",
             ["Natation sportive", "Natation loisir"], "Intérieur"),
    "leisure_pool": ("102", "Bassin ludique de natation", "Bassin de natation",
                     ["Natation loisir", "Aquagym"], "Intérieur"),
    "tennis": ("701", "Court de tennis", "Court de tennis", ["Tennis"], "Découvert"),
    "padel": ("702", "Court de padel", "Court de tennis", ["Padel"], "Découvert"),
    "football": ("201", "Terrain de football", "Terrain de grands jeux",
                 ["Football / Football en salle (Futsal)"], "Découvert"),
    "rugby": ("202", "Terrain de rugby", "Terrain de grands jeux", ["Rugby"], "Découvert"),
    "gym": ("2802", "Salle multisports (gymnase)", "Salle multisports (gymnase)",
            ["Basket-Ball", "Handball", "Volley-ball", "Badminton"], "Intérieur"),
    "climbing": ("301", "Mur et pan d'escalade", "Structure Artificielle d'Escalade",
                 ["Escalade"], "Intérieur"),
    "dance": ("1401", "Salle de danse", "Salle non spécialisée", ["Danse", "Yoga"], "Intérieur"),
    "fitness": ("1402", "Salle de musculation/cardiotraining",
                "Equipement d'activités de forme et de santé",
                ["Musculation", "Cardio-training"], "Intérieur"),
    "dojo": ("1501", "Dojo / Salle d'arts martiaux", "Salle de combat",
             ["Judo", "Karaté"], "Intérieur"),
    "skatepark": ("2101", "Skatepark", "Equipement de glisse urbaine",
                  ["Skateboard", "Roller"], "Découvert"),
    "boules": ("2201", "Boulodrome", "Boulodrome", ["Pétanque"], "Découvert"),
    "city": ("2501", "Plateau EPS / multisports / city-stade",
             "Plateau EPS/Multisports/city-stades", ["Football", "Basketball"], "Découvert"),
    "hiking": ("1201", "Boucle de randonnée", "Boucles de randonnée",
               ["Randonnée pédestre", "Trail"], "Site naturel"),
    "track": ("901", "Piste d'athlétisme", "Equipement d'athlétisme",
              ["Athlétisme"], "Découvert"),
    "surf": ("1601", "Spot de surf", "Site de sports nautiques", ["Surf"], "Site naturel"),
    "ski": ("1701", "Piste de ski alpin", "Domaine skiable", ["Ski alpin"], "Site naturel"),
    "canoe": ("1801", "Parcours de canoë-kayak", "Site de sports nautiques",
              ["Canoë-kayak"], "Site naturel"),
    "riding": ("1901", "Carrière équestre", "Equipement équestre", ["Equitation"], "Découvert"),
}  # fmt: skip


def _read_installations() -> tuple[
    list[tuple[int, str, str, list[str]]], list[tuple[str, str, list[str]]]
]:
    """``installations.csv``: (commune index, name as published, street, equipment kinds).

    Kinds are ``TYPES`` keys, ``kind*n`` for n of them; rows without a commune are the
    small installations added to every commune so each department has a realistic spread.
    """
    placed, fillers = [], []
    with INSTALLATIONS_FILE.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            kinds = _kinds(row["equipments"])
            if row["commune"]:
                placed.append((int(row["commune"]), row["name"], row["street"], kinds))
            else:
                fillers.append((row["name"], row["street"], kinds))
    return placed, fillers


def _kinds(text: str) -> list[str]:
    kinds: list[str] = []
    for token in text.split():
        kind, _, count = token.partition("*")
        kinds += [kind] * int(count or 1)
    return kinds


INSTALLATIONS, FILLERS = _read_installations()


def _equipment_numbers(insee: str, inst_seq: int, count: int) -> tuple[str, list[str]]:
    inst = f"I{insee}{inst_seq:04d}"
    return inst, [f"E{n:03d}{inst}" for n in range(1, count + 1)]


def _locate(points: list[tuple[float, float]]) -> list[str | None]:
    from ingestion.geocoding.gazetteer import load_gazetteer

    hits = load_gazetteer().locate_many([p[0] for p in points], [p[1] for p in points])
    return [h.commune.insee_code if h.commune else None for h in hits]


def _point(commune: tuple, rng: random.Random) -> tuple[float, float]:
    _, _, _, _, lat, lon, jitter = commune
    return round(lat + rng.uniform(-jitter, jitter), 5), round(
        lon + rng.uniform(-jitter, jitter), 5
    )


def build_records() -> list[dict[str, Any]]:
    rng = random.Random(12)
    plan = list(INSTALLATIONS)
    for index in range(len(COMMUNES)):
        for filler in FILLERS[: 4 if index % 3 else 6]:
            plan.append((index, *filler))
    records: list[dict[str, Any]] = []
    seq: dict[str, int] = {}
    for commune_index, name, street, kinds in plan:
        commune = COMMUNES[commune_index]
        insee, city, dep, cp = commune[:4]
        seq[insee] = seq.get(insee, 0) + 1
        inst, numbers = _equipment_numbers(insee, seq[insee], len(kinds))
        point = _point(commune, rng)
        for _ in range(50):  # keep the point inside its commune (the geocoder must agree)
            if _locate([point])[0] == insee:
                break
            point = _point(commune, rng)
        same_spot = len(kinds) > 4  # a complex: every equipment at the same point
        for rank, (number, kind) in enumerate(zip(numbers, kinds, strict=True), start=1):
            code, type_name, family, aps, nature = TYPES[kind]
            lat, lon = point if same_spot or rank == 1 else _point(commune, rng)
            if not same_spot and rank > 1:
                lat, lon = (
                    round(point[0] + rng.uniform(-4e-4, 4e-4), 5),
                    round(point[1] + rng.uniform(-4e-4, 4e-4), 5),
                )
            label = type_name if len(kinds) == 1 else f"{type_name} {rank}"
            records.append(
                {
                    "equip_numero": number,
                    "inst_numero": inst,
                    "inst_nom": name,
                    "equip_nom": label.upper() if rng.random() < 0.6 else label,
                    "equip_type_name": type_name,
                    "equip_type_code": code,
                    "equip_type_famille": family,
                    "aps_name": list(aps),
                    "equip_coordonnees": {"lon": lon, "lat": lat},
                    "equip_x": lon,
                    "equip_y": lat,
                    "inst_adresse": street,
                    "inst_cp": cp,
                    "new_code": insee,
                    "new_name": city,
                    "dep_code": dep,
                    "equip_url": None,
                    "equip_acc_libre": "true"
                    if kind in ("city", "skatepark", "hiking", "surf")
                    else "false",
                    "equip_nature": nature,
                    "equip_saison": "true" if kind in ("ski", "surf") else "false",
                    "inst_hs_bool": "Non",
                    "equip_maj_date": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
                    "equip_rnb": f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}-ABCD"
                    if rng.random() < 0.3
                    else None,
                    "equip_acces_handi_mobilite": "true" if rng.random() < 0.6 else "false",
                    "inst_acc_handi_bool": "true" if rng.random() < 0.7 else "false",
                    "inst_trans_bool": "true" if rng.random() < 0.8 else "false",
                    # fields of the 107 that Bouge does not read (the select list leaves them)
                    "equip_gestion_type": "Commune",
                    "equip_proprietaire_type": "Commune",
                    "inst_part_type": "Aucun",
                }
            )
    _place_traps(records)
    return records


def _by_id(records: list[dict[str, Any]], number: str) -> dict[str, Any]:
    return next(r for r in records if r["equip_numero"] == number)


# What each trap looks like, and where it is (equip_numero of the record carrying it).
TRAPS: dict[str, str] = {}


def _trap(name: str, record: dict[str, Any], **values: Any) -> None:
    record.update(values)
    TRAPS[name] = record["equip_numero"]


def _place_traps(records: list[dict[str, Any]]) -> None:
    r = records
    _trap("bool_capitalised", r[0], equip_acc_libre="True", equip_saison="FALSE")
    _trap("bool_native", r[1], equip_acc_libre=False, inst_trans_bool=True)
    _trap("hs_oui_upper", r[16], inst_hs_bool="OUI")  # a Paris gym: out of service
    _trap("hs_null", r[17], inst_hs_bool=None)
    _trap("coords_text", r[25], equip_coordonnees=None, equip_x="4.85512", equip_y="45.73012")
    _trap("coords_comma_text", r[27], equip_coordonnees=None, equip_x="4,8398", equip_y="45,7472")
    for name, index in (("no_coords", 30), ("no_coords_2", 60), ("no_coords_3", 95)):
        _trap(name, r[index], equip_coordonnees=None, equip_x=None, equip_y=None)
    _trap("coords_zero", r[40], equip_coordonnees={"lon": 0, "lat": 0}, equip_x=0, equip_y=0)
    _trap(
        "coords_swapped",
        r[45],
        equip_coordonnees={"lon": 43.2931, "lat": 5.3981},
        equip_x=43.2931,
        equip_y=5.3981,
    )
    _trap(
        "aps_comma_split", r[50], aps_name=['["Football / Football en salle (Futsal)"', ' "Rugby"]']
    )
    _trap(
        "aps_label_split",
        r[52],
        aps_name=['["Activités de forme et de santé (Fitness', ' musculation)"]', "Yoga"],
    )
    _trap("aps_json_text", r[55], aps_name='["Tennis", "Padel"]')
    _trap("aps_plain_text", r[57], aps_name="Pétanque")
    _trap("aps_spelling", r[58], aps_name=["BASKET-BALL", "basketball ", "Hand-ball"])
    _trap("aps_empty", r[59], aps_name=[])
    _trap("url_schemeless", r[2], equip_url="www.paris.fr/piscines")
    _trap("url_http", r[33], equip_url="http://www.lyon.fr/equipement/gymnase-gerland")
    _trap("url_https", r[34], equip_url="https://www.marseille.fr/sports")
    _trap("url_garbage", r[36], equip_url="non renseigné")
    _trap("url_bare_domain", r[70], equip_url="ajaccio.fr")
    _trap("dep_lowercase", r[72], dep_code="2a")
    _trap("postal_int", r[71], inst_cp=20000)
    bourg = next(x for x in r if x["new_code"] == "01053")
    _trap("insee_int", bourg, new_code=1053, dep_code="1", inst_cp=1000)
    _trap("date_pre_migration", r[3], equip_maj_date="2019-06-12")
    _trap("date_migration_stamp", r[4], equip_maj_date="2025-03-21")
    _trap("date_french", r[5], equip_maj_date="14/10/2026")
    _trap("date_garbage", r[6], equip_maj_date="inconnue")
    _trap("name_mixed_case", r[7], inst_nom="Piscine Municipale Jean Bouin")
    # the source's INSEE code of a point the geocoder puts in the next commune
    _trap("insee_disagrees", r[-1], new_code="64024", new_name="Anglet")
    # records the ingestion must reject, with a reason
    records.append({**r[10], "equip_numero": None, "inst_nom": "SANS IDENTIFIANT"})
    TRAPS["no_id"] = "(none)"
    records.append({**r[11], "equip_numero": "E001I133330001", "inst_numero": None})
    TRAPS["no_installation"] = "E001I133330001"
    records.append({**r[12], "equip_numero": "E001I133330002", "aps_name": {"bad": 1}})
    TRAPS["unreadable"] = "E001I133330002"


def night2(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The next night: changed, new and vanished records, each with a fresh maj date."""
    out = [dict(r) for r in records]
    changed_day = "2026-11-30"
    for index, values in (
        (8, {"inst_nom": "GYMNASE DU CREPS - SALLE NORD"}),
        (20, {"aps_name": ["Natation sportive", "Natation loisir", "Aquagym"]}),
        (35, {"equip_acc_libre": "true"}),
        (44, {"equip_url": "www.bordeaux.fr/piscines"}),
        (66, {"inst_hs_bool": "Oui"}),
    ):
        out[index].update(values, equip_maj_date=changed_day)
    vanished = {out[i]["equip_numero"] for i in (90, 91)}
    lonely = next(
        r
        for r in out
        if sum(x["inst_numero"] == r["inst_numero"] for x in out) == 1
        and r["equip_numero"] not in vanished
        and r["equip_numero"] is not None
    )
    vanished.add(lonely["equip_numero"])
    out = [r for r in out if r["equip_numero"] not in vanished]
    template = dict(records[14])
    new_inst = "I750560099"
    out.append({**template, "equip_numero": f"E001{new_inst}", "inst_numero": new_inst,
                "inst_nom": "ESCALADE BLOCK'OUT PARIS", "equip_type_name": "Mur et pan d'escalade",
                "equip_type_famille": "Structure Artificielle d'Escalade", "aps_name": ["Escalade"],
                "equip_maj_date": changed_day})  # fmt: skip
    out.append({**template, "equip_numero": f"E002{new_inst}", "inst_numero": new_inst,
                "inst_nom": "ESCALADE BLOCK'OUT PARIS", "equip_type_name": "Salle de musculation",
                "aps_name": ["Musculation"], "equip_maj_date": changed_day})  # fmt: skip
    existing = records[22]
    out.append({**existing, "equip_numero": "E099" + existing["inst_numero"],
                "equip_nom": "COURT DE PADEL", "aps_name": ["Padel"],
                "equip_maj_date": changed_day})  # fmt: skip
    return out


def main() -> None:
    first = build_records()
    second = night2(first)
    for path, rows in ((NIGHT1_FILE, first), (NIGHT2_FILE, second)):
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        print(f"{path.name}: {len(rows)} records")
    print("traps:", json.dumps(TRAPS, indent=1))


if __name__ == "__main__":
    main()
