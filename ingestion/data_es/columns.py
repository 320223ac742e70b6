"""The raw tables of ``raw_data_es``, declared once (types, keys, hints).

``tests/data_es/test_contract.py`` ties ``dbt_project/models/staging/data_es/
_data_es__sources.yml`` to these declarations, and ingestion/README.md lists them.
"""

from __future__ import annotations

from ingestion.raw_tables import RawTable, columns

# What a record says (parsing.parse_record), hashed into content_hash.
RECORD = """equip_numero text, inst_numero text, inst_nom text, inst_display_name text,
    equip_nom text, equip_display_name text, equip_type_name text, equip_type_code text,
    equip_type_famille text, aps_name text, latitude double, longitude double,
    inst_adresse text, inst_cp text, new_code text, new_name text, dep_code text,
    equip_url text, equip_acc_libre bool, equip_nature text, equip_saison bool,
    inst_hs_bool bool, equip_maj_date date, equip_rnb text, equip_acces_handi_mobilite bool,
    inst_acc_handi_bool bool, inst_trans_bool bool"""
RECORD_FIELDS = frozenset(columns(RECORD))

EQUIPMENT_COLUMNS = columns(
    f"""{RECORD.replace("equip_numero text", "equip_numero text key", 1)},
    content_hash text, first_seen_at timestamp, last_seen_at timestamp, is_listed bool,
    run_id text"""
)

# One row per equipment × activity; an equipment re-landed replaces all its rows
# (merge_key), a tombstone (is_deleted) clears them when it has none left.
ACTIVITY_COLUMNS = columns(
    """equip_numero text key merge_key, activity_code text key, inst_numero text,
    activity_name text, is_deleted bool hard_delete"""
)

REJECT_COLUMNS = columns(
    """run_id text, slice text, equip_numero text, reason text, severity text, detail text,
    excerpt text, rejected_at timestamp"""
)

RUN_COLUMNS = columns(
    """run_id text, started_at timestamp, finished_at timestamp, duration_s double,
    base_url text, mode text, cursor_from date, cursor_to date, slices bigint,
    slices_done bigint, slices_resumed bigint, splits bigint, read bigint, new bigint,
    changed bigint, unchanged bigint, unlisted bigint, relisted bigint, rejected bigint,
    field_rejects bigint, requests bigint, rate_limit_remaining bigint, status text,
    detail text"""
)

EQUIPMENTS = RawTable("equipments", EQUIPMENT_COLUMNS, "merge")
EQUIPMENT_ACTIVITIES = RawTable("equipment_activities", ACTIVITY_COLUMNS, "merge")
REJECTS = RawTable("rejects", REJECT_COLUMNS)
INGEST_RUNS = RawTable("ingest_runs", RUN_COLUMNS)
RAW_TABLES = (EQUIPMENTS, EQUIPMENT_ACTIVITIES, REJECTS, INGEST_RUNS)
TABLES = {table.name: table.columns for table in RAW_TABLES}
