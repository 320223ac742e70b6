"""The synthetic catalogue: deterministic by seed, exact next-night mutation, real page shape."""

from __future__ import annotations

import json
import re

import pytest

from bench.catalogue import Catalogue, CatalogueConfig
from bench.site import CatalogueSource

N = 400


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue(CatalogueConfig(n=N, seed=7, changed=0.05, removed=0.02, new=0.03))


def _next_data(body: bytes) -> dict:
    match = re.search(rb'<script id="__NEXT_DATA__" type="application/json">(.*?)</script>', body)
    assert match, body[:200]
    return json.loads(match.group(1))


def test_same_seed_same_site(cat: Catalogue) -> None:
    twin = Catalogue(CatalogueConfig(n=N, seed=7, changed=0.05, removed=0.02, new=0.03))
    for index in (0, 1, 57, N - 1):
        assert twin.page_html(index, 1) == cat.page_html(index, 1)
        assert twin.page_html(index, 2) == cat.page_html(index, 2)
    assert twin.sitemap_xml(2) == cat.sitemap_xml(2)


def test_other_seed_other_site(cat: Catalogue) -> None:
    other = Catalogue(CatalogueConfig(n=N, seed=8))
    assert other.page_html(0, 1) != cat.page_html(0, 1)
    assert other.slug(0) != cat.slug(0) or other.page_props(0, 1) != cat.page_props(0, 1)


def test_night2_changes_the_expected_number_of_events(cat: Catalogue) -> None:
    changed = sum(
        1
        for i in range(N)
        if cat.state(i, 1)[0] and cat.state(i, 2)[0] and cat.page_html(i, 1) != cat.page_html(i, 2)
    )
    removed = sum(1 for i in range(N) if cat.state(i, 1)[0] and not cat.state(i, 2)[0])
    listed1, listed2 = set(cat.listed(1)), set(cat.listed(2))
    assert (changed, removed) == (round(0.05 * N), round(0.02 * N))
    assert len(listed2 - listed1) == round(0.03 * N)
    assert len(listed2) == N - removed + round(0.03 * N)
    assert cat.expected_diff(2) == {"changed": 20, "removed": 8, "new": 12}


def test_pages_have_the_example_shape(cat: Catalogue) -> None:
    kinds = {"event"}
    for index in range(60):
        body = cat.page_html(index, 1)
        assert body.startswith(b'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">')
        if cat.page_kind(index) != "event":
            kinds.add(cat.page_kind(index))
            continue
        data = _next_data(body)
        assert data["buildId"] and data["page"] == "/course/[slug]"
        event = data["props"]["pageProps"]["event"]
        races = data["props"]["pageProps"]["races"]
        assert event["slug"] == cat.slug(index) and event["id"]
        assert 1 <= len(races) <= 8
        assert {r["distanceUnit"] for r in races} <= {"meters", "kilometers", "miles", "minutes"}


def test_distributions_are_realistic() -> None:
    big = Catalogue(CatalogueConfig(n=2000, seed=1))
    props = [big.page_props(i, 1) for i in range(2000)]
    races = [r for p in props for r in p["races"]]
    statuses = [r["status"] for r in races]
    assert statuses.count("tba") > statuses.count("confirmed") > 0
    abroad = sum(p["event"]["countryName"]["code"] != "FR" for p in props)
    assert 0.03 < abroad / 2000 < 0.07
    assert {"meters", "kilometers", "minutes"} <= {r["distanceUnit"] for r in races}
    assert any(r["activities"] for r in races)  # multisport legs
    sizes = [len((p["event"]["longDescription"] or "").encode()) for p in props]
    described = [s for s in sizes if s]
    assert min(described) >= 1000
    assert max(described) <= 6000


def test_source_serves_sitemap_pages_and_removals() -> None:
    cat = Catalogue(CatalogueConfig(n=N, seed=7, changed=0.05, removed=0.02, new=0.03))
    source = CatalogueSource(cat, night=1)
    assert b"Allow: /course/" in source.get("/robots.txt")[2]
    sitemap = source.get("/sitemap/events.xml")[2].decode()
    assert sitemap.count("<loc>") == N
    status, headers, body = source.get(f"/course/{cat.slug(3)}")
    assert status == 200 and headers["ETag"] and body == cat.page_html(3, 1)
    assert source.get("/course/not-an-event") is None
    source.set_night(2)
    gone = next(i for i in range(N) if not cat.state(i, 2)[0])
    assert source.get(f"/course/{cat.slug(gone)}")[0] == 404
    assert source.stats()["requests"] == 4  # the 404 of an unknown path is the server's


def test_crawler_parser_reads_generated_pages(cat: Catalogue) -> None:
    from ingestion.finishers import parser

    parsed = 0
    for index in range(50):
        if cat.page_kind(index) == "event":
            page = parser.parse_event_page(cat.page_html(index, 1), cat.slug(index))
            assert page.event_id == cat.page_props(index, 1)["event"]["id"]
            parsed += 1
    assert parsed >= 45


def test_catalogue_pages_have_the_demo_snapshot_shape(cat: Catalogue) -> None:
    """The bench crawls pages of the same shape as the demo snapshot (one fake site)."""
    from ingestion.finishers.snapshot.build_snapshot import snapshot_events

    demo = snapshot_events()
    demo_event_keys = set.intersection(*(set(p["event"]) for p in demo))
    demo_race_keys = {key for p in demo for r in p["races"] for key in r}
    for index in range(40):
        props = cat.page_props(index, 1)
        assert set(props) == set(demo[0]), index
        assert demo_event_keys <= set(props["event"]), index
        assert all(set(r) == demo_race_keys for r in props["races"]), index
