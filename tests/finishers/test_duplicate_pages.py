"""The same event id on two pages: one deterministic winner, whatever the fetch order, the
batch boundaries or the warehouse; the other page is recorded, nothing landed is lost."""

from __future__ import annotations

import pytest

from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.page_choice import REASON, loses_to_landed, page_rank
from ingestion.finishers.snapshot.build_snapshot import ROBOTS_TXT, SITE_DIR, render_sitemap
from ingestion.finishers.snapshot.server import DirectorySource, OverrideSource, serve_site

from .conftest import Query
from .helpers import html, page_of, variant


def test_page_rank_prefers_the_events_own_page_then_the_smallest_slug() -> None:
    assert page_rank("trail-x", "trail-x") < page_rank("a-trail-x", "trail-x")
    assert page_rank("a-page", "other") < page_rank("b-page", "other")
    # landed from its own page: another page loses; a listed page may replace a delisted one
    assert loses_to_landed("trail-x-old", "trail-x", "trail-x", "trail-x", True)
    assert not loses_to_landed("trail-x", "trail-x", "trail-x-old", "trail-x", True)
    assert not loses_to_landed("trail-x-old", "trail-x", "trail-x", "trail-x", False)
    assert not loses_to_landed("trail-x", "trail-x", "trail-x", "trail-x", True)  # same page
    assert not loses_to_landed("trail-x", "trail-x", None, None, None)  # first landing


def _page(slug: str, event_slug: str, event_id: str, name: str) -> str:
    def mutate(props: dict) -> None:
        props["event"]["slug"] = event_slug
        props["event"]["id"] = event_id
        props["event"]["name"] = name

    return page_of(variant(slug, mutate))


def _site(order: list[str], names: dict[str, str]) -> OverrideSource:
    pages = {  # page slug -> (event slug, event id)
        "trail-x-old": ("trail-x", "event-x"),
        "trail-x": ("trail-x", "event-x"),
        "b-page": ("neither", "event-y"),
        "a-page": ("neither", "event-y"),
    }
    overrides = {
        "/robots.txt": html(ROBOTS_TXT),
        "/sitemap/events.xml": html(render_sitemap(order)),
    }
    for slug, (event_slug, event_id) in pages.items():
        overrides[f"/course/{slug}"] = html(_page(slug, event_slug, event_id, names[slug]))
    return OverrideSource(DirectorySource(SITE_DIR), overrides)


@pytest.mark.parametrize("batch_size", ["1", "200"])
def test_same_event_id_on_two_pages_lands_one_deterministic_winner(
    warehouse_env: dict[str, str], query: Query, monkeypatch: pytest.MonkeyPatch, batch_size: str
) -> None:
    monkeypatch.setenv("FINISHERS_BATCH_SIZE", batch_size)
    names = {s: f"Name from {s}" for s in ("trail-x-old", "trail-x", "b-page", "a-page")}
    with serve_site(_site(["trail-x-old", "trail-x", "b-page", "a-page"], names)) as site:
        first = run_crawl(base_url=site.base_url)
    assert first.status == "ok"
    events = {r[0]: r[1:] for r in query("select id, page_slug, name from raw_finishers.events")}
    assert events == {
        "event-x": ("trail-x", "Name from trail-x"),  # the event's own page
        "event-y": ("a-page", "Name from a-page"),  # neither is: the smallest slug
    }
    rejected = set(
        query(f"select slug, reason from raw_finishers.rejects where reason = '{REASON}'")
    )
    assert {slug for slug, _ in rejected} <= {"trail-x-old", "b-page"}

    # next night, the other order and new content on the losing pages: the winners stay
    names = {**names, "trail-x-old": "Changed old", "b-page": "Changed b"}
    with serve_site(_site(["a-page", "b-page", "trail-x", "trail-x-old"], names)) as site:
        run_crawl(base_url=site.base_url, refresh="all")
    again = {r[0]: r[1:] for r in query("select id, page_slug, name from raw_finishers.events")}
    assert again == events
    rejected = {
        r[0] for r in query(f"select slug from raw_finishers.rejects where reason = '{REASON}'")
    }
    assert rejected == {"trail-x-old", "b-page"}
