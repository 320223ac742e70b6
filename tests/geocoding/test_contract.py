"""The raw tables of ``raw_geocoding`` are declared once (ingestion/geocoding/columns.py):
dbt's sources YAML and the README's raw contract say the same tables and columns."""

from __future__ import annotations

from ingestion.geocoding.columns import GEOCODED_POINTS, GEOCODING_RUNS, POI_LOCATIONS
from tests.raw_contract import assert_readme_names, assert_sources_yaml_follows

TABLES = {t.name: t.columns for t in (POI_LOCATIONS, GEOCODED_POINTS, GEOCODING_RUNS)}


def test_sources_yaml_declares_every_raw_column_with_its_type() -> None:
    assert_sources_yaml_follows("geocoding", TABLES)


def test_readme_names_every_raw_table_and_column() -> None:
    assert_readme_names("raw_geocoding", TABLES)
