"""Discovery: the event URLs of ``/sitemap/events.xml`` (plain or gzip, urlset or index)."""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

from lxml import etree

from . import settings
from .fetcher import Fetcher, SiteUnreachable

CANONICAL_HOSTS = frozenset({"www.finishers.com", "finishers.com"})
_EVENT_PATH = re.compile(r"^/course/([^/?#]+)/?$")
_MAX_DEPTH = 3
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class SitemapEntry:
    slug: str
    url: str  # where to fetch it (on the base URL)
    lastmod: datetime | None = None


@dataclass
class SitemapReject:
    url: str
    reason: str
    detail: str = ""


@dataclass
class Discovery:
    entries: list[SitemapEntry] = field(default_factory=list)
    rejects: list[SitemapReject] = field(default_factory=list)
    sitemaps_read: int = 0
    complete: bool = True  # False when a child site map could not be read


def map_to_base(loc: str, base_url: str) -> str | None:
    """A ``<loc>`` on the base host or the canonical host, as a URL on the base; else None."""
    parts = urlsplit(loc.strip())
    base = urlsplit(base_url)
    host = parts.netloc.lower()
    if host and host != base.netloc.lower() and host not in CANONICAL_HOSTS:
        return None
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))


def parse_lastmod(value: str | None) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def decode_sitemap(body: bytes, max_bytes: int = settings.MAX_SITEMAP_BYTES) -> bytes:
    """Gunzip when the body starts with the gzip magic (no Content-Encoding needed)."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(body, max_bytes + 1)
    if len(out) > max_bytes:
        raise ValueError(f"gzip site map inflates over {max_bytes} bytes")
    return out


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(xml: bytes) -> tuple[str, list[tuple[str, str | None]]]:
    """(``urlset`` | ``sitemapindex``, [(loc, lastmod)])."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(xml, parser)
    kind = _local(root.tag)
    items = []
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = lastmod = None
        for child in node:
            name = _local(child.tag)
            if name == "loc":
                loc = (child.text or "").strip()
            elif name == "lastmod":
                lastmod = (child.text or "").strip() or None
        if loc:
            items.append((loc, lastmod))
    return kind, items


def discover(fetcher: Fetcher, sitemap_url: str) -> Discovery:
    """Every event URL of the site map, following sitemap indexes, deduplicated by slug."""
    found = Discovery()
    seen_slugs: set[str] = set()
    visited: set[str] = set()

    def visit(url: str, depth: int) -> None:
        if url in visited or depth > _MAX_DEPTH:
            return
        visited.add(url)
        result = fetcher.get(url, max_bytes=settings.MAX_SITEMAP_BYTES)
        if not result.ok or result.body is None:
            if depth == 0:
                raise SiteUnreachable(
                    f"cannot read the site map {url}: {result.error} {result.detail}".strip()
                )
            found.rejects.append(SitemapReject(url, result.error or "http_error", result.detail))
            found.complete = False
            return
        found.sitemaps_read += 1
        try:
            kind, items = parse_sitemap(decode_sitemap(result.body))
        except (etree.XMLSyntaxError, ValueError, OSError, gzip.BadGzipFile) as exc:
            if depth == 0:
                raise SiteUnreachable(f"the site map {url} is not readable XML: {exc}") from None
            found.rejects.append(SitemapReject(url, "invalid_sitemap", str(exc)[:300]))
            found.complete = False
            return
        for loc, lastmod in items:
            mapped = map_to_base(loc, fetcher.base_url)
            if mapped is None:
                found.rejects.append(SitemapReject(loc, "foreign_host", f"in site map {url}"))
                found.complete = found.complete and kind != "sitemapindex"
                continue
            if kind == "sitemapindex":
                visit(mapped, depth + 1)
                continue
            match = _EVENT_PATH.match(urlsplit(mapped).path)
            if not match:
                continue
            slug = match.group(1)
            if slug in seen_slugs:
                continue
            seen_slugs.add(slug)
            found.entries.append(SitemapEntry(slug, mapped, parse_lastmod(lastmod)))

    visit(sitemap_url, 0)
    return found
