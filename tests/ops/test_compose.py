"""docker-compose.yml and .ci/pipeline.Dockerfile, checked by structure (no Docker engine needed).

The schema check of docker-compose.yml is test_compose_schema.py; these are the project's rules.
"""

from __future__ import annotations

import re

import pytest
from packaging.specifiers import SpecifierSet

from tests.ops.repo_files import (
    REPO_ROOT,
    load_yaml,
    make_calls,
    makefile_variable,
    prod_profile_env,
)

# The compose interpolations: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}.
_INTERPOLATION = re.compile(r"\$\{[A-Za-z_]\w*(?::?[-?][^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_yaml("docker-compose.yml")


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


def _default(name: str, default: str | None) -> str:
    return f"${{{name}:-{default}}}" if default is not None else f"${{{name}}}"


def test_interpolations_are_well_formed():
    text = (REPO_ROOT / "docker-compose.yml").read_text()
    # `$$` is a literal dollar (left to the container's shell); any other `$` interpolates.
    stray = _INTERPOLATION.sub("", text.replace("$$", ""))
    assert "$" not in stray, "malformed ${...} in docker-compose.yml"


def test_postgres_service(services: dict):
    postgres = services["postgres"]
    assert postgres["image"] == "postgres:16-alpine"
    check = postgres["healthcheck"]
    assert check["test"][0] in ("CMD", "CMD-SHELL")
    assert "pg_isready" in " ".join(check["test"][1:])
    assert {"interval", "timeout", "retries"} <= check.keys()


def test_postgres_credentials_default_to_the_prod_profile(services: dict):
    """The postgres image and profiles.yml share POSTGRES_USER/PASSWORD/DB: same defaults."""
    env = services["postgres"]["environment"]
    profile = prod_profile_env()
    for setting in ("user", "password", "dbname"):
        name, default = profile[setting]
        assert env[name] == _default(name, default), setting
    port_name, port_default = profile["port"]
    assert f"{_default(port_name, port_default)}:5432" in services["postgres"]["ports"]


def test_postgres_data_lives_in_a_declared_named_volume(compose: dict, services: dict):
    declared = set(compose.get("volumes") or {})
    mounts = dict(v.split(":")[:2][::-1] for v in services["postgres"]["volumes"])
    assert mounts["/var/lib/postgresql/data"] in declared
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/", "~", "$")):
                assert source in declared, f"{name}: volume {source} is not declared"


def test_pipeline_service_is_a_one_shot_on_the_prod_target(services: dict):
    pipeline = services["pipeline"]
    assert pipeline["profiles"] == ["pipeline"], "must not start with a plain `up`"
    assert pipeline["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "restart" not in pipeline

    env = pipeline["environment"]
    assert env["DBT_TARGET"] == "prod"
    assert "prod" in load_yaml("profiles.yml")["bouge"]["outputs"]
    profile = prod_profile_env()
    assert env[profile["host"][0]] == "postgres"
    assert "postgres" in services
    assert str(env[profile["port"][0]]) == "5432", "the port inside the compose network"
    for setting in ("user", "password", "dbname"):
        name = profile[setting][0]
        assert env[name] == services["postgres"]["environment"][name], setting


def test_pipeline_runs_real_make_targets(services: dict, targets: set[str]):
    command = services["pipeline"]["command"]
    calls = make_calls(command if isinstance(command, str) else " ".join(command))
    assert calls and calls[0], "the pipeline service runs make"
    assert "build" in calls[0]
    assert set(calls[0]) <= targets


def test_gazetteer_volume_is_where_the_makefile_puts_it(services: dict):
    gazetteer_dir = makefile_variable("GAZETTEER").rsplit("/", 1)[0]
    workdir = re.search(r"^WORKDIR\s+(\S+)", _dockerfile(services), re.M).group(1)
    targets_in_container = [v.split(":")[1] for v in services["pipeline"]["volumes"]]
    assert f"{workdir}/{gazetteer_dir}" in targets_in_container


def _dockerfile(services: dict) -> str:
    build = services["pipeline"]["build"]
    path = REPO_ROOT / build["context"] / build["dockerfile"]
    assert path.is_file(), path
    return path.read_text()


def test_dockerfile_builds_the_locked_environment(services: dict):
    dockerfile = _dockerfile(services)
    image = re.search(r"^FROM\s+python:(\d+\.\d+)-slim\s*$", dockerfile, re.M)
    assert image, "python:<version>-slim base image"
    requires = re.search(
        r'requires-python\s*=\s*"([^"]+)"', (REPO_ROOT / "pyproject.toml").read_text()
    )
    assert f"{image.group(1)}.0" in SpecifierSet(requires.group(1))
    assert "uv sync --frozen" in dockerfile
    assert re.search(r"install[^\n]*\bmake\b", dockerfile), "python:*-slim has no make"


def test_build_context_never_ships_the_host_venv(services: dict):
    build = services["pipeline"]["build"]
    dockerfile = REPO_ROOT / build["context"] / build["dockerfile"]
    # BuildKit's Dockerfile-specific ignore file: <Dockerfile name>.dockerignore, same folder.
    ignore = dockerfile.with_name(f"{dockerfile.name}.dockerignore")
    patterns = ignore.read_text().split()
    assert ".venv" in patterns
    assert ".dlt/secrets.toml" in patterns
