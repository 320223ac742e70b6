"""Serve the synthetic catalogue over HTTP, one night at a time.

``CatalogueSource`` answers the fake site's page-source protocol
(``get(path) -> (status, headers, body) | None``), rendering each page on request; the one
fixture server, ``ingestion.finishers.snapshot.server``, serves it (ETags and 304s included),
as it serves the demo snapshot.

Run as a process (``python -m bench.site --n 2000``), it prints ``{"base_url": ...}`` and
then obeys one JSON command per stdin line: ``{"night": 2}``, ``{"stats": true}``
(counters since the last reset), ``{"reset": true}``, ``{"quit": true}``. The benchmark
keeps the server out of the crawler's process so each one's memory is measured alone.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from bench.catalogue import Catalogue, CatalogueConfig
from ingestion.finishers.snapshot.server import SiteHandle, serve_site

Response = tuple[int, dict[str, str], bytes]


class CatalogueSource:
    """Page source for one catalogue; ``night`` can be moved while serving."""

    def __init__(self, catalogue: Catalogue, night: int = 1) -> None:
        self.catalogue = catalogue
        self.night = night
        self.lock = threading.Lock()
        self.requests = 0
        self.bytes = 0
        self.not_modified = 0
        self.by_kind: dict[str, int] = {}
        self.bytes_by_kind: dict[str, int] = {}

    def set_night(self, night: int, at: datetime | None = None) -> None:
        self.catalogue.night_times[night] = at or datetime.now(UTC).replace(microsecond=0)
        self.night = night

    def reset(self) -> None:
        with self.lock:
            self.requests = self.bytes = self.not_modified = 0
            self.by_kind = {}
            self.bytes_by_kind = {}

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "night": self.night,
                "requests": self.requests,
                "bytes": self.bytes,
                "not_modified": self.not_modified,
                "by_kind": dict(self.by_kind),
                "generated_bytes_by_kind": dict(self.bytes_by_kind),
            }

    def _count(self, kind: str, status: int, body: bytes) -> None:
        with self.lock:
            self.requests += 1
            self.bytes += len(body)
            self.not_modified += status == 304
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
            self.bytes_by_kind[kind] = self.bytes_by_kind.get(kind, 0) + len(body)

    # -- the page-source protocol -----------------------------------------------------------
    def get(self, path: str) -> Response | None:
        kind, response = self._render(urlsplit(path).path)
        if response is not None:
            self._count(kind, response[0], response[2])
        return response

    def _render(self, path: str) -> tuple[str, Response | None]:
        cat, night = self.catalogue, self.night
        if path == "/robots.txt":
            return "robots", (200, {"Content-Type": "text/plain"}, cat.robots_txt())
        if path == "/sitemap/events.xml":
            return "sitemap", _ok(cat.sitemap_xml(night), "application/xml")
        if path.startswith("/sitemap/events-") and path.endswith(".xml"):
            part = int(path.removeprefix("/sitemap/events-").removesuffix(".xml") or 0)
            if 1 <= part <= cat.sitemap_files(night):
                return "sitemap", _ok(cat.sitemap_xml(night, part), "application/xml")
            return "sitemap", None
        if path.startswith("/course/"):
            index = _known_index(cat, path.removeprefix("/course/"), night)
            if index is None:
                return "page", None
            if not cat.state(index, night)[0] and cat.config.removed_status != 200:
                return "page", (cat.config.removed_status, {}, b"Not found")
            return "page", _ok(
                cat.page_html(index, night), "text/html; charset=utf-8", cat.lastmod(index, night)
            )
        prefix = f"/_next/data/{cat.build_id(night)}/fr/course/"
        if path.startswith(prefix) and path.endswith(".json"):
            index = _known_index(cat, path.removeprefix(prefix).removesuffix(".json"), night)
            if index is None or not cat.state(index, night)[0]:
                return "next_data", None
            return "next_data", _ok(cat.next_data_json(index, night), "application/json")
        return "other", None


def _known_index(cat: Catalogue, slug: str, night: int) -> int | None:
    index = cat.index_of(slug)
    if index is None or not 0 <= index < cat.population(night) or cat.slug(index) != slug:
        return None
    return index


def _ok(body: bytes, content_type: str, modified: datetime | None = None) -> Response:
    headers = {
        "Content-Type": content_type,
        "ETag": '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"',
    }
    if modified is not None:
        headers["Last-Modified"] = format_datetime(modified, usegmt=True)
    return 200, headers, body


# -- serving -------------------------------------------------------------------------------
@contextlib.contextmanager
def serve(source: CatalogueSource, port: int = 0) -> Iterator[tuple[str, str, SiteHandle]]:
    """Yield (base_url, implementation, handle); ``handle`` counts what was really sent."""
    with serve_site(source, port=port) as handle:
        yield str(handle.base_url).rstrip("/"), "ingestion.finishers.snapshot.server", handle


def _handle_stats(handle: Any) -> dict[str, Any]:
    """What the crawler's server really sent (bodies of 304s not counted)."""
    with handle._lock:
        return {
            "requests": handle.requests,
            "bytes": handle.bytes_sent,
            "not_modified": handle.statuses.get(304, 0),
            "statuses": {str(k): v for k, v in handle.statuses.items()},
            "sent_bytes_by_prefix": dict(getattr(handle, "bytes_by_prefix", {})),
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="CatalogueConfig as JSON")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    config = (
        CatalogueConfig(**json.loads(args.config))
        if args.config
        else CatalogueConfig(n=args.n, seed=args.seed)
    )
    source = CatalogueSource(Catalogue(config))
    source.set_night(1)
    with serve(source, args.port) as served:
        _loop(source, served, config)


def _loop(
    source: CatalogueSource, served: tuple[str, str, SiteHandle], config: CatalogueConfig
) -> None:
    base_url, impl, handle = served
    print(json.dumps({"base_url": base_url, "server": impl, "config": asdict(config)}))
    sys.stdout.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        if "night" in command:
            source.set_night(int(command["night"]))
            reply: dict[str, Any] = {"night": source.night}
        elif command.get("reset"):
            source.reset()
            handle.reset_counters()
            reply = {"reset": True}
        elif command.get("stats"):
            reply = source.stats()
            reply["generated_bytes"] = reply["bytes"]
            reply.update(_handle_stats(handle))
        else:
            break
        print(json.dumps(reply))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
