"""The raw tables are declared once (columns.py): dbt's sources YAML and the README follow."""

from __future__ import annotations

from ingestion.data_es.columns import TABLES
from tests.raw_contract import assert_readme_names, assert_sources_yaml_follows


def test_sources_yaml_declares_every_raw_column_with_its_type() -> None:
    assert_sources_yaml_follows("data_es", TABLES)


def test_readme_lists_every_raw_table_and_column() -> None:
    assert_readme_names("raw_data_es", TABLES)
