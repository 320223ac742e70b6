"""Politeness and safety of the fetcher and discovery, against a real local server."""

from __future__ import annotations

import gzip
import time

import pytest

from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.fetcher import FetchConfig, Fetcher, SiteUnreachable
from ingestion.finishers.sitemap import discover
from ingestion.finishers.snapshot.build_snapshot import (
    ROBOTS_TXT,
    SITE_DIR,
    render_sitemap,
)
from ingestion.finishers.snapshot.server import (
    DirectorySource,
    OverrideSource,
    PageResponse,
    serve_site,
)

from .conftest import Query
from .helpers import SNAPSHOT_SLUGS, html


def fetcher(base_url: str, **overrides: object) -> Fetcher:
    config = {
        "base_url": base_url,
        "crawl_delay_s": 0.0,
        "read_timeout_s": 1.0,
        "body_deadline_s": 3.0,
        "max_attempts": 3,
        "backoff_factor": 0.01,
        "max_retry_delay_s": 5.0,
        **overrides,
    }
    return Fetcher(FetchConfig(**config))  # type: ignore[arg-type]


def test_retry_after_is_honoured_with_dlt_backoff() -> None:
    source = OverrideSource(
        DirectorySource(SITE_DIR),
        {"/course/run-in-lyon": [PageResponse(503, b"busy", {"Retry-After": "1"})]},
    )
    with serve_site(source) as site:
        f = fetcher(site.base_url)
        start = time.monotonic()
        result = f.get(site.base_url + "/course/run-in-lyon")
        elapsed = time.monotonic() - start
        assert result.ok and b"Run In Lyon" in (result.body or b"")
        assert site.paths["/course/run-in-lyon"] == 2 and f.requests == 2
        assert elapsed >= 1.0


def test_403_429_and_5xx_are_retried_then_reported_as_failed() -> None:
    source = OverrideSource(
        DirectorySource(SITE_DIR),
        {
            "/course/a": PageResponse(403, b"no", conditional=False),
            "/course/b": PageResponse(429, b"slow", conditional=False),
            "/course/c": [PageResponse(502, b"", conditional=False)] * 2,
        },
    )
    with serve_site(source) as site:
        f = fetcher(site.base_url)
        a, b = f.get(site.base_url + "/course/a"), f.get(site.base_url + "/course/b")
        assert (a.error, a.transient, b.error, b.transient) == ("http_403", True, "http_429", True)
        assert site.paths["/course/a"] == site.paths["/course/b"] == 3
        c = f.get(site.base_url + "/course/c")  # two 502s then the real answer: a 404
        assert (c.status, c.error, c.transient) == (404, "http_404", False)


def test_redirects_followed_on_the_same_host_only() -> None:
    source = OverrideSource(
        DirectorySource(SITE_DIR),
        {
            "/course/old-lyon": PageResponse(301, b"", {"Location": "/course/run-in-lyon"}),
            "/course/away": PageResponse(302, b"", {"Location": "http://127.0.0.2:1/course/x"}),
            "/course/loop": PageResponse(302, b"", {"Location": "/course/loop"}),
        },
    )
    with serve_site(source) as site:
        f = fetcher(site.base_url)
        moved = f.get(site.base_url + "/course/old-lyon")
        assert moved.ok and moved.url.endswith("/course/run-in-lyon")
        away = f.get(site.base_url + "/course/away")
        assert away.error == "foreign_host" and "127.0.0.2" in away.detail
        assert f.get(site.base_url + "/course/loop").error == "too_many_redirects"
        assert f.get("https://www.finishers.com/course/x").error == "foreign_host"
        assert set(site.paths) == {
            "/course/old-lyon",
            "/course/run-in-lyon",
            "/course/away",
            "/course/loop",
        }


def test_bodies_are_capped_in_size_and_time() -> None:
    page = (SITE_DIR / "course" / "run-in-lyon.html").read_bytes()
    source = OverrideSource(
        DirectorySource(SITE_DIR),
        {
            "/course/big": html(page * 200),
            "/course/stall": PageResponse(200, page, stall_after_bytes=100, stall_seconds=30),
        },
    )
    with serve_site(source) as site:
        f = fetcher(site.base_url, max_body_bytes=100_000)
        big = f.get(site.base_url + "/course/big")
        assert (big.error, big.transient) == ("too_large", False)
        start = time.monotonic()
        stall = f.get(site.base_url + "/course/stall")
        assert (stall.error, stall.transient) == ("timeout", True)
        assert time.monotonic() - start < 5


