"""Shared fixtures: an isolated warehouse (DuckDB file or fresh Postgres database) per test.

Everything reaches the warehouse through the same switch as production: the DBT_TARGET,
DUCKDB_PATH and POSTGRES_* environment variables read by ``profiles.yml``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_HOST = os.environ.get("TEST_POSTGRES_HOST", "127.0.0.1")
PG_PORT = os.environ.get("TEST_POSTGRES_PORT", "5432")
PG_USER = os.environ.get("TEST_POSTGRES_USER", "postgres")
PG_PASSWORD = os.environ.get("TEST_POSTGRES_PASSWORD", "")


def _pg_admin_connection():
    import psycopg2

    conn = psycopg2.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, password=PG_PASSWORD, dbname="postgres"
    )
    conn.autocommit = True
    return conn


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Keep each phase's report on the test item (a fixture can screenshot a failed call)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def duckdb_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """DBT_TARGET=dev on a DuckDB file of this test's own."""
    env = {"DBT_TARGET": "dev", "DUCKDB_PATH": str(tmp_path / "warehouse" / "dev.duckdb")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DLT_PIPELINES_DIR", str(tmp_path / "dlt_pipelines"))
    yield env


@pytest.fixture
def postgres_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """DBT_TARGET=prod on a fresh Postgres database, dropped afterwards."""
    try:
        admin = _pg_admin_connection()
    except Exception as exc:  # pragma: no cover - only when the server is down
        pytest.fail(f"PostgreSQL is not reachable on {PG_HOST}:{PG_PORT}: {exc}")
    dbname = f"bouge_test_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{dbname}"')
    env = {
        "DBT_TARGET": "prod",
        "POSTGRES_HOST": PG_HOST,
        "POSTGRES_PORT": PG_PORT,
        "POSTGRES_USER": PG_USER,
        "POSTGRES_PASSWORD": PG_PASSWORD,
        "POSTGRES_DB": dbname,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DLT_PIPELINES_DIR", str(tmp_path / "dlt_pipelines"))
    yield env
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    admin.close()


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Runs the test once on DuckDB and once on Postgres."""
    if request.param == "postgres":
        request.applymarker(pytest.mark.postgres)
    return request.getfixturevalue(f"{request.param}_env")
