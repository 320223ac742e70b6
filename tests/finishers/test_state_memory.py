"""The crawler's memory stays flat in the catalogue's size (issue 13).

The state of every known page and event is read back at the start of a night, a page of
rows at a time, and kept in columns: a few arrays, each string once, no object per page.
A landed batch's memory goes back to the system. Real local HTTP server (the committed
snapshot), real warehouses: no mocks.
"""

from __future__ import annotations

import gc
import hashlib
import sys
import uuid
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import psutil
import pytest
from lxml import etree

from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.crawl_state import (
    EVENT_STATE_FIELDS,
    CrawlState,
    EventState,
    load_state,
)
from ingestion.finishers.entries import SitemapEntries
from ingestion.finishers.memory import release_free_memory
from ingestion.finishers.plan import plan_night
from ingestion.finishers.refresh_policy import PageState, RefreshPolicy
from ingestion.finishers.settings import DATASET_NAME
from ingestion.finishers.sitemap import SitemapEntry, parse_sitemap, sitemap_item
from ingestion.finishers.snapshot.build_snapshot import SITE_DIR, SITE_NIGHT2_DIR
from ingestion.finishers.snapshot.server import serve_site
from ingestion.warehouse import current_warehouse

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # after every <lastmod> of the snapshot


def _two_nights() -> None:
    """Night 1, then night 2 a day later (changed, new, unlisted events)."""
    with serve_site(SITE_DIR) as night1:
        run_crawl(base_url=night1.base_url, clock=lambda: T0)
    with serve_site(SITE_NIGHT2_DIR) as night2:
        run_crawl(base_url=night2.base_url, clock=lambda: T0 + timedelta(days=1))


def _whole_state() -> tuple[dict[str, PageState], dict[str, EventState]]:
    """The state as one query per table reads it, the reference for a paged read."""
    with current_warehouse().reader() as reader:
        pages = {}
        for row in reader.select(DATASET_NAME, "pages", [f.name for f in fields(PageState)]):
            for counter in ("consecutive_failures", "check_count", "change_count"):
                row[counter] = int(row.get(counter) or 0)
            row["is_listed"] = row.get("is_listed") is not False
            pages[row["slug"]] = PageState(**row)
        events = {}
        for row in reader.select(DATASET_NAME, "events", ["id", *EVENT_STATE_FIELDS]):
            event_id = row.pop("id")
            events[event_id] = EventState(**row)
    return pages, events


def test_a_state_read_page_by_page_gives_the_same_state_and_decisions(
    warehouse_env: dict[str, str],
) -> None:
    _two_nights()
    pages, events = _whole_state()
    state = load_state(current_warehouse(), page_rows=7)  # 45+ rows: several pages
    assert len(state.pages) == len(pages) > 7 and len(state.events) == len(events) > 7
    assert state.pages == pages and state.events == events

    entries = [SitemapEntry(slug, page.url, page.sitemap_lastmod) for slug, page in pages.items()]
    for days in (2, 20, 70):  # the next night, a safety re-check, everything overdue
        now = T0 + timedelta(days=days)
        for policy in (RefreshPolicy(), RefreshPolicy(refresh_all=True)):
            paged = plan_night(entries, state.pages, state.events, policy, now)
            whole = plan_night(entries, pages, events, policy, now)
            assert paged.todo == whole.todo and paged.skipped == whole.skipped


def _catalogue(n: int) -> tuple[CrawlState, SitemapEntries]:
    """The state and the site map of ``n`` events as a night after a few reads them."""
    state = CrawlState()
    entries = SitemapEntries(state.strings)
    for i in range(n):
        slug = f"trail-des-cretes-de-la-vallee-{i:x}"
        event_id = str(uuid.UUID(int=i * 7919 + 1))
        digest = hashlib.sha256(slug.encode()).hexdigest()
        seen, checked = T0 - timedelta(days=30, microseconds=i), T0 - timedelta(seconds=i)
        lastmod, day = T0 - timedelta(days=i % 90), date(2027, 1 + i % 12, 1 + i % 28)
        url = f"https://www.finishers.com/course/{slug}"
        entries.add(SitemapEntry(slug, url, lastmod))
        state.events[event_id] = EventState(digest, True, seen, checked, seen, day, day, slug, slug)
        state.pages[slug] = PageState(
            slug=slug, url=url, event_id=event_id, etag=f'"{digest[:24]}"',
            last_modified=format_datetime(lastmod, usegmt=True), sitemap_lastmod=lastmod,
            content_hash=digest, first_seen_at=seen, last_checked_at=checked,
            last_attempt_at=checked, content_changed_at=seen, last_status=200,
            last_outcome="unchanged", run_id="0123456789abcdef", check_count=3, change_count=1,
        )  # fmt: skip
    return state, entries


