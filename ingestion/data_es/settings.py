"""Constants of the Data ES source: endpoint, protocol limits, politeness, the select list.

The run-time settings and their defaults are :class:`config.ApiConfig`'s fields (dlt keys
``SOURCES__DATA_ES__<NAME>`` or ``[sources.data_es]`` in ``.dlt/config.toml``).
"""

from __future__ import annotations

CANONICAL_BASE_URL = "https://equipements.sports.gouv.fr/api/explore/v2.1"
# `data-es` is the complete, anonymous dataset. `data-es-equipement` publishes the
# declarants' names, e-mails and phone numbers: never read it (FORMAT.md).
DATASET_ID = "data-es"
FORBIDDEN_DATASETS = frozenset({"data-es-equipement"})
RECORDS_PATH = f"/catalog/datasets/{DATASET_ID}/records"
EXPORT_PATH = f"/catalog/datasets/{DATASET_ID}/exports/json"
EXPORT_PARQUET_PATH = f"/catalog/datasets/{DATASET_ID}/exports/parquet"

# Explore v2.1 limits (both answered with HTTP 400 when broken).
MAX_PAGE_LIMIT = 100
WINDOW = 10_000  # offset + limit of /records
ORDER_BY = "equip_numero"  # unique: pages never repeat or skip a row

# The fields read, and only these: an explicit select list that names no personal data
# (tests/data_es/test_privacy.py checks every name against PERSONAL_FIELD_MARKERS).
SELECT_FIELDS = (
    "equip_numero",
    "inst_numero",
    "inst_nom",
    "equip_nom",
    "equip_type_name",
    "equip_type_code",
    "equip_type_famille",
    "aps_name",
    "equip_coordonnees",
    "equip_x",
    "equip_y",
    "inst_adresse",
    "inst_cp",
    "new_code",
    "new_name",
    "dep_code",
    "equip_url",
    "equip_acc_libre",
    "equip_nature",
    "equip_saison",
    "inst_hs_bool",
    "equip_maj_date",
    "equip_rnb",
    "equip_acces_handi_mobilite",
    "inst_acc_handi_bool",
    "inst_trans_bool",
)
PERSONAL_FIELD_MARKERS = ("mail", "tel", "phone", "declarant", "contact", "prenom", "gestionnaire")

# Slicing: the whole set is read department by department; a department above the window
# is split by commune, a commune above it by type family.
SPLIT_FIELDS = ("dep_code", "new_code", "equip_type_famille")

# equip_maj_date is meaningful only from this day: a migration stamped every older record
# with 2025 dates, so the delta cursor never starts before it.
CURSOR_FLOOR = "2025-03-31"
# How `auto` reads the whole set (the first run, then weekly): the parquet export, two
# requests instead of ~3,400 pages (data_es/README.md says why); `--mode full` pages.
FULL_READ_MODE = "export"

# Politeness (the run's limits are settings: config.ApiConfig).
DEFAULT_USER_AGENT = "BougeBot/0.1 (+https://github.com/bouge/data-platform)"

PIPELINE_NAME = "data_es"
DATASET_NAME = "raw_data_es"
SOURCE_NAME = "data_es"  # the `source` of its POIs and activities in the marts

# Coordinates outside every French territory's box are absurd (nulled, reported):
# (south, north, west, east) of metropolitan France with Corsica, the Antilles, Guyane,
# La Réunion, Mayotte, Saint-Pierre-et-Miquelon, New Caledonia, French Polynesia.
TERRITORY_BOXES = (
    (41.2, 51.2, -5.3, 9.7),
    (14.3, 18.2, -63.2, -60.7),
    (2.0, 6.0, -54.7, -51.5),
    (-21.5, -20.8, 55.1, 56.0),
    (-13.1, -12.5, 44.9, 45.4),
    (46.7, 47.2, -56.5, -56.1),
    (-22.8, -19.4, 163.5, 168.3),
    (-28.0, -7.8, -154.8, -134.4),
)
# Kept upper case when a name is title-cased for display.
ACRONYMS = frozenset(
    {"ASPTT", "CREPS", "UCPA", "MJC", "INSEP", "CHU", "SNCF", "RATP", "EPS", "ZAC", "ZI",
     "CSP", "PSG", "OM", "US", "AS", "FC", "RC", "SC", "CS", "ES", "USM", "VTT", "BMX",
     "IUT", "UFR", "STAPS", "CAF", "FFME", "SIVOM", "EPCI"}
)  # fmt: skip
EXCERPT_CHARS = 500
