"""Tonight's site map against what was landed: the pages to take, the site maps known,
what would be unlisted, and whether to believe a site map that shrank."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import asdict

from ingestion.warehouse import Warehouse

from . import settings
from .crawl_state import CrawlState, EventState, read_sitemap_items
from .errors import CrawlError
from .guards import shrink_anomaly, would_unlist
from .outcome import Row
from .refresh_policy import PageState
from .sitemap import Discovery, KnownSitemap, SitemapEntry
from .strings import StringTable


def known_sitemaps(state: CrawlState, warehouse: Warehouse) -> dict[str, KnownSitemap]:
    """Site-map files read before: asked for conditionally, their items read on a 304."""

    def items(url: str) -> Callable[[], str | None]:
        return lambda: read_sitemap_items(warehouse, url)

    return {
        url: KnownSitemap(known.etag, known.last_modified, known.kind or "urlset", items(url))
        for url, known in state.sitemaps.items()
        if known.kind
    }


def select(
    discovery: Discovery,
    limit: int | None,
    slugs: list[str] | None,
    base_url: str,
    unlisted_slugs: bool = True,
) -> Sequence[SitemapEntry]:
    """The entries of this run: ``slugs`` (listed or not) or the first ``limit`` ones."""
    entries: Sequence[SitemapEntry] = discovery.entries
    if slugs:
        by_slug = {e.slug: e for e in entries}
        missing = [s for s in dict.fromkeys(slugs) if s not in by_slug]
        if missing and not unlisted_slugs:
            raise CrawlError(
                f"not in the site map ({len(entries)} events listed): {', '.join(missing)}; "
                "nothing crawled (--unlisted crawls such a page anyway)"
            )
        entries = [
            by_slug.get(s) or SitemapEntry(s, f"{base_url}{settings.EVENT_PATH_PREFIX}{s}")
            for s in dict.fromkeys(slugs)
        ]
    if limit is not None:
        entries = entries[: max(0, limit)]
    return entries


def shrink_reason(
    state: CrawlState, discovery: Discovery, max_unlist_share: float | None
) -> str | None:
    """Why the site map is not believed (it would unlist too much at once), or None."""
    if max_unlist_share is None:  # --accept-shrink
        return None
    return shrink_anomaly(
        *would_unlist(state.pages, state.events, discovery.entries.listed()),
        max_unlist_share,
    )


def missing_pages(pages: Mapping[str, PageState], discovered: Set[str], run_id: str) -> list[Row]:
    """Rows that unlist the pages gone from the site map (kept, with is_listed=false)."""
    rows = []
    for slug, page in pages.items():
        if slug in discovered or not page.is_listed:
            continue
        row = asdict(page)
        row.update(is_listed=False, run_id=run_id)
        rows.append(row)
    return rows


def missing_events(
    state: CrawlState, discovered: Set[str], page_events: Mapping[str, str]
) -> list[str]:
    """Listed events that no listed page shows (an event's slug may have changed)."""
    shown = StringTable()  # a catalogue's ids: a few buffers, not a set of strings
    for slug in discovered:
        page = state.pages.get(slug)
        event_id = page_events.get(slug) or (page.event_id if page else None)
        if event_id:
            shown.code(event_id)
    events: Mapping[str, EventState] = state.events
    return [i for i, e in events.items() if shown.find(i) < 0 and e.is_listed is not False]
