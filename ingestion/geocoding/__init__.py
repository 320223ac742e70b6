"""Geocoding of the landed points of interest into ``raw_geocoding`` (dlt pipeline `geocoding`).

    python -m ingestion.geocoding [--provider offline|geoplateforme|nominatim|auto|none]

Reads ``raw_finishers.events`` and the Data ES installations (``raw_data_es.equipments``)
from the warehouse chosen by ``DBT_TARGET``, finds each POI's commune (INSEE code,
department, region) and, online, its street address, and lands three tables (see
``ingestion/README.md``):

- ``poi_locations``: one row per POI, merge on (source, original_id), re-landed only when
  the row changed;
- ``geocoded_points``: the provider cache, merge on ``point_key``;
- ``geocoding_runs``: one row per provider per run (seen / cached / geocoded / failed).

Modules, in the order data flows: ``config``/``settings`` (what to run), ``helpers`` (read
the warehouse), ``engine`` (plan look-ups, cache, compose rows), the providers ``offline``
(``gazetteer``, built by ``gazetteer_build``), ``geoplateforme``, ``nominatim`` (shared
``online`` plumbing), ``normalize`` (code rules), then the dlt source below.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import dlt

from ingestion.arrow_rows import (
    arrow_file_format,
    load_ids_on_arrow_rows,
    one_item_at_a_time,
    to_arrow,
)
from ingestion.geocoding import settings
from ingestion.geocoding.columns import GEOCODED_POINTS, GEOCODING_RUNS, POI_LOCATIONS
from ingestion.geocoding.config import GeocodingConfig
from ingestion.geocoding.engine import Enricher, EnrichmentChunk, EnrichmentResult
from ingestion.geocoding.result import utcnow
from ingestion.raw_tables import RawTable

# Chunks of Enricher.chunks (10,000 POIs each) landed by one load: one, so that a load's
# peak (dlt's files, DuckDB's merge) is the same at 10,000 POIs as at 400,000, and a chunk's
# answers are in the warehouse before the next chunk reads the cache.
LOAD_CHUNKS = 1


def _arrow(rows: list[dict[str, Any]], table: RawTable) -> Any:
    return to_arrow(rows, table.columns) if rows else None


poi_locations = POI_LOCATIONS.transformer(lambda chunk: _arrow(chunk.poi_rows, POI_LOCATIONS))
geocoded_points = GEOCODED_POINTS.transformer(
    lambda chunk: _arrow(chunk.point_rows, GEOCODED_POINTS)
)


@dlt.source(name="geocoding", max_table_nesting=0)
def geocoding_source(
    chunks: Iterable[EnrichmentChunk] | None = None,
    run_rows: list[dict[str, Any]] | None = None,
    missing_tables: frozenset[str] = frozenset(),
) -> Any:
    """One load: the POI rows and cache entries of ``chunks`` as they come, or the run
    record and the tables no load created yet (``missing_tables``, created even if empty)."""
    resources: list[Any] = []
    if chunks is not None:
        stream = dlt.resource(chunks, name="chunks", selected=False)
        resources += [stream | poi_locations, stream | geocoded_points]
    if run_rows:
        resources.append(GEOCODING_RUNS.resource(run_rows))
    for table in (POI_LOCATIONS, GEOCODED_POINTS):
        if table.name in missing_tables:
            resources.append(table.resource(create=True))
    return resources


@dataclass
class RunSummary:
    run_id: str
    started_at: datetime
    finished_at: datetime
    config: GeocodingConfig
    result: EnrichmentResult
    run_rows: list[dict[str, Any]]
    warehouse: str

    def table(self) -> str:
        """The run summary as a plain-text table (printed by the CLI)."""
        # Each point seen is counted once: cached, or looked up and then found, not found
        # or failed (the raw `geocoded` column counts found + not found).
        header = ("provider", "seen", "cached", "found", "not_found", "failed", "requests")
        lines = [
            [str(r["found"] if h == "found" else r[h]) for h in header]
            for r in (
                {**row, "found": row["geocoded"] - row["not_found"]}
                for row in self.run_rows
                if row["provider"] != "none"
            )
        ]
        widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
        fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
        out = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
        out += [fmt.format(*line) for line in lines]
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(self.result.statuses.items()))
        seconds = (self.finished_at - self.started_at).total_seconds()
        out.append(
            f"POIs: {self.result.pois_seen} seen, {self.result.pois_changed} (re)landed "
            f"[{statuses or 'none'}] - GEOCODER={self.config.provider}, "
            f"{self.warehouse}, {seconds:.1f} s"
        )
        return "\n".join(out)


def run_rows_for(
    run_id: str,
    started_at: datetime,
    config: GeocodingConfig,
    result: EnrichmentResult,
    warehouse: str,
    gazetteer_version: str | None,
) -> list[dict[str, Any]]:
    finished_at = utcnow()
    stats = list(result.stats.values()) or [None]
    return [
        {
            "run_id": run_id,
            "started_at": started_at,
            "finished_at": finished_at,
            "geocoder": config.provider,
            "provider": s.provider if s else config.provider,
            "seen": s.seen if s else 0,
            "cached": s.cached if s else 0,
            "geocoded": s.geocoded if s else 0,
            "not_found": s.not_found if s else 0,
            "failed": s.failed if s else 0,
            "requests": s.requests if s else 0,
            "pois_seen": result.pois_seen,
            "pois_changed": result.pois_changed,
            "warehouse": warehouse,
            "gazetteer_version": gazetteer_version,
        }
        for s in stats
    ]


def run_geocoding(
    provider: str | None = None,
    config: GeocodingConfig | None = None,
    providers: dict[str, Any] | None = None,
) -> RunSummary:
    """Geocode the landed events into the warehouse chosen by ``DBT_TARGET``."""
    from ingestion.geocoding.gazetteer import load_gazetteer
    from ingestion.geocoding.helpers import (
        count_pois,
        known_rows,
        landed_tables,
        read_events,
        read_installations,
    )
    from ingestion.warehouse import current_warehouse

    config = (config or GeocodingConfig.from_env()).with_provider(provider)
    started_at = utcnow()
    run_id = uuid.uuid4().hex
    gazetteer_version = None
    if config.provider in ("offline", "auto"):  # fail early, before any read or request
        gazetteer_version = load_gazetteer(config.gazetteer_path).version
    warehouse = current_warehouse()
    # The POIs are read a page at a time, and what is landed (cache, row hashes) for the
    # keys of one chunk at a time: memory follows the chunk, not the catalogue.
    pois = itertools.chain(
        read_events(warehouse, config.source),
        read_installations(warehouse, config.gazetteer_path),
    )
    enricher = Enricher(config, providers=providers, known=known_rows(warehouse))
    pipeline = warehouse.pipeline(settings.PIPELINE_NAME, settings.DATASET_NAME)
    # The rows go to dlt chunk by chunk, as Arrow tables (memory flat in the catalogue's
    # size, no per-row normalisation; typed by the schema, where DuckDB's jsonl reader
    # guessed types from the first rows and failed on a column null in all of them).
    # One load per LOAD_CHUNKS chunks: the warehouse merges a part, never the whole set.
    load_ids_on_arrow_rows()
    online = config.provider not in ("offline", "none")  # hours: show how far it is
    chunks = enricher.chunks(pois, total=count_pois(warehouse) if online else None)
    with one_item_at_a_time():
        while group := list(itertools.islice(chunks, LOAD_CHUNKS)):
            pipeline.run(
                geocoding_source(group), loader_file_format=arrow_file_format(warehouse.kind)
            )
            enricher.landed()  # later chunks read these chunks' answers back
    result = enricher.result()
    run_rows = run_rows_for(
        run_id, started_at, config, result, warehouse.describe(), gazetteer_version
    )
    missing = frozenset({POI_LOCATIONS.name, GEOCODED_POINTS.name}) - landed_tables(warehouse)
    pipeline.run(geocoding_source(run_rows=run_rows, missing_tables=missing))
    warehouse.analyze(settings.DATASET_NAME)
    return RunSummary(
        run_id=run_id,
        started_at=started_at,
        finished_at=utcnow(),
        config=config,
        result=result,
        run_rows=run_rows,
        warehouse=warehouse.describe(),
    )


__all__ = [
    "GeocodingConfig",
    "RunSummary",
    "geocoding_source",
    "run_geocoding",
]
