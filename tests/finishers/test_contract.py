"""The raw tables are declared once (ingestion/finishers/columns.py): dbt's sources YAML and
the README's raw contract say the same columns, with the same types."""

from __future__ import annotations

import re

import yaml

from ingestion.finishers.columns import RAW_TABLES
from ingestion.raw_tables import DLT_COLUMNS, SQL_TYPES
from ingestion.warehouse import REPO_ROOT

SOURCES = REPO_ROOT / "dbt_project/models/staging/finishers/_finishers__sources.yml"
README = REPO_ROOT / "ingestion/README.md"
# How the README's tables spell the types.
README_TYPES = {
    "text": "text",
    "bigint": "bigint",
    "double": "double",
    "boolean": "bool",
    "date": "date",
    "timestamptz": "timestamp",
}


def _declared() -> dict[str, dict[str, str]]:
    return {t.name: {n: c["data_type"] for n, c in t.columns.items()} for t in RAW_TABLES}


def _sources_yaml() -> dict[str, dict[str, str | None]]:
    source = yaml.safe_load(SOURCES.read_text())["sources"][0]
    return {
        table["name"]: {c["name"]: c.get("data_type") for c in table.get("columns", [])}
        for table in source["tables"]
    }


def _readme_tables() -> dict[str, dict[str, str]]:
    """``### `table` —`` sections of ``raw_finishers``: their ``| names | types |`` rows."""
    text = README.read_text()
    section = text[text.index("## `raw_finishers`") :]
    section = section[: section.index("\n## ", 1)]
    tables: dict[str, dict[str, str]] = {}
    for part in re.split(r"^### ", section, flags=re.M)[1:]:
        name = re.match(r"`(\w+)`", part)
        assert name, part[:60]
        rows = tables.setdefault(name.group(1), {})
        for line in part.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 2 or cells[0] in ("column", "---") or not line.startswith("|"):
                continue
            names = [n.strip(" `") for n in cells[0].split(",")]
            types = [README_TYPES[t.strip()] for t in cells[1].split(",")]
            for i, column in enumerate(names):
                rows[column] = types[i] if len(types) == len(names) else types[0]
    return tables


def test_sources_yaml_lists_every_raw_column() -> None:
    yaml_tables = _sources_yaml()
    assert set(yaml_tables) - {"_dlt_loads"} == set(_declared())
    for table, columns in _declared().items():
        listed = set(yaml_tables[table]) - set(DLT_COLUMNS)
        assert listed == set(columns), table


def test_sources_yaml_types_agree_with_the_declaration() -> None:
    yaml_tables = _sources_yaml()
    for table, columns in _declared().items():
        expected = {name: SQL_TYPES[kind] for name, kind in columns.items()} | DLT_COLUMNS
        typed = {name: kind for name, kind in yaml_tables[table].items() if kind}
        assert typed == {name: expected[name] for name in typed}, table


def test_sources_yaml_types_every_raw_column() -> None:
    yaml_tables = _sources_yaml()
    assert all(kind for table in _declared() for kind in yaml_tables[table].values())


def test_readme_documents_every_raw_column() -> None:
    """Tables ``| column | type |`` must match exactly; a section in prose names each one."""
    readme = _readme_tables()
    for table, columns in _declared().items():
        if readme[table]:
            assert readme[table] == columns, table
        else:
            section = README.read_text().split(f"### `{table}`", 1)[1].split("\n### ", 1)[0]
            missing = [name for name in columns if f"`{name}`" not in section]
            assert not missing, table
