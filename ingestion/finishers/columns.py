"""The raw tables of ``raw_finishers``, declared once (types, keys, hints).

Declared up front so that a column that is NULL in every row of a load is still created,
with the same type on DuckDB and Postgres, and so that a first run creates every table.
``tests/finishers/test_contract.py`` ties ``dbt_project/models/staging/finishers/
_finishers__sources.yml`` and ingestion/README.md to these declarations.
"""

from __future__ import annotations

from ingestion.raw_tables import RawTable, columns, model_columns

from .models import Race

# Events that are new, changed or whose listing flipped.
EVENT_COLUMNS = columns(
    """id text key, short_id text, slug text, url text, name text, subtitle text,
    long_description text, description_text text, description_html text,
    first_edition_year bigint, country_code text, country_name text, region_name text,
    department_name text, city text, latitude double, longitude double,
    coordinates_precision text, website_url text, registration_url text, facebook_url text,
    tags text, banner_image text, image_url text, edition_year bigint, edition_status text,
    edition_start_date date, edition_end_date date, page_slug text, content_hash text,
    first_seen_at timestamp, last_seen_at timestamp, content_changed_at timestamp,
    is_listed bool"""
)

# All races of each re-landed event, as the page's race model has them; a row with
# is_deleted=true (a tombstone) removes all races of its event.
RACE_COLUMNS = columns(
    f"""event_id text key merge_key, id text key, {model_columns(Race, skip=("id",))},
    content_hash text, is_deleted bool hard_delete"""
)

# Crawl state of every page checked.
PAGE_COLUMNS = columns(
    """slug text key, url text, event_id text, etag text, last_modified text,
    sitemap_lastmod timestamp, content_hash text, first_seen_at timestamp,
    last_checked_at timestamp, last_attempt_at timestamp, content_changed_at timestamp,
    last_status bigint, last_outcome text, last_reason text, consecutive_failures bigint,
    is_listed bool, run_id text, check_count bigint, change_count bigint"""
)

REJECT_COLUMNS = columns(
    """run_id text, url text, slug text, event_id text, http_status bigint, reason text,
    severity text, detail text, excerpt text, rejected_at timestamp"""
)

RUN_COLUMNS = columns(
    """run_id text, started_at timestamp, finished_at timestamp, duration_s double,
    base_url text, discovered bigint, selected bigint, fetched bigint, not_modified bigint,
    skipped_fresh bigint, new bigint, changed bigint, unchanged bigint, unlisted bigint,
    rejected bigint, failed bigint, field_rejects bigint, requests bigint, bytes bigint,
    refresh_policy text, status text, gone bigint, due_left bigint, anomaly text"""
)

# One row per site-map file read (merge on url): its validators for a conditional GET,
# and its items, so that a 304 is served from them.
SITEMAP_COLUMNS = columns(
    """url text key, etag text, last_modified text, kind text, items text, entries bigint,
    fetched_at timestamp, run_id text"""
)

EVENTS = RawTable("events", EVENT_COLUMNS, "merge")
RACES = RawTable("races", RACE_COLUMNS, "merge")
PAGES = RawTable("pages", PAGE_COLUMNS, "merge")
REJECTS = RawTable("rejects", REJECT_COLUMNS)
INGEST_RUNS = RawTable("ingest_runs", RUN_COLUMNS)
SITEMAPS = RawTable("sitemaps", SITEMAP_COLUMNS, "merge")
RAW_TABLES = (EVENTS, RACES, PAGES, REJECTS, INGEST_RUNS, SITEMAPS)
TABLES = {table.name: table.columns for table in RAW_TABLES}
