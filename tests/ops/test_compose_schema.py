"""docker-compose.yml validated against the Compose Specification JSON schema (no Docker here).

The schema, ``tests/ops/compose_spec.json``, is vendored unchanged from the PyPI wheel
docker-compose 1.29.2 (``compose/config/compose_spec.json``; Apache License 2.0, see
``compose_spec.LICENSE`` and ``README.md`` next to this file). It declares JSON Schema draft
2019-09, so the draft 2019-09 validator of ``jsonschema`` reads it.

One addition, made here and not in the file: the top-level ``name`` (the project name),
which the specification gained after that schema was frozen; it is added as today's
compose-spec defines it (``{"type": "string"}``), and the Docker Compose naming rule is checked
on its own. Durations (``5s``, ``1m30s``) are checked with Compose's own grammar (Go
durations), not JSON Schema's ISO 8601 ``duration`` format.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
import yaml

from tests.ops.repo_files import REPO_ROOT

SCHEMA_PATH = REPO_ROOT / "tests" / "ops" / "compose_spec.json"
SCHEMA_SHA256 = "0dc04bd346dcfee1b1419628fff79937bbf076925f298f272a2b490e2b112bac"
COMPOSE_PATH = REPO_ROOT / "docker-compose.yml"

# Docker Compose: lower-case letters, digits, `-` and `_`, starting with a letter or digit.
_PROJECT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Go's time.ParseDuration, which Compose uses: one or more <number><unit>.
_GO_DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+")
# ${VAR}, ${VAR:-default}, ${VAR-default} (no error forms in this file: see test_compose.py).
_INTERPOLATION = re.compile(r"\$\{([A-Za-z_]\w*)(?::?-([^}]*))?\}")


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    raw = SCHEMA_PATH.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256, "the vendored schema was edited"
    schema = json.loads(raw)
    assert schema["$schema"].startswith("http://json-schema.org/draft/2019-09/schema")
    jsonschema.Draft201909Validator.check_schema(schema)

    assert "name" not in schema["properties"], "the vendored schema now has `name`: drop this"
    schema["properties"]["name"] = {"type": "string"}

    formats = jsonschema.FormatChecker(formats=())
    formats.checks("duration")(lambda value: bool(_GO_DURATION.fullmatch(str(value))))
    return jsonschema.Draft201909Validator(schema, format_checker=formats)


def _errors(validator: jsonschema.protocols.Validator, document: Any) -> list[str]:
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: e.json_path)
    ]


def _interpolated(text: str) -> str:
    """The file as Compose reads it with no host variables set: every default applied."""
    text = _INTERPOLATION.sub(lambda m: m.group(2) or "", text.replace("$$", "\0"))
    return text.replace("\0", "$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_PATH.read_text())


def test_compose_file_matches_the_compose_spec(validator, compose: dict):
    assert _errors(validator, compose) == []


def test_compose_file_matches_once_interpolated(validator):
    document = yaml.safe_load(_interpolated(COMPOSE_PATH.read_text()))
    assert document["services"]["postgres"]["ports"] == ["5432:5432"]
    assert _errors(validator, document) == []


def test_project_name_follows_the_compose_rule(compose: dict):
    assert _PROJECT_NAME.fullmatch(compose["name"]), compose["name"]


def _set(path: str, value: Any) -> Callable[[dict], None]:
    *parents, last = path.split(".")

    def mutate(document: dict) -> None:
        node = document
        for key in parents:
            node = node[key]
        node[last] = value

    return mutate


# A break of a copy of the file, and where the schema must report it.
BROKEN = {
    "unknown service key": (
        _set("services.postgres.restart_policy", "always"),
        "$.services.postgres",
    ),
    "unknown top-level key": (_set("service", {}), "$"),
    "healthcheck test as a number": (
        _set("services.postgres.healthcheck.test", 42),
        "$.services.postgres.healthcheck.test",
    ),
    "healthcheck retries as text": (
        _set("services.postgres.healthcheck.retries", "twelve"),
        "$.services.postgres.healthcheck.retries",
    ),
    "healthcheck interval not a duration": (
        _set("services.postgres.healthcheck.interval", "5 seconds"),
        "$.services.postgres.healthcheck.interval",
    ),
    "unknown healthcheck key": (
        _set("services.postgres.healthcheck.start_interval_s", 1),
        "$.services.postgres.healthcheck",
    ),
    "unknown depends_on condition": (
        _set("services.pipeline.depends_on.postgres.condition", "service_ready"),
        "$.services.pipeline.depends_on",
    ),
    "profiles not a list": (
        _set("services.pipeline.profiles", "pipeline"),
        "$.services.pipeline.profiles",
    ),
    "environment value a mapping": (
        _set("services.pipeline.environment.DBT_TARGET", {"a": 1}),
        "$.services.pipeline.environment",
    ),
    "build with an unknown key": (
        _set("services.pipeline.build.dockerfile_path", "x"),
        "$.services.pipeline.build",
    ),
    "invalid service name": (_set("services.bad name!", {"image": "postgres:16"}), "$.services"),
    "name not a string": (_set("name", ["bouge"]), "$.name"),
}


@pytest.mark.parametrize(("mutate", "where"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_copy_is_rejected(validator, compose: dict, mutate, where: str):
    """The schema check can fail: each deliberate break of a copy of the file is caught."""
    broken = copy.deepcopy(compose)
    mutate(broken)
    errors = _errors(validator, broken)
    assert errors, "the broken copy passed the schema"
    assert [e for e in errors if e.split(": ", 1)[0] == where], errors
