"""One switch for the warehouse: ``DBT_TARGET`` picks a target of the root ``profiles.yml``.

dlt and dbt must write and read the same database, so the connection is described once,
in ``profiles.yml``; this module renders that file (its ``env_var()`` calls included)
and turns the selected target into a dlt destination or a DB-API connection.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
import yaml
from jinja2 import Environment, StrictUndefined

from ingestion.config import setting_values
from ingestion.warehouse_reader import WarehouseReader

REPO_ROOT = Path(__file__).resolve().parent.parent
PROFILES_FILE = REPO_ROOT / "profiles.yml"
PROFILE_NAME = "bouge"


class WarehouseError(RuntimeError):
    """The warehouse cannot be used; the message is one line a user can act on."""


class WarehouseConfigError(WarehouseError):
    """The profile or the environment does not describe a usable warehouse."""


class WarehouseUnreachable(WarehouseError):
    """The warehouse is described but does not answer (server down, file locked...)."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _env_var(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise WarehouseConfigError(f"environment variable {name} is not set")
    return value


def _render(value: Any, env: Environment) -> Any:
    if isinstance(value, str) and "{{" in value:
        rendered = env.from_string(value).render()
        return int(rendered) if rendered.isdigit() else rendered
    if isinstance(value, dict):
        return {key: _render(item, env) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Warehouse:
    """The selected target of the ``bouge`` profile, rendered."""

    target: str
    settings: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.settings["type"])

    @property
    def duckdb_path(self) -> Path:
        path = Path(self.settings["path"])
        return path if path.is_absolute() else REPO_ROOT / path

    @property
    def duckdb_settings(self) -> dict[str, Any]:
        """The DuckDB settings of the profile (``memory_limit``...), as dbt applies them."""
        return dict(self.settings.get("settings") or {})

    def with_duckdb_settings(self, **values: Any) -> Warehouse:
        """This warehouse with these DuckDB settings (``memory_limit``, ``threads``...) over
        the profile's (None or "": left as they are; a Postgres target: unchanged): a step
        that needs less than dbt caps its own."""
        values = {name: value for name, value in values.items() if value not in (None, "")}
        if not values or self.kind != "duckdb":
            return self
        settings = {**self.settings, "settings": {**self.duckdb_settings, **values}}
        return Warehouse(self.target, settings)

    def postgres_credentials(self) -> dict[str, Any]:
        s = self.settings
        return {
            "host": s["host"],
            "port": int(s["port"]),
            "username": s["user"],
            "password": s["password"],
            "database": s["dbname"],
        }

    def dlt_destination(self) -> Any:
        """A dlt destination writing into this warehouse."""
        if self.kind == "duckdb":
            from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

            self.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
            # DuckDB runs inside the step's process: the profile's cap (memory_limit...)
            # bounds its buffer pool there too, as it does in dbt's (default: 80 % of RAM).
            credentials = DuckDbCredentials(
                str(self.duckdb_path), global_config=self.duckdb_settings or None
            )
            return dlt.destinations.duckdb(credentials=credentials)
        if self.kind == "postgres":
            return dlt.destinations.postgres(credentials=self.postgres_credentials())
        raise WarehouseConfigError(f"unsupported warehouse type {self.kind!r}")

    def pipeline(self, name: str, dataset: str) -> dlt.Pipeline:
        """The dlt pipeline ``name`` landing in ``dataset`` of this warehouse: every step's,
        its working folder that of this target (:func:`dlt_pipelines_dir`)."""
        return dlt.pipeline(
            pipeline_name=name,
            destination=self.dlt_destination(),
            dataset_name=dataset,
            pipelines_dir=dlt_pipelines_dir(self.target),
        )

    @contextmanager
    def reader(self) -> Iterator[WarehouseReader]:
        """Reads through dlt's SQL client, on one connection for the ``with`` block.

        Raises :class:`WarehouseUnreachable` with one line when the database does not answer.
        """
        dataset = dlt.dataset(self.dlt_destination(), "public", schema=dlt.Schema("reads"))
        client = dataset.sql_client
        try:
            client.open_connection()
        except Exception as exc:
            raise WarehouseUnreachable(
                f"cannot connect to the warehouse {self.describe()}: {_first_line(exc)}"
            ) from exc
        try:
            yield WarehouseReader(client)
        finally:
            client.close_connection()

    def connect(self) -> Any:
        """A DB-API connection (duckdb or psycopg2) of its own: the crawl lock's session
        (everything else reads through :meth:`reader`).

        Raises :class:`WarehouseUnreachable` with one line when the database does not answer.
        """
        try:
            return self._connect()
        except WarehouseError:
            raise
        except Exception as exc:
            raise WarehouseUnreachable(
                f"cannot connect to the warehouse {self.describe()}: {_first_line(exc)}"
            ) from exc

    def _connect(self) -> Any:
        if self.kind == "duckdb":
            import duckdb

            self.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
            return duckdb.connect(str(self.duckdb_path))
        if self.kind == "postgres":
            import psycopg2

            c = self.postgres_credentials()
            return psycopg2.connect(
                host=c["host"],
                port=c["port"],
                user=c["username"],
                password=c["password"],
                dbname=c["database"],
                connect_timeout=10,
            )
        raise WarehouseConfigError(f"unsupported warehouse type {self.kind!r}")

    def analyze(self, dataset: str) -> None:
        """Fresh planner statistics for the tables of ``dataset`` (Postgres; DuckDB keeps
        its own): every ingestion step ends with it, as every dbt model does
        (``macros/statistics.sql``). Without them, autovacuum off or not yet run, the
        nightly build planned its reads of the raw tables blind: merge joins sorting the
        500,000 activities of Data ES for a night's 13,000 equipments (``bench/BASELINE.md``).
        ANALYZE samples a fixed number of rows, so its cost stops growing with the table."""
        if self.kind != "postgres":
            return
        with self.reader() as reader:
            tables = sorted(reader.tables(dataset))
            if tables:
                names = ", ".join(f'"{dataset}"."{table}"' for table in tables)
                reader.client.execute_sql(f"ANALYZE {names}")

    def describe(self) -> str:
        if self.kind == "duckdb":
            return f"{self.target} (duckdb {self.duckdb_path})"
        c = self.postgres_credentials()
        return f"{self.target} (postgres {c['username']}@{c['host']}:{c['port']}/{c['database']})"


