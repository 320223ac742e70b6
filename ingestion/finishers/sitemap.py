"""Discovery: the event URLs of ``/sitemap/events.xml`` (plain or gzip, urlset or index)."""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lxml import etree

from . import settings
from .columnar import RowSequence
from .entries import SitemapEntries, SitemapEntry
from .fetcher import Fetcher, SiteUnreachable
from .strings import Strings

CANONICAL_HOSTS = frozenset({"www.finishers.com", "finishers.com"})
_EVENT_PATH = re.compile(r"^/course/([^/?#]+)/?$")
_MAX_DEPTH = 3
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class SitemapReject:
    url: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class KnownSitemap:
    """Validators of a site-map file read on an earlier run, and how to get its items back."""

    etag: str | None
    last_modified: str | None
    kind: str
    items: Callable[[], str | None]  # JSON [[loc, lastmod], ...], read only after a 304


@dataclass
class Discovery:
    entries: SitemapEntries = field(default_factory=SitemapEntries)
    rejects: list[SitemapReject] = field(default_factory=list)
    sitemaps_read: int = 0
    sitemaps_not_modified: int = 0  # answered 304: items reused from the warehouse
    complete: bool = True  # False when a child site map could not be read
    # site-map files downloaded (200): url, etag, last_modified, kind, items, entries
    sitemap_rows: list[dict[str, Any]] = field(default_factory=list)


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


class SitemapItems(RowSequence[tuple[str, str | None]]):
    """The ``(loc, lastmod)`` items of one site-map file, in order, in one buffer.

    A 50,000-URL file as a list of tuples is 150,000 small objects, freed once walked but
    not given back to the system: pools left between the objects that live on kept about
    14 MB of a 100,000-event crawl's memory all night (issue 13). Here each item is its
    UTF-8 bytes in one ``bytearray``, read back one at a time.
    """

    _SEP = "\x00"  # between loc and lastmod (no lastmod: no separator); not in XML text

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("I")

    @classmethod
    def from_json(cls, text: str) -> SitemapItems:
        """Items stored as JSON (``[[loc, lastmod], ...]``), decoded one at a time."""
        items, decoder, at = cls(), json.JSONDecoder(), text.index("[") + 1
        while True:
            while text[at] in " \t\r\n,":
                at += 1
            if text[at] == "]":
                return items
            (loc, lastmod), at = decoder.raw_decode(text, at)
            items.append(str(loc), None if lastmod is None else str(lastmod))

    def append(self, loc: str, lastmod: str | None) -> None:
        self._data += loc.encode("utf-8", "surrogatepass")
        if lastmod is not None:
            self._data += (self._SEP + lastmod).encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def row(self, index: int) -> tuple[str, str | None]:
        start = self._ends[index - 1] if index else 0
        loc, sep, lastmod = (
            bytes(self._data[start : self._ends[index]]).decode("utf-8", "surrogatepass")
        ).partition(self._SEP)
        return loc, lastmod if sep else None

    def json(self) -> str:
        """The items as stored: ``json.dumps(list_of_items, separators=(",", ":"))``."""
        out = io.StringIO()
        out.write("[")
        for index, item in enumerate(self):
            if index:
                out.write(",")
            out.write(json.dumps(item, separators=(",", ":")))
        out.write("]")
        return out.getvalue()


def parse_sitemap(xml: bytes) -> tuple[str, SitemapItems]:
    """(``urlset`` | ``sitemapindex``, its (loc, lastmod) items).

    Read as a stream, each ``<url>`` dropped once read: the whole tree of a 50,000-URL
    file held about 100 MB for an instant, in the crawl's peak memory.
    """
    try:
        return _stream_items(xml)
    except etree.XMLSyntaxError:
        # parsed whole, a broken file raises the error it always did (the reject's detail)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        etree.fromstring(xml, parser)
        raise


def _stream_items(xml: bytes) -> tuple[str, SitemapItems]:
    events = etree.iterparse(
        io.BytesIO(xml), events=("start", "end"),
        resolve_entities=False, no_network=True, huge_tree=True,
    )  # fmt: skip
    kind, depth, items = "", 0, SitemapItems()
    for event, node in events:
        if event == "start":
            if depth == 0:
                kind = _local(node.tag)
            depth += 1
            continue
        depth -= 1
        if depth != 1:  # only the root's children are items (their own children are read)
            continue
        if _local(node.tag) in ("url", "sitemap") and (item := sitemap_item(node))[0]:
            items.append(*item)
        node.clear()
        while node.getprevious() is not None:  # the items read before it, too
            del node.getparent()[0]
    return kind, items


def sitemap_item(node: Any) -> tuple[str, str | None]:
    """A ``<url>`` or ``<sitemap>`` element's ``<loc>`` (blank: "") and ``<lastmod>``."""
    loc, lastmod = "", None
    for child in node:
        name = _local(child.tag)
        if name == "loc":
            loc = (child.text or "").strip()
        elif name == "lastmod":
            lastmod = (child.text or "").strip() or None
    return loc, lastmod


def _reuse(known: KnownSitemap) -> tuple[str, SitemapItems] | None:
    stored = known.items()
    if stored is None:
        return None
    try:
        return known.kind, SitemapItems.from_json(stored)
    except (ValueError, TypeError, IndexError):
        return None


def discover(
    fetcher: Fetcher,
    sitemap_url: str,
    known: dict[str, KnownSitemap] | None = None,
    strings: Strings | None = None,
) -> Discovery:
    """Every event URL of the site map, following sitemap indexes, deduplicated by slug.

    A file in ``known`` is asked for conditionally (``If-None-Match`` /
    ``If-Modified-Since``); on a 304 its stored items are used instead of a body. Every file
    downloaded is returned in ``sitemap_rows`` (its validators and items) to be stored.
    ``strings``: the tables the entries' strings go to (the crawl state's).
    """
    found = Discovery(entries=SitemapEntries(strings))
    visited: set[str] = set()
    known = known or {}

    def visit(url: str, depth: int) -> None:
        if url in visited or depth > _MAX_DEPTH:
            return
        visited.add(url)
        previous = known.get(url)
        reused = None
        if previous is not None and (previous.etag or previous.last_modified):
            result = fetcher.get(
                url,
                etag=previous.etag,
                last_modified=previous.last_modified,
                max_bytes=settings.MAX_SITEMAP_BYTES,
            )
            if result.not_modified:
                reused = _reuse(previous)
                if reused is None:  # items lost: ask again, unconditionally
                    result = fetcher.get(url, max_bytes=settings.MAX_SITEMAP_BYTES)
        else:
            result = fetcher.get(url, max_bytes=settings.MAX_SITEMAP_BYTES)
        if reused is not None:
            found.sitemaps_read += 1
            found.sitemaps_not_modified += 1
            kind, items = reused
            walk(url, depth, kind, items)
            return
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
        found.sitemap_rows.append(
            {
                "url": url,
                "etag": result.etag,
                "last_modified": result.last_modified,
                "kind": kind,
                "items": items.json(),
                "entries": len(items),
            }
        )
        walk(url, depth, kind, items)

    def walk(url: str, depth: int, kind: str, items: SitemapItems) -> None:
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
            found.entries.add(SitemapEntry(match.group(1), mapped, parse_lastmod(lastmod)))

    visit(sitemap_url, 0)
    return found