def test_the_state_stays_out_of_the_process() -> None:
    """No Python object per page or event (they would trap the landed batches' memory
    between them), the pages' and events' state on disk (:mod:`.spill`): the process
    holds the site map's entries and strings, about 70 bytes an event."""
    n = 50_000
    gc.collect()
    release_free_memory()
    blocks, rss = sys.getallocatedblocks(), psutil.Process().memory_info().rss
    state, entries = _catalogue(n)
    gc.collect()
    release_free_memory()
    assert (sys.getallocatedblocks() - blocks) / n < 0.05  # a few arrays, whatever n
    per_event = (state.strings.nbytes + entries.nbytes) / n
    assert per_event < 80, per_event  # 7 MB at 100,000 events
    grown, spilled = psutil.Process().memory_info().rss - rss, state.spilled_bytes
    assert spilled > 20 * 2**20 and grown < spilled / 3, (spilled, grown)

    # what is read back is what was stored
    page = state.pages["trail-des-cretes-de-la-vallee-2a"]
    assert state.events[page.event_id].page_slug == page.slug == entries[42].slug
    assert entries[42].url == page.url and entries[42].lastmod == page.sitemap_lastmod
    assert entries.listed() == {e.slug for e in entries} and len(state.pages) == n


class _Node:
    """A row of a load that points back at its load, as dlt's objects do."""

    def __init__(self, load: list[_Node], payload: bytes) -> None:
        self.load, self.payload = load, payload


@pytest.mark.parametrize("cycles", [False, True], ids=["rows", "reference-cycles"])
def test_a_landed_batchs_memory_goes_back_to_the_system(cycles: bool) -> None:
    """What the lander does after each batch: freed rows stop counting in the RSS, even
    when objects that live on (the crawl state) were allocated after them. Also when the
    rows are reference cycles, as a dlt load leaves: only a full collection frees those,
    and without one after each batch a night's memory grew with its number of batches."""
    if not release_free_memory():
        pytest.skip("no malloc_trim here (not glibc): the system keeps the pages")
    process = psutil.Process()
    automatic = gc.isenabled()
    gc.disable()  # cycles wait for a collection, as they do when the process holds many
    try:  # objects (Python's collections of the oldest generation are then rare)
        batch: list[Any] = []
        rows = (b"%d" % i * 1000 for i in range(40_000))  # ~200 MB of 4-5 KB rows
        batch.extend(_Node(batch, row) if cycles else row for row in rows)
        state = [b"%d" % i * 200 for i in range(2_000)]  # allocated after: the heap's top
        del batch
        freed = process.memory_info().rss
        release_free_memory()
        assert process.memory_info().rss < freed - 100 * 2**20
        assert len(state) == 2_000
    finally:
        if automatic:
            gc.enable()


def _whole_tree_items(xml: bytes) -> tuple[str, list[tuple[str, str | None]]]:
    """The site map read as one tree, as the crawler read it before it streamed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(xml, parser)
    items = []
    for node in root:
        if not isinstance(node.tag, str) or node.tag.rsplit("}", 1)[-1] not in ("url", "sitemap"):
            continue
        loc, lastmod = sitemap_item(node)  # one element read the same way: the walk differs
        if loc:
            items.append((loc, lastmod))
    return root.tag.rsplit("}", 1)[-1], items


def test_the_streamed_site_map_reads_the_same_items() -> None:
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    urls = "".join(
        f"<url><loc> https://www.finishers.com/course/e{i} </loc>"
        + (f"<lastmod>2026-11-{i % 28 + 1:02d}</lastmod>" if i % 3 else "<lastmod> </lastmod>")
        + '<xhtml:link xmlns:xhtml="http://www.w3.org/1999/xhtml" rel="alternate" href="x"/>'
        + "</url><!-- between -->"
        for i in range(5_000)
    )
    odd = "<url><loc></loc></url><other><url><loc>https://x/course/nested</loc></url></other>"
    sitemaps = [
        f"<urlset {ns}>{urls}{odd}</urlset>".encode(),
        b"<sitemapindex><sitemap><loc>https://x/s1.xml</loc></sitemap></sitemapindex>",
        b"<urlset/>",
        (SITE_DIR / "sitemap" / "events.xml").read_bytes(),
    ]
    for xml in sitemaps:
        assert parse_sitemap(xml) == _whole_tree_items(xml)
    assert len(parse_sitemap(sitemaps[0])[1]) == 5_000  # nested and empty <loc> left out
    for broken in (b"", b"<urlset><url>", b"not xml"):  # the same error, the reject's detail
        with pytest.raises(etree.XMLSyntaxError) as streamed:
            parse_sitemap(broken)
        with pytest.raises(etree.XMLSyntaxError) as whole:
            _whole_tree_items(broken)
        assert str(streamed.value) == str(whole.value)
