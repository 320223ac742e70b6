"""The crawler's memory stays flat in the catalogue's size (issue 13).

The state of every known page and event is read back at the start of a night, a page of
rows at a time, and kept compact: no per-instance ``__dict__``, and the values many rows
repeat (a run id, an outcome, a run's start, an event id) held once. A landed batch's
memory goes back to the system. Real local HTTP server (the committed snapshot), real
warehouses: no mocks.
"""

from __future__ import annotations

import sys
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

import psutil
import pytest
from lxml import etree

from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.crawl_state import EVENT_STATE_FIELDS, EventState, load_state
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


def _object_bytes(roots: list[Any]) -> int:
    """Bytes of the objects reachable from ``roots`` (each counted once)."""
    total, stack, counted = 0, list(roots), set()
    while stack:
        obj = stack.pop()
        if id(obj) in counted or isinstance(obj, type):
            continue
        counted.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            stack += [*obj.keys(), *obj.values()]
        elif isinstance(obj, list | tuple | set | frozenset):
            stack += list(obj)
        else:
            stack += [getattr(obj, s) for s in getattr(type(obj), "__slots__", ())]
    return total


def test_the_state_per_event_stays_compact(warehouse_env: dict[str, str]) -> None:
    _two_nights()
    state = load_state(current_warehouse())
    pages, events = list(state.pages.values()), list(state.events.values())
    decision = RefreshPolicy().decide(None, None, T0)
    for obj in (pages[0], events[0], SitemapEntry("s", "u"), decision):
        assert not hasattr(obj, "__dict__"), type(obj)  # slots: ~100 B less per instance

    # values many rows repeat are one object: a run id, an outcome, a run's start
    for column in ("run_id", "last_outcome", "first_seen_at"):
        values = [getattr(p, column) for p in pages if getattr(p, column) is not None]
        assert len({id(v) for v in values}) == len(set(values)), column
    # an event id, the slug of the page it is landed from, and the content hash of both are
    # one string everywhere
    ids = {key: key for key in state.events}
    assert all(p.event_id is ids[p.event_id] for p in pages if p.event_id in ids)
    slugs = {key: key for key in state.pages}
    assert all(e.page_slug is slugs[e.page_slug] for e in events if e.page_slug in slugs)
    hashes = {e.content_hash: e.content_hash for e in events}
    assert all(p.content_hash is hashes[p.content_hash] for p in pages if p.content_hash in hashes)

    # what the crawl keeps per event (its page, its event and their keys, not the dicts'
    # own tables): under 850 B, 85 MB at 100,000 events (1,670 B read a row at a time)
    per_event = _object_bytes([*pages, *events, *ids, *slugs]) / len(events)
    assert per_event < 850, per_event


def test_a_landed_batchs_memory_goes_back_to_the_system() -> None:
    """What the lander does after each batch: freed rows stop counting in the RSS, even
    when objects that live on (the crawl state) were allocated after them."""
    if not release_free_memory():
        pytest.skip("no malloc_trim here (not glibc): the system keeps the pages")
    process = psutil.Process()
    batch = [b"%d" % i * 1000 for i in range(40_000)]  # ~200 MB of 4-5 KB rows
    state = [b"%d" % i * 200 for i in range(2_000)]  # allocated after: the heap's top
    del batch
    freed = process.memory_info().rss
    release_free_memory()
    assert process.memory_info().rss < freed - 100 * 2**20
    assert len(state) == 2_000


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
