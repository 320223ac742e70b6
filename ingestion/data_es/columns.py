"""The raw tables of ``raw_data_es``, declared once (types, keys, hints).

``tests/data_es/test_contract.py`` ties ``dbt_project/models/staging/data_es/
_data_es__sources.yml`` to these declarations, and ingestion/README.md lists them.
"""

from __future__ import annotations

from typing import Any

TEXT, BIGINT, DOUBLE, BOOL = "text", "bigint", "double", "bool"
DATE, TS = "date", "timestamp"


def _table(spec: dict[str, str], **hints: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"data_type": kind, "nullable": True, **hints.get(name, {})}
        for name, kind in spec.items()
    }


# What a record says (parsing.parse_record), hashed into content_hash.
RECORD_SPEC = {
    "equip_numero": TEXT,
    "inst_numero": TEXT,
    "inst_nom": TEXT,
    "inst_display_name": TEXT,
    "equip_nom": TEXT,
    "equip_display_name": TEXT,
    "equip_type_name": TEXT,
    "equip_type_code": TEXT,
    "equip_type_famille": TEXT,
    "aps_name": TEXT,
    "latitude": DOUBLE,
    "longitude": DOUBLE,
    "inst_adresse": TEXT,
    "inst_cp": TEXT,
    "new_code": TEXT,
    "new_name": TEXT,
    "dep_code": TEXT,
    "equip_url": TEXT,
    "equip_acc_libre": BOOL,
    "equip_nature": TEXT,
    "equip_saison": BOOL,
    "inst_hs_bool": BOOL,
    "equip_maj_date": DATE,
    "equip_rnb": TEXT,
    "equip_acces_handi_mobilite": BOOL,
    "inst_acc_handi_bool": BOOL,
    "inst_trans_bool": BOOL,
}
RECORD_FIELDS = frozenset(RECORD_SPEC)

EQUIPMENT_COLUMNS = _table(
    {
        **RECORD_SPEC,
        "content_hash": TEXT,
        "first_seen_at": TS,
        "last_seen_at": TS,
        "is_listed": BOOL,
        "run_id": TEXT,
    },
    equip_numero={"nullable": False, "primary_key": True},
)

# One row per equipment × activity; an equipment re-landed replaces all its rows
# (merge_key), a tombstone (is_deleted) clears them when it has none left.
ACTIVITY_COLUMNS = _table(
    {
        "equip_numero": TEXT,
        "activity_code": TEXT,
        "inst_numero": TEXT,
        "activity_name": TEXT,
        "is_deleted": BOOL,
    },
    equip_numero={"nullable": False, "primary_key": True, "merge_key": True},
    activity_code={"nullable": False, "primary_key": True},
    is_deleted={"hard_delete": True},
)

REJECT_COLUMNS = _table(
    {
        "run_id": TEXT,
        "slice": TEXT,
        "equip_numero": TEXT,
        "reason": TEXT,
        "severity": TEXT,
        "detail": TEXT,
        "excerpt": TEXT,
        "rejected_at": TS,
    }
)

RUN_COLUMNS = _table(
    {
        "run_id": TEXT,
        "started_at": TS,
        "finished_at": TS,
        "duration_s": DOUBLE,
        "base_url": TEXT,
        "mode": TEXT,
        "cursor_from": DATE,
        "cursor_to": DATE,
        "slices": BIGINT,
        "slices_done": BIGINT,
        "slices_resumed": BIGINT,
        "splits": BIGINT,
        "read": BIGINT,
        "new": BIGINT,
        "changed": BIGINT,
        "unchanged": BIGINT,
        "unlisted": BIGINT,
        "relisted": BIGINT,
        "rejected": BIGINT,
        "field_rejects": BIGINT,
        "requests": BIGINT,
        "rate_limit_remaining": BIGINT,
        "status": TEXT,
        "detail": TEXT,
    }
)

TABLES = {
    "equipments": EQUIPMENT_COLUMNS,
    "equipment_activities": ACTIVITY_COLUMNS,
    "rejects": REJECT_COLUMNS,
    "ingest_runs": RUN_COLUMNS,
}
