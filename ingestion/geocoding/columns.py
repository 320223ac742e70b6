"""The raw tables of ``raw_geocoding``, declared once (types, keys, hints): read by the dlt
resources, the answer type :class:`~ingestion.geocoding.result.GeocodedPoint`, the cache
reader and the contract tests."""

from __future__ import annotations

from ingestion.raw_tables import RawTable, columns

# Where a point is: shared by the provider cache and the POI rows.
LOCATION = """insee_code text, arrondissement_code text, commune_name text, postal_code text,
    postal_codes text, department_code text, department_name text, region_code text,
    region_name text, country_code text, label text, street text, housenumber text"""
LOCATION_FIELDS = tuple(columns(LOCATION))

# One row per POI, re-landed only when the row changed.
POI_COLUMNS = columns(
    f"""source text key, original_id text key, latitude double, longitude double,
    precision text, location_source text, {LOCATION}, match text, match_distance_m double,
    geocoder text, status text, reason text, department_mismatch bool,
    geocoded_at timestamp, row_hash text"""
)

# The provider cache: one answer per reverse (`point`) or forward (`search`) look-up.
# `latitude`/`longitude` are the located point (the query point for a reverse look-up);
# `postal_codes` all postal codes of the commune, comma-separated; `match` (offline)
# `polygon`, `nearest` (see `distance`) or `name`; `payload` the provider's answer (JSON).
POINT_COLUMNS = columns(
    f"""point_key text key, provider text, kind text, status text, reason text,
    provider_version text, query text, query_latitude double, query_longitude double,
    latitude double, longitude double, {LOCATION}, city text, result_type text,
    score double, distance double, match text, attempts bigint, payload text,
    geocoded_at timestamp"""
)

# One row per provider per run.
RUN_COLUMNS = columns(
    """run_id text required, started_at timestamp, finished_at timestamp, geocoder text,
    provider text, seen bigint, cached bigint, geocoded bigint, not_found bigint,
    failed bigint, requests bigint, pois_seen bigint, pois_changed bigint, warehouse text,
    gazetteer_version text"""
)

POI_LOCATIONS = RawTable("poi_locations", POI_COLUMNS, "merge")
GEOCODED_POINTS = RawTable("geocoded_points", POINT_COLUMNS, "merge")
GEOCODING_RUNS = RawTable("geocoding_runs", RUN_COLUMNS)
