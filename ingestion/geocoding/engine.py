"""Plan, cache and compose: turns landed events into ``poi_locations`` rows.

For each point of interest the chosen ``GEOCODER`` decides the look-ups (offline polygon,
Géoplateforme or Nominatim, reverse or forward); each look-up is first searched in the
cache (``geocoded_points``, keyed by ``point_key``) so a re-run calls no provider for a
known point, and only a new or moved event costs a call. The POI row is then composed and
compared with the one already landed (``row_hash``): unchanged rows are not re-landed.

:meth:`Enricher.chunks` does this ``CHUNK_POIS`` points at a time and hands each chunk's
rows on (to dlt), so a run's memory does not grow with the catalogue's rows. What is
already landed (cache entries, row hashes) is read through :class:`Known` for the keys of
the chunk at hand, not for the whole catalogue.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tqdm import tqdm

from ingestion.geocoding import settings
from ingestion.geocoding.config import GeocodingConfig
from ingestion.geocoding.gazetteer import GazetteerError, load_gazetteer
from ingestion.geocoding.normalize import (
    department_mismatch,
    point_key,
    query_key,
    round_coordinate,
)
from ingestion.geocoding.result import LOCATION_FIELDS, GeocodedPoint, utcnow


@dataclass(frozen=True)
class PoiInput:
    """The location a source page gives for one point of interest."""

    source: str
    original_id: str
    latitude: float | None = None
    longitude: float | None = None
    precision: str | None = None  # `point` or `city`
    country_code: str | None = None
    country_name: str | None = None
    region_name: str | None = None
    department_name: str | None = None
    city: str | None = None

    @property
    def has_coordinates(self) -> bool:
        lat, lon = self.latitude, self.longitude
        if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
            return False
        return -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0)

    @property
    def in_france(self) -> bool | None:
        return None if not self.country_code else self.country_code.strip().upper() == "FR"

    def query(self, with_country: bool = False) -> str | None:
        if not self.city:
            return None
        parts = [self.city, self.department_name or self.region_name]
        if with_country:
            parts.append(self.country_name or self.country_code)
        return ", ".join(p for p in parts if p)


@dataclass
class ProviderStats:
    provider: str
    seen: int = 0
    cached: int = 0
    geocoded: int = 0
    not_found: int = 0
    failed: int = 0
    requests: int = 0


@dataclass
class EnrichmentResult:
    poi_rows: list[dict[str, Any]]  # changed rows only
    point_rows: list[dict[str, Any]]  # new or refreshed cache entries
    stats: dict[str, ProviderStats]
    pois_seen: int
    pois_changed: int
    statuses: dict[str, int] = field(default_factory=dict)


@dataclass
class EnrichmentChunk:
    poi_rows: list[dict[str, Any]]  # changed rows only
    point_rows: list[dict[str, Any]]  # new or refreshed cache entries


CHUNK_POIS = 10_000  # points of interest composed (and handed to dlt) at a time

PoiId = tuple[str, str]  # (source, original_id)


@dataclass(frozen=True)
class Known:
    """What the warehouse already holds, asked for one chunk of POIs at a time: cache
    entries by ``point_key`` (every status: failures too) and landed ``row_hash``es by
    (source, original_id), each a function of the keys wanted."""

    points: Callable[[list[str]], dict[str, GeocodedPoint]]
    hashes: Callable[[list[PoiId]], dict[PoiId, str]]

    @classmethod
    def in_memory(cls, cache: Mapping[str, GeocodedPoint], landed: Mapping[PoiId, str]) -> Known:
        """Dicts held whole (tests, small runs)."""
        return cls(
            points=lambda keys: {k: cache[k] for k in keys if k in cache},
            hashes=lambda ids: {i: landed[i] for i in ids if i in landed},
        )


POI_HASHED_FIELDS = (
    "latitude",
    "longitude",
    "precision",
    "location_source",
    *LOCATION_FIELDS,
    "match",
    "match_distance_m",
    "geocoder",
    "status",
    "reason",
    "department_mismatch",
)


def row_hash(row: dict[str, Any]) -> str:
    content = {k: row.get(k) for k in POI_HASHED_FIELDS}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


class Enricher:
    """One geocoding run over a list of POIs."""

    def __init__(
        self,
        config: GeocodingConfig,
        cache: Mapping[str, GeocodedPoint] | None = None,
        landed_hashes: Mapping[PoiId, str] | None = None,
        providers: dict[str, Any] | None = None,
        known: Known | None = None,
    ):
        """``known`` reads the warehouse chunk by chunk; else ``cache`` and
        ``landed_hashes`` are the whole of it, in memory."""
        self.config = config
        self._known = known or Known.in_memory(cache or {}, landed_hashes or {})
        self.cache: dict[str, GeocodedPoint] = {}  # the current chunk's entries
        self._asked: set[str] = set()  # keys the current chunk's cache was read for
        self.landed_hashes: dict[PoiId, str] = {}  # the current chunk's POIs
        self._providers = providers or {}
        # Every key looked up this run, so that a place shared by POIs of several chunks is
        # counted once and never asked of a provider twice. Its answer stays in `_resolved`
        # until :meth:`landed` says the chunk is in the warehouse; later chunks read it back.
        self._seen: set[str] = set()
        self._resolved: dict[str, GeocodedPoint] = {}
        self._chunk_keys: list[str] = []  # resolved while composing the current chunk
        self.fresh: dict[str, GeocodedPoint] = {}
        self._prefetched: dict[str, GeocodedPoint] = {}
        self._gazetteer: Any = None  # loaded on demand; False when not built
        self.stats: dict[str, ProviderStats] = {}
        self.pois_seen = 0
        self.pois_changed = 0
        self.statuses: dict[str, int] = {}

    # --- providers (created on first use: `offline` alone never touches the network) ---
    def provider(self, name: str) -> Any:
        if name not in self._providers:
            if name == "offline":
                from ingestion.geocoding.offline import OfflineProvider

                self._providers[name] = OfflineProvider.from_path(
                    self.config.gazetteer_path, self.config.nearest_commune_max_m
                )
            elif name == "geoplateforme":
                from ingestion.geocoding.geoplateforme import GeoplateformeProvider

                self._providers[name] = GeoplateformeProvider(self.config)
            elif name == "nominatim":
                from ingestion.geocoding.nominatim import NominatimProvider

                self._providers[name] = NominatimProvider(self.config)
            else:  # pragma: no cover - guarded by the config
                raise ValueError(name)
        return self._providers[name]

    def _stats(self, name: str) -> ProviderStats:
        return self.stats.setdefault(name, ProviderStats(name))

    def _stored(self, key: str) -> GeocodedPoint | None:
        """The warehouse's entry for ``key``: read with the chunk's, else alone (a key
        :meth:`_candidate_keys` did not foresee costs one query, never a provider call)."""
        if key not in self._asked:
            self._asked.add(key)
            self.cache.update(self._known.points([key]))
        return self.cache.get(key)

    def _cached(self, key: str, provider: str) -> GeocodedPoint | None:
        hit = self._stored(key)
        if hit is None or not hit.usable:
            return None
        if provider == "offline" and hit.provider_version != self.provider("offline").version:
            return None  # the gazetteer was rebuilt from other data: look again
        return hit

    def _lookup(self, provider: str, key: str, fetch: Callable[[], GeocodedPoint]) -> GeocodedPoint:
        if key in self._resolved:
            return self._resolved[key]
        if key in self._seen:
            # Answered for a chunk landed since (failures included: the run's own answer,
            # not retried before the next run), read back with this chunk's entries.
            earlier = self._stored(key)
            if earlier is not None:
                self._resolved[key] = earlier
                return earlier
        self._seen.add(key)
        stats = self._stats(provider)
        stats.seen += 1
        point = self._cached(key, provider)
        if point is not None:
            stats.cached += 1
        else:
            point = fetch()
            self.fresh[key] = point
            if point.status == "failed":
                stats.failed += 1
            else:
                stats.geocoded += 1
                stats.not_found += point.status == "not_found"
        self._resolved[key] = point
        self._chunk_keys.append(key)
        return point

    def _reverse(self, provider: str, poi: PoiInput) -> GeocodedPoint:
        lat, lon = poi.latitude, poi.longitude
        assert lat is not None and lon is not None
        key = point_key(provider, lat, lon)

        def fetch() -> GeocodedPoint:
            prefetched = self._prefetched.pop(key, None)
            return prefetched or self.provider(provider).reverse(lat, lon)

        return self._lookup(provider, key, fetch)

    def _search(self, provider: str, poi: PoiInput) -> GeocodedPoint | None:
        if provider == "offline":
            query = poi.query()
            if not query or poi.in_france is False:
                return None
            return self._lookup(
                provider,
                query_key(provider, query),
                lambda: self.provider(provider).search(poi.city, poi.department_name),
            )
        if provider == "geoplateforme":
            query = poi.query()
            if not query or poi.in_france is False:
                return None
            return self._lookup(
                provider, query_key(provider, query), lambda: self.provider(provider).search(query)
            )
        query = poi.query(with_country=True)
        if not query:
            return None
        return self._lookup(
            provider,
            query_key(provider, query),
            lambda: self.provider(provider).search(query, poi.country_code),
        )

    def _prefetch_offline(self, pois: list[PoiInput]) -> None:
        """Offline reverse look-ups of every uncached point in one vectorised pass."""
        wanted: dict[str, tuple[float, float]] = {}
        for poi in pois:
            if poi.has_coordinates:
                assert poi.latitude is not None and poi.longitude is not None
                key = point_key("offline", poi.latitude, poi.longitude)
                if key in wanted or key in self._seen:
                    continue
                if self._cached(key, "offline") is None:
                    wanted[key] = (poi.latitude, poi.longitude)
        if wanted:
            results = self.provider("offline").reverse_many(list(wanted.values()))
            self._prefetched.update(zip(wanted, results, strict=True))

    # --- planning ---------------------------------------------------------------------
    def _candidate_keys(self, poi: PoiInput) -> list[str]:
        """Every cache key :meth:`_steps` may look up for ``poi`` (in ``auto``, which online
        step runs depends on the offline answer: all are read, a few too many)."""
        mode = self.config.provider
        names = {"auto": ("offline", "geoplateforme", "nominatim"), "none": ()}.get(mode, (mode,))
        if poi.has_coordinates:
            assert poi.latitude is not None and poi.longitude is not None
            return [point_key(name, poi.latitude, poi.longitude) for name in names]
        query, worldwide = poi.query(), poi.query(with_country=True)
        return [
            query_key(name, worldwide if name == "nominatim" else query)
            for name in names
            if (worldwide if name == "nominatim" else query)
        ]

    def _read_known(self, pois: list[PoiInput]) -> None:
        """The cache entries and landed hashes of this chunk's POIs, in place of the last's."""
        keys = list(dict.fromkeys(k for poi in pois for k in self._candidate_keys(poi)))
        self.cache = self._known.points(keys)
        self._asked = set(keys)
        self.landed_hashes = self._known.hashes([(p.source, p.original_id) for p in pois])

    def _steps(self, poi: PoiInput) -> list[GeocodedPoint]:
        mode = self.config.provider
        coords = poi.has_coordinates
        if mode == "offline":
            step = self._reverse("offline", poi) if coords else self._search("offline", poi)
            return [step] if step else []
        if mode == "geoplateforme":
            if poi.in_france is False:
                return []
            step = self._reverse(mode, poi) if coords else self._search(mode, poi)
            return [step] if step else []
        if mode == "nominatim":
            step = self._reverse(mode, poi) if coords else self._search(mode, poi)
            return [step] if step else []
        # auto: codes offline, then street level online where it is worth a request
        steps: list[GeocodedPoint] = []
        first = self._reverse("offline", poi) if coords else self._search("offline", poi)
        if first is not None:
            steps.append(first)
        if first is not None and first.status == "ok":
            if coords and poi.precision in settings.AUTO_ONLINE_PRECISIONS:
                steps.append(self._reverse("geoplateforme", poi))
        elif coords:  # in no French commune: abroad (or at sea), ask OpenStreetMap
            steps.append(self._reverse("nominatim", poi))
        else:
            online = "nominatim" if poi.in_france is False else "geoplateforme"
            step = self._search(online, poi)
            if step is not None:
                steps.append(step)
        return steps

    # --- composition ------------------------------------------------------------------
    def compose(self, poi: PoiInput, steps: list[GeocodedPoint]) -> dict[str, Any]:
        row: dict[str, Any] = {
            "source": poi.source,
            "original_id": poi.original_id,
            "latitude": round_coordinate(poi.latitude) if poi.has_coordinates else None,
            "longitude": round_coordinate(poi.longitude) if poi.has_coordinates else None,
            "precision": poi.precision if poi.has_coordinates else None,
            "location_source": "page" if poi.has_coordinates else None,
            **dict.fromkeys(LOCATION_FIELDS),
            "country_code": poi.country_code,
            "match": None,
            "match_distance_m": None,
            "geocoder": "+".join(dict.fromkeys(s.provider for s in steps)) or None,
            "status": None,
            "reason": None,
            "department_mismatch": None,
            "geocoded_at": max((s.geocoded_at for s in steps), default=utcnow()),
        }
        if self.config.provider == "none":
            row.update(status="skipped", reason="geocoder_none", geocoder="none")
            return row
        if not steps:
            if not poi.has_coordinates:
                row.update(status="no_location", reason="no_coordinates")
            else:  # an online France-only provider asked about a point abroad
                row.update(status="not_found", reason="outside_france")
            return row
        ok = [s for s in steps if s.status == "ok"]
        if ok:
            primary = ok[0]  # the codes; later answers only add the street-level address
            for name in LOCATION_FIELDS:
                value = getattr(primary, name)
                if value is not None:
                    row[name] = value
            address_missed: str | None = None
            for step in ok[1:]:
                if step.distance is not None and step.distance > settings.MAX_ADDRESS_DISTANCE_M:
                    address_missed = "no_address_nearby"  # a trail start deep in a forest
                    continue
                if step.insee_code and row["insee_code"] and step.insee_code != row["insee_code"]:
                    address_missed = "address_in_other_commune"  # nearest address across
                    continue
                for name in ("label", "street", "housenumber", "postal_code"):
                    if getattr(step, name) is not None:
                        row[name] = getattr(step, name)
            row["match"] = primary.match
            if primary.match == "nearest":
                row["match_distance_m"] = primary.distance
            if not poi.has_coordinates and primary.latitude is not None:
                row.update(
                    latitude=primary.latitude,
                    longitude=primary.longitude,
                    precision="city",
                    location_source="forward",
                )
            after = steps[steps.index(primary) :]
            missed = next((s for s in after if s.status != "ok"), None)
            if missed is None and address_missed is None:
                row["status"] = "ok"
            elif missed is None:
                row.update(status="partial", reason=address_missed)
            else:
                row.update(status="partial", reason=missed.reason or missed.status)
        elif any(s.status == "failed" for s in steps):
            row.update(status="failed", reason=next(s.reason for s in steps if s.reason))
        elif not poi.has_coordinates:
            row.update(status="no_location", reason="no_coordinates")
        else:
            reason = "outside_france" if poi.in_france is False else steps[0].reason
            row.update(status="not_found", reason=reason or "not_found")
        if row["insee_code"] and row["region_code"] is None:
            self._complete_from_gazetteer(row)
        if row["insee_code"]:
            row["department_mismatch"] = department_mismatch(
                poi.department_name, row["department_name"]
            )
        return row

    def _complete_from_gazetteer(self, row: dict[str, Any]) -> None:
        """Official department and region of an online-only answer, when the gazetteer is built."""
        if self._gazetteer is None:
            try:
                self._gazetteer = load_gazetteer(self.config.gazetteer_path)
            except GazetteerError:
                self._gazetteer = False
        if self._gazetteer and row["department_code"] in self._gazetteer.departments:
            name, region_code, region_name = self._gazetteer.departments[row["department_code"]]
            row.update(department_name=name, region_code=region_code, region_name=region_name)

    def chunks(
        self, pois: Iterable[PoiInput], size: int | None = None, total: int | None = None
    ) -> Iterator[EnrichmentChunk]:
        """The rows of ``size`` (CHUNK_POIS) POIs at a time (changed POI rows, new cache
        entries), the POIs read as they come; the counts (``pois_seen``, ``statuses``,
        ``stats``) are complete once it is exhausted. ``total``: the POIs to expect (the
        progress bar's)."""
        online = self.config.provider not in ("offline", "none")
        bar = tqdm(total=total, desc="geocoding", unit="poi", disable=None if online else True)
        stream = iter(pois)
        try:
            while part := list(itertools.islice(stream, size or CHUNK_POIS)):
                self._read_known(part)
                if self.config.provider in ("offline", "auto"):
                    self._prefetch_offline(part)
                rows = [row for poi in part if (row := self._row(poi)) is not None]
                bar.update(len(part))
                points = [p.to_row() for p in self.fresh.values()]
                self.fresh.clear()
                self._slim_resolved()
                yield EnrichmentChunk(rows, points)
        finally:
            bar.close()
        for name, provider in self._providers.items():
            self._stats(name).requests = provider.requests

    def landed(self) -> None:
        """The chunks handed on so far are in the warehouse (their cache entries too): a
        later POI at one of their places reads the answer back instead of this run holding
        every answer (memory flat in the catalogue's size)."""
        self._resolved.clear()
        self._chunk_keys.clear()

    def _slim_resolved(self) -> None:
        """Points resolved by a chunk already landed are kept for later POIs at the same
        place, without the provider's raw answer (composing a row never reads it)."""
        for key in self._chunk_keys:
            point = self._resolved[key]
            if point.payload is not None:
                self._resolved[key] = replace(point, payload=None)
        self._chunk_keys.clear()

    def _row(self, poi: PoiInput) -> dict[str, Any] | None:
        """The POI's row when it differs from the landed one, else None."""
        steps = [] if self.config.provider == "none" else self._steps(poi)
        row = self.compose(poi, steps)
        row["row_hash"] = row_hash(row)
        self.pois_seen += 1
        self.statuses[row["status"]] = self.statuses.get(row["status"], 0) + 1
        if self.landed_hashes.get((poi.source, poi.original_id)) == row["row_hash"]:
            return None
        self.pois_changed += 1
        return row

    def result(
        self,
        poi_rows: list[dict[str, Any]] | None = None,
        point_rows: list[dict[str, Any]] | None = None,
    ) -> EnrichmentResult:
        """The run's counts (and, when given, its rows)."""
        return EnrichmentResult(
            poi_rows=poi_rows or [],
            point_rows=point_rows or [],
            stats=self.stats,
            pois_seen=self.pois_seen,
            pois_changed=self.pois_changed,
            statuses=self.statuses,
        )

    def run(self, pois: Iterable[PoiInput]) -> EnrichmentResult:
        """Every row at once (tests, small runs); :meth:`chunks` streams them."""
        rows: list[dict[str, Any]] = []
        points: list[dict[str, Any]] = []
        for chunk in self.chunks(pois):
            rows += chunk.poi_rows
            points += chunk.point_rows
        return self.result(rows, points)
