"""The raw tables are declared once (columns.py): dbt's sources YAML and the README follow."""

from __future__ import annotations

import yaml

from ingestion.data_es.columns import TABLES
from ingestion.raw_tables import DLT_COLUMNS, SQL_TYPES
from ingestion.warehouse import REPO_ROOT

SOURCES = REPO_ROOT / "dbt_project/models/staging/data_es/_data_es__sources.yml"


def _declared_tables() -> dict[str, dict[str, str]]:
    source = yaml.safe_load(SOURCES.read_text())["sources"][0]
    return {
        table["name"]: {c["name"]: c.get("data_type") for c in table.get("columns", [])}
        for table in source["tables"]
    }


def test_sources_yaml_declares_every_raw_column_with_its_type() -> None:
    declared = _declared_tables()
    for table, columns in TABLES.items():
        expected = {name: SQL_TYPES[c["data_type"]] for name, c in columns.items()}
        assert declared[table] == {**expected, **DLT_COLUMNS}, table
    assert set(declared) == {*TABLES, "_dlt_loads"}


def test_readme_lists_every_raw_table_and_column() -> None:
    readme = (REPO_ROOT / "ingestion/README.md").read_text()
    section = readme[readme.index("## `raw_data_es`") :]
    for table, columns in TABLES.items():
        assert f"`{table}`" in section, table
        for name in columns:
            assert f"`{name}`" in section or name in section, f"{table}.{name}"