def test_requests_are_spaced_by_the_crawl_delay() -> None:
    with serve_site(SITE_DIR) as site:
        f = fetcher(site.base_url, crawl_delay_s=0.2)
        start = time.monotonic()
        for slug in SNAPSHOT_SLUGS[:4]:
            assert f.get(f"{site.base_url}/course/{slug}").ok
        assert time.monotonic() - start >= 0.6


def _index_site(gzip_child: bool) -> OverrideSource:
    half = len(SNAPSHOT_SLUGS) // 2
    part1 = render_sitemap(SNAPSHOT_SLUGS[:half], {SNAPSHOT_SLUGS[0]: "2026-11-01"}).encode()
    part2 = render_sitemap(SNAPSHOT_SLUGS[half:]).encode()
    index = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        b"<sitemap><loc>https://www.finishers.com/sitemap/events-1.xml.gz</loc></sitemap>\n"
        b"<sitemap><loc>/sitemap/events-2.xml</loc></sitemap>\n"
        b"</sitemapindex>\n"
    )
    return OverrideSource(
        DirectorySource(SITE_DIR),
        {
            "/sitemap/events.xml": PageResponse(200, index),
            "/sitemap/events-1.xml.gz": PageResponse(
                200,
                gzip.compress(part1) if gzip_child else part1,
                {"Content-Type": "application/octet-stream"},
            ),
            "/sitemap/events-2.xml": PageResponse(200, part2),
        },
    )


def test_sitemap_index_with_a_gzip_child_without_content_encoding() -> None:
    with serve_site(_index_site(gzip_child=True)) as site:
        f = fetcher(site.base_url)
        found = discover(f, site.base_url + "/sitemap/events.xml")
    assert [e.slug for e in found.entries] == SNAPSHOT_SLUGS
    assert found.sitemaps_read == 3 and found.complete
    first = found.entries[0]
    assert first.url == f"{site.base_url}/course/{first.slug}"  # canonical host → base URL
    assert first.lastmod is not None and first.lastmod.year == 2026
    assert found.entries[1].lastmod is None


def test_gzip_site_map_end_to_end(duckdb_env: dict[str, str], query: Query) -> None:
    with serve_site(SITE_DIR, gzip_sitemap=True) as site:
        summary = run_crawl(base_url=site.base_url, limit=3)
    assert summary.discovered == len(SNAPSHOT_SLUGS) and summary.new == 3
    assert query("select count(*) from raw_finishers.events") == [(3,)]


def test_robots_txt_disallow_is_obeyed(duckdb_env: dict[str, str], query: Query) -> None:
    robots = ROBOTS_TXT.replace("Disallow: /docs", "Disallow: /docs\nDisallow: /course/run-in-lyon")
    source = OverrideSource(
        DirectorySource(SITE_DIR), {"/robots.txt": PageResponse(200, robots.encode())}
    )
    with serve_site(source) as site:
        summary = run_crawl(base_url=site.base_url)
        assert "/course/run-in-lyon" not in site.paths
    assert summary.new == len(SNAPSHOT_SLUGS) - 1 and summary.rejected == 1
    assert query("select reason from raw_finishers.rejects where slug = 'run-in-lyon'") == [
        ("robots_disallowed",)
    ]


def test_unreachable_site_is_a_clear_error() -> None:
    with serve_site(SITE_DIR) as site:
        dead = site.base_url
    f = fetcher(dead, max_attempts=1, connect_timeout_s=0.5)
    with pytest.raises(SiteUnreachable, match=r"robots\.txt"):
        f.load_robots()


def test_missing_or_broken_site_map_is_a_clear_error() -> None:
    source = OverrideSource(
        DirectorySource(SITE_DIR),
        {"/sitemap/events.xml": [PageResponse(404, b"", conditional=False), html("<not xml")]},
    )
    with serve_site(source) as site:
        f = fetcher(site.base_url)
        with pytest.raises(SiteUnreachable, match=r"cannot read the site map .* http_404"):
            discover(f, site.base_url + "/sitemap/events.xml")
        with pytest.raises(SiteUnreachable, match="not readable XML"):
            discover(f, site.base_url + "/sitemap/events.xml")
