"""A synthetic finishers.com catalogue, generated lazily and deterministically.

Every page is a pure function of ``(seed, index, night)``: nothing is stored, so a site of
100,000 events costs no more memory than one of 100. Night 1 lists events ``0..n-1``;
each following night ("the next night") changes ``changed`` of them, removes ``removed``
from the site map and adds ``new`` ones (fractions of ``n``; exact counts, chosen by a
keyed permutation so the choice is uniform yet computable for one index without the
others).

Pages are rendered by ``ingestion.finishers.snapshot.fakesite``, the fake site the demo
snapshot is built with; their values are drawn in :mod:`bench.draws`, following FORMAT.md's
"real-world data quality" notes. A few pages (``broken``) are not event pages at all.
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property, lru_cache
from typing import Any

from bench import draws
from bench.draws import b36, h64, slugify
from bench.places import Place
from ingestion.finishers.snapshot import fakesite

CANONICAL_HOST = fakesite.CANONICAL
NIGHT_ONE = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)


class _KeyedPermutation:
    """A bijection of ``range(size)`` (4-round Feistel network with cycle walking)."""

    def __init__(self, size: int, key: object) -> None:
        self.size = size
        self.key = key
        bits = max(2, (max(size, 2) - 1).bit_length())
        self.half = (bits + 1) // 2
        self.mask = (1 << self.half) - 1

    def _round(self, r: int, value: int) -> int:
        return h64(self.key, r, value) & self.mask

    def __call__(self, x: int) -> int:
        while True:
            left, right = x >> self.half, x & self.mask
            for r in range(4):
                left, right = right, left ^ self._round(r, right)
            x = (left << self.half) | right
            if x < self.size:
                return x


@dataclass(frozen=True)
class CatalogueConfig:
    n: int = 12000
    seed: int = 42
    changed: float = 0.01  # fraction of n changed each night
    removed: float = 0.005  # fraction of n dropped from the site map each night
    new: float = 0.005  # fraction of n added each night
    abroad: float = 0.05
    broken: float = 0.001  # pages that are not event pages (no __NEXT_DATA__, bad JSON, ...)
    lastmod: bool = True  # publish <lastmod> in the site map
    deploy_each_night: bool = False  # a new Next.js buildId every night (all ETags move)
    removed_status: int = 404  # what a removed event's page answers (200: still served)
    sitemap_chunk: int = 50000  # URLs per site map file (sitemap protocol limit)


@dataclass(eq=False)  # identity hash: the lru_caches below key on self
class Catalogue:
    """The site at any night; every method is a pure function of the config."""

    config: CatalogueConfig = field(default_factory=CatalogueConfig)
    # when each night's changes went live (the site map's <lastmod>); default: fixed dates
    night_times: dict[int, datetime] = field(default_factory=dict)

    # -- population -------------------------------------------------------------------
    @cached_property
    def counts(self) -> tuple[int, int, int]:
        n, c = self.config.n, self.config
        # at least one of each when asked for: a tiny catalogue still has a next night
        return tuple(max(round(rate * n), 1 if rate > 0 else 0) for rate in  # type: ignore[return-value]
                     (c.changed, c.removed, c.new))  # fmt: skip

    def population(self, night: int) -> int:
        """Indices that exist (listed or not) at ``night``: ``range(population(night))``."""
        return self.config.n + max(0, night - 1) * self.counts[2]

    def birth_night(self, index: int) -> int:
        n, n_new = self.config.n, self.counts[2]
        return 1 if index < n else 2 + (index - n) // max(n_new, 1)

    @lru_cache(maxsize=64)  # noqa: B019 - a handful of nights per catalogue
    def _mutations(self, night: int) -> tuple[frozenset[int], frozenset[int]]:
        """(changed, removed) index sets chosen at ``night`` among the previous population."""
        if night < 2:
            return frozenset(), frozenset()
        n_changed, n_removed, _ = self.counts
        size = self.population(night - 1)
        perm = _KeyedPermutation(size, ("night", self.config.seed, night))
        changed = frozenset(perm(r) for r in range(min(n_changed, size)))
        removed = frozenset(perm(r) for r in range(n_changed, min(n_changed + n_removed, size)))
        return changed, removed

    def state(self, index: int, night: int) -> tuple[bool, tuple[int, ...]]:
        """(listed, nights at which the event's content changed) at ``night``."""
        born = self.birth_night(index)
        if born > night:
            return False, ()
        changes: list[int] = []
        for j in range(born + 1, night + 1):
            changed, removed = self._mutations(j)
            if index in removed:
                return False, tuple(changes)
            if index in changed:
                changes.append(j)
        return True, tuple(changes)

    def listed(self, night: int) -> Iterator[int]:
        for index in range(self.population(night)):
            if self.state(index, night)[0]:
                yield index

    def expected_diff(self, night: int) -> dict[str, int]:
        """What ``night`` changed compared with ``night - 1`` (for tests and reports)."""
        changed, removed = self._mutations(night)
        prev = self.population(night - 1) if night > 1 else 0
        listed_before = {i for i in changed | removed if self.state(i, night - 1)[0]}
        return {
            "changed": len(changed & listed_before),
            "removed": len(removed & listed_before),
            "new": self.population(night) - prev if night > 1 else self.config.n,
        }

    def night_time(self, night: int) -> datetime:
        return self.night_times.get(night, NIGHT_ONE + timedelta(days=night - 1))

    def build_id(self, night: int) -> str:
        deployment = night if self.config.deploy_each_night else 1
        return f"bench{self.config.seed}d{deployment}"

    # -- identity ---------------------------------------------------------------------
    def _rng(self, *parts: object) -> random.Random:
        return random.Random(h64(self.config.seed, *parts))

    @lru_cache(maxsize=4096)  # noqa: B019
    def _identity(self, index: int) -> tuple[str, str, Place]:
        return draws.identity(self._rng("identity", index), self.config.abroad)

    def slug(self, index: int) -> str:
        return f"{slugify(self._identity(index)[1])}-{b36(index)}"

    @staticmethod
    def index_of(slug: str) -> int | None:
        tail = slug.rsplit("-", 1)[-1]
        try:
            return int(tail, 36)
        except ValueError:
            return None

    def url(self, index: int) -> str:
        return f"{CANONICAL_HOST}/course/{self.slug(index)}"

    # -- content ----------------------------------------------------------------------
    def page_props(self, index: int, night: int) -> dict[str, Any]:
        """``props.pageProps`` of the event at ``night`` (base content + that night's edits)."""
        props = self._base_props(index)
        for j in self.state(index, night)[1]:
            self._mutate(props, index, j)
        return props

    def point(self, index: int, night: int) -> tuple[float, float] | None:
        """(lat, lng) the page publishes (exact point first, else the town centre)."""
        return draws.point_of(self.page_props(index, night)["event"])

    def points(self, count: int) -> Iterator[tuple[float, float]]:
        """``count`` night-1 points, from the first events that publish one (for geocoding)."""
        index = produced = 0
        while produced < count:
            point = draws.point_of(self._base_props(index)["event"])
            index += 1
            if point is not None:
                produced += 1
                yield point

    def _base_props(self, index: int) -> dict[str, Any]:
        rng, identity = self._rng("event", index), self._identity(index)
        return draws.event_props(rng, self.config.seed, index, identity, self.slug(index))

    def _mutate(self, props: dict[str, Any], index: int, night: int) -> None:
        rng, place = self._rng("mutation", index, night), self._identity(index)[2]
        draws.edit(rng, props, self.config.seed, index, place, night)

    # -- pages --------------------------------------------------------------------------
    def page_kind(self, index: int) -> str:
        """``event`` or, for ``broken`` of them, why it is not an event page."""
        roll = (h64("broken", self.config.seed, index) % 1_000_000) / 1_000_000
        if roll >= self.config.broken:
            return "event"
        return ("no_next_data", "invalid_json", "missing_event_id")[int(roll * 3e6) % 3]

    def page_html(self, index: int, night: int) -> bytes:
        props = self.page_props(index, night)
        event = props["event"]
        kind = self.page_kind(index)
        name = html.escape(event["name"])
        if kind == "no_next_data":
            maintenance = "<h1>Maintenance</h1><p>Revenez plus tard.</p></body></html>"
            return (fakesite.page_head(event["name"]) + maintenance).encode()
        if kind == "missing_event_id":
            del event["id"]
        payload = fakesite.next_data_json(props, self.build_id(night), escape_close=False)
        if kind == "invalid_json":
            payload = payload[: len(payload) // 2]
        items = "".join(
            f"<li>{html.escape(r['formattedTitle'])} — {r['date']}</li>" for r in props["races"]
        )
        body = (
            f'<div id="__next"><h1>{name}</h1><ul class="races">{items}</ul>'
            f'<section class="description">{event.get("longDescription") or ""}</section></div>'
        )
        return fakesite.page_html(event["name"], body, payload).encode()

    def next_data_json(self, index: int, night: int) -> bytes:
        """``/_next/data/<buildId>/fr/course/<slug>.json``: the bare pageProps."""
        return json.dumps(
            {"pageProps": self.page_props(index, night), "__N_SSG": True}, ensure_ascii=False
        ).encode()

    def lastmod(self, index: int, night: int) -> datetime:
        changes = self.state(index, night)[1]
        return self.night_time(changes[-1] if changes else self.birth_night(index))

    def sitemap_files(self, night: int) -> int:
        chunk = self.config.sitemap_chunk
        return max(1, -(-sum(1 for _ in self.listed(night)) // chunk))

    def sitemap_xml(self, night: int, part: int | None = None) -> bytes:
        """The site map (a ``<sitemapindex>`` past ``sitemap_chunk`` URLs) or one part of it."""
        files = self.sitemap_files(night)
        if part is None and files > 1:
            parts = (f"{CANONICAL_HOST}/sitemap/events-{k}.xml" for k in range(1, files + 1))
            return fakesite.sitemap_index(parts).encode()
        chunk = self.config.sitemap_chunk
        first = 0 if part is None else (part - 1) * chunk
        return fakesite.render_sitemap(self._sitemap_urls(night, first, chunk)).encode()

    def _sitemap_urls(self, night: int, first: int, count: int) -> Iterator[tuple[str, str | None]]:
        for position, index in enumerate(self.listed(night)):
            if position < first:
                continue
            if position >= first + count:
                break
            stamp = None
            if self.config.lastmod:
                stamp = self.lastmod(index, night).isoformat(timespec="seconds")
            yield self.slug(index), stamp

    @staticmethod
    def robots_txt() -> bytes:
        return fakesite.robots_txt((*fakesite.ROBOTS_DISALLOW, "/*?filters=")).encode()
