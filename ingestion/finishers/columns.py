"""Explicit column types of the raw tables (see ingestion/README.md).

Declared up front so that a column that is NULL in every row of a load is still created,
with the same type on DuckDB and Postgres.
"""

from __future__ import annotations

from typing import Any

TEXT, BIGINT, DOUBLE, BOOL = "text", "bigint", "double", "bool"
DATE, TS = "date", "timestamp"


def _cols(spec: dict[str, str], **hints: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"data_type": data_type, "nullable": True, **hints.get(name, {})}
        for name, data_type in spec.items()
    }


_KEY = {"nullable": False, "primary_key": True}

EVENT_COLUMNS = _cols(
    {
        "id": TEXT,
        "short_id": TEXT,
        "slug": TEXT,
        "url": TEXT,
        "name": TEXT,
        "subtitle": TEXT,
        "long_description": TEXT,
        "description_text": TEXT,
        "description_html": TEXT,
        "first_edition_year": BIGINT,
        "country_code": TEXT,
        "country_name": TEXT,
        "region_name": TEXT,
        "department_name": TEXT,
        "city": TEXT,
        "latitude": DOUBLE,
        "longitude": DOUBLE,
        "coordinates_precision": TEXT,
        "website_url": TEXT,
        "registration_url": TEXT,
        "facebook_url": TEXT,
        "tags": TEXT,
        "banner_image": TEXT,
        "image_url": TEXT,
        "edition_year": BIGINT,
        "edition_status": TEXT,
        "edition_start_date": DATE,
        "edition_end_date": DATE,
        "page_slug": TEXT,
        "content_hash": TEXT,
        "first_seen_at": TS,
        "last_seen_at": TS,
        "content_changed_at": TS,
        "is_listed": BOOL,
    },
    id=_KEY,
)

RACE_COLUMNS = _cols(
    {
        "event_id": TEXT,
        "id": TEXT,
        "race_id": TEXT,
        "race_edition_id": TEXT,
        "name": TEXT,
        "formatted_title": TEXT,
        "discipline": TEXT,
        "status": TEXT,
        "date": DATE,
        "end_date": DATE,
        "time": TEXT,
        "end_time": TEXT,
        "distance": DOUBLE,
        "distance_unit": TEXT,
        "elevation_gain": DOUBLE,
        "elevation_loss": DOUBLE,
        "itra_points": BIGINT,
        "min_price": DOUBLE,
        "registration_url": TEXT,
        "last_edition_finisher_count": BIGINT,
        "is_most_popular": BOOL,
        "description": TEXT,
        "activities": TEXT,
        "content_hash": TEXT,
        # Tombstone flag: a row with is_deleted=true removes all races of its event.
        "is_deleted": BOOL,
    },
    event_id={"nullable": False, "primary_key": True, "merge_key": True},
    id=_KEY,
    is_deleted={"hard_delete": True},
)

PAGE_COLUMNS = _cols(
    {
        "slug": TEXT,
        "url": TEXT,
        "event_id": TEXT,
        "etag": TEXT,
        "last_modified": TEXT,
        "sitemap_lastmod": TS,
        "content_hash": TEXT,
        "first_seen_at": TS,
        "last_checked_at": TS,
        "last_attempt_at": TS,
        "content_changed_at": TS,
        "last_status": BIGINT,
        "last_outcome": TEXT,
        "last_reason": TEXT,
        "consecutive_failures": BIGINT,
        "is_listed": BOOL,
        "run_id": TEXT,
        "check_count": BIGINT,
        "change_count": BIGINT,
    },
    slug=_KEY,
)

REJECT_COLUMNS = _cols(
    {
        "run_id": TEXT,
        "url": TEXT,
        "slug": TEXT,
        "event_id": TEXT,
        "http_status": BIGINT,
        "reason": TEXT,
        "severity": TEXT,
        "detail": TEXT,
        "excerpt": TEXT,
        "rejected_at": TS,
    }
)

RUN_COLUMNS = _cols(
    {
        "run_id": TEXT,
        "started_at": TS,
        "finished_at": TS,
        "duration_s": DOUBLE,
        "base_url": TEXT,
        "discovered": BIGINT,
        "selected": BIGINT,
        "fetched": BIGINT,
        "not_modified": BIGINT,
        "skipped_fresh": BIGINT,
        "new": BIGINT,
        "changed": BIGINT,
        "unchanged": BIGINT,
        "unlisted": BIGINT,
        "rejected": BIGINT,
        "failed": BIGINT,
        "field_rejects": BIGINT,
        "requests": BIGINT,
        "bytes": BIGINT,
        "refresh_policy": TEXT,
        "status": TEXT,
        "gone": BIGINT,
        "due_left": BIGINT,
        "anomaly": TEXT,
    }
)

# One row per site-map file read (merge on url): its validators for a conditional GET,
# and its items, so that a 304 is served from them.
SITEMAP_COLUMNS = _cols(
    {
        "url": TEXT,
        "etag": TEXT,
        "last_modified": TEXT,
        "kind": TEXT,
        "items": TEXT,
        "entries": BIGINT,
        "fetched_at": TS,
        "checked_at": TS,
        "run_id": TEXT,
    },
    url=_KEY,
)
