"""Which page an event is landed from when two pages carry the same event id.

finishers.com sometimes serves one event (one ``event.id``) under two slugs (an old
slug kept alive, a duplicate listing). The raw ``events`` table holds one row per id,
so one page must win, and the same one whatever the fetch order, the batch boundaries or
the warehouse (a dlt merge of two rows with the same key keeps an arbitrary one, which
differs between DuckDB and Postgres). The rule:

1. the event's own page wins: the page whose slug is the event's ``slug`` (canonical);
2. otherwise the page with the smallest slug (compared in Python, never by a database
   collation).

The losing page is recorded in ``rejects`` with reason ``duplicate_event_id`` (nothing
landed is touched). When the winning page's event is no longer listed, a listed page
may take over.
"""

from __future__ import annotations

REASON = "duplicate_event_id"


def page_rank(page_slug: str, event_slug: str | None) -> tuple[int, str]:
    """Sort key of a page showing an event: smaller wins."""
    return (0 if page_slug == event_slug else 1, page_slug)


def loses_to_landed(
    page_slug: str,
    event_slug: str | None,
    landed_page_slug: str | None,
    landed_event_slug: str | None,
    landed_is_listed: bool | None,
) -> bool:
    """True when the event is already landed from another page that wins over this one."""
    if not landed_page_slug or landed_page_slug == page_slug or landed_is_listed is False:
        return False
    return page_rank(landed_page_slug, landed_event_slug) < page_rank(page_slug, event_slug)