def current_warehouse(profiles_file: Path = PROFILES_FILE) -> Warehouse:
    """Render ``profiles.yml`` and return the target chosen by ``DBT_TARGET``."""
    env = Environment(undefined=StrictUndefined)
    env.globals["env_var"] = _env_var
    env.filters["as_number"] = lambda v: int(v) if str(v).isdigit() else float(v)
    profile = yaml.safe_load(profiles_file.read_text())[PROFILE_NAME]
    target = _render(profile["target"], env)
    outputs = profile["outputs"]
    if target not in outputs:
        raise WarehouseConfigError(
            f"DBT_TARGET={target!r} is not a target of {profiles_file.name} "
            f"(known: {', '.join(sorted(outputs))})"
        )
    return Warehouse(target=target, settings=_render(outputs[target], env))


@dataclass(frozen=True)
class LocalPaths:
    """Where the local working files go: dlt's load packages, dbt's ``target/`` (relative
    to the repository root). Resolved like every setting (:mod:`ingestion.config`), from
    their documented names ``DLT_PIPELINES_DIR`` and dbt's own ``DBT_TARGET_PATH``."""

    dlt_pipelines_dir: str = str(REPO_ROOT / "warehouse" / "dlt_pipelines")
    dbt_target_path: str = "target"

    @classmethod
    def resolve(cls) -> LocalPaths:
        aliases = {"dlt_pipelines_dir": "DLT_PIPELINES_DIR", "dbt_target_path": "DBT_TARGET_PATH"}
        return cls(**setting_values(cls, "warehouse", "", aliases))

    @property
    def dbt_target(self) -> Path:
        return REPO_ROOT / self.dbt_target_path


def dlt_pipelines_dir(target: str | None = None) -> str:
    """dlt's local working folder for a target: ``<DLT_PIPELINES_DIR>/<target>``.

    The base is ``DLT_PIPELINES_DIR`` or the git-ignored ``warehouse/dlt_pipelines``. The
    warehouse is the source of truth; this folder only holds in-flight load packages, so a
    run that was killed resumes from it (or from the warehouse on a new machine). One
    folder per target: a pending package of ``dev`` is never loaded into ``prod``, and
    switching targets prints no "destination differs" warning.
    """
    base = LocalPaths.resolve().dlt_pipelines_dir
    return str(Path(base) / (target or current_warehouse().target))
