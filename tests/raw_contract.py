"""What every source's contract test checks: the raw tables declared once in the source's
``columns.py`` are the tables and columns, with their types, of its dbt sources YAML, and
the README's raw contract names each of them."""

from __future__ import annotations

import yaml

from ingestion.raw_tables import DLT_COLUMNS, SQL_TYPES, Columns
from ingestion.warehouse import REPO_ROOT

README = REPO_ROOT / "ingestion/README.md"


def sources_yaml(source: str) -> dict[str, dict[str, str | None]]:
    """``{table: {column: data_type}}`` of ``_<source>__sources.yml``."""
    path = REPO_ROOT / f"dbt_project/models/staging/{source}/_{source}__sources.yml"
    declared = yaml.safe_load(path.read_text())["sources"][0]
    return {
        table["name"]: {c["name"]: c.get("data_type") for c in table.get("columns", [])}
        for table in declared["tables"]
    }


def assert_sources_yaml_follows(source: str, tables: dict[str, Columns]) -> None:
    declared = sources_yaml(source)
    for table, columns in tables.items():
        expected = {name: SQL_TYPES[c["data_type"]] for name, c in columns.items()}
        assert declared[table] == {**expected, **DLT_COLUMNS}, table
    assert set(declared) == {*tables, "_dlt_loads"}


def assert_readme_names(dataset: str, tables: dict[str, Columns]) -> None:
    """Every table of ``dataset`` has its section in the README, naming each column."""
    readme = README.read_text()
    section = readme[readme.index(f"## `{dataset}`") :]
    section = section[: section.find("\n## ", 1)] if "\n## " in section[1:] else section
    for table, columns in tables.items():
        assert f"### `{table}`" in section, table
        part = section[section.index(f"### `{table}`") :]
        part = part[: part.find("\n### ", 1)] if "\n### " in part[1:] else part
        missing = [name for name in columns if name not in part]
        assert missing == [], f"{table}: {missing}"
