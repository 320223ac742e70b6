"""Re-clean the events landed before the text rules moved to parse time (one-off upgrade).

    python -m ingestion.finishers.reclean

Rows landed by an older parser hold their names as published (markup included) and no
``description_text`` / ``description_html``. An event is re-landed only when its page
content changes, so without this step they would keep their markup, and their marts
would lose their descriptions on the next full refresh. This reads those rows (marked by
a null ``page_slug``, a column the older parser did not write) and their races back from
the warehouse, applies :mod:`ingestion.html_text` to the stored values, and merges them
back in place. Nothing is fetched; ``content_hash`` is kept, so the next crawl sees them
as unchanged. Running it again finds nothing to do.

It applies only the parse-time rules (HTML → text, sanitized HTML, safe URLs). Statuses,
country codes and no-break spaces are left as stored: older parsers landed them
normalised (``cancelled``, ``FR``, plain spaces), today's as published, and dbt's macros
(``normalise_status``, ``iso_country_code``, ``clean_text``) read both alike.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from ingestion.html_text import plain_description, plain_text, safe_url, sanitized_html
from ingestion.warehouse import Warehouse, current_warehouse

from . import finishers_source, settings
from .columns import EVENT_COLUMNS, RACE_COLUMNS
from .crawl_state import read_rows

_EVENT_TEXT = ("name", "subtitle", "country_name", "region_name", "department_name", "city")
_EVENT_URLS = ("website_url", "registration_url", "facebook_url", "image_url")
_RACE_TEXT = ("name", "formatted_title")


def reclean_event(row: dict[str, Any]) -> dict[str, Any]:
    """An event row of an older parser, with today's text rules."""
    out = dict(row)
    for column in _EVENT_TEXT:
        out[column] = plain_text(row.get(column))
    out["name"] = out["name"] or row["slug"]  # only markup: the slug says what it is
    out["tags"] = (
        ",".join(t for t in (plain_text(t) for t in (row.get("tags") or "").split(",")) if t)
        or None
    )
    for column in _EVENT_URLS:
        out[column] = safe_url(row.get(column))
    out["description_text"] = plain_description(row.get("long_description"))
    out["description_html"] = sanitized_html(row.get("long_description"), row.get("url"))
    out["page_slug"] = row["slug"]  # the page of the event's own slug (the url it was given)
    return out


def reclean_race(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for column in _RACE_TEXT:
        out[column] = plain_text(row.get(column))
    out["registration_url"] = safe_url(row.get("registration_url"))
    if row.get("activities"):
        legs = json.loads(row["activities"])
        for leg in legs:
            leg["activity"] = plain_text(leg.get("activity"))
        out["activities"] = json.dumps(legs, ensure_ascii=False)
    out["is_deleted"] = False
    return out


def reclean(warehouse: Warehouse | None = None) -> int:
    """Re-clean every event landed by an older parser; return how many were re-landed."""
    warehouse = warehouse or current_warehouse()
    events = read_rows(warehouse, "events", list(EVENT_COLUMNS), unless_present="page_slug")
    if not events:
        return 0
    ids = {e["id"] for e in events}
    races = [
        r
        for r in read_rows(warehouse, "races", list(RACE_COLUMNS))
        if r["event_id"] in ids and not r.get("is_deleted")
    ]
    pipeline = warehouse.pipeline(settings.PIPELINE_NAME, settings.DATASET_NAME)
    pipeline.run(
        finishers_source([reclean_event(e) for e in events], [reclean_race(r) for r in races])
    )
    return len(events)


def main() -> int:
    count = reclean()
    print(f"re-cleaned {count} event(s) landed by an older parser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
