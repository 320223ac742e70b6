"""The GitHub workflows, checked against the Makefile, profiles.yml and tests/conftest.py."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from tests.ops.repo_files import (
    REPO_ROOT,
    load_yaml,
    make_calls,
    makefile_variable,
    prod_profile_env,
)

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))


def _triggers(workflow: dict) -> dict:
    # YAML 1.1: PyYAML reads the bare key `on` as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    return {name: None for name in triggers} if isinstance(triggers, list) else triggers


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _step(job: dict, pattern: str) -> tuple[int, dict]:
    found = [(i, s) for i, s in enumerate(job["steps"]) if re.search(pattern, s.get("run", ""))]
    assert len(found) == 1, f"expected one step running {pattern!r}, found {len(found)}"
    return found[0]


def _uses(job: dict, action: str) -> dict:
    found = [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]
    assert found, f"no step uses {action}"
    return found[0]


@pytest.fixture(scope="module")
def ci() -> dict:
    return load_yaml(".github/workflows/ci.yml")


@pytest.fixture(scope="module")
def nightly() -> dict:
    return load_yaml(".github/workflows/nightly.yml")


@pytest.fixture(scope="module")
def pipeline_job(nightly: dict) -> dict:
    return nightly["jobs"]["pipeline"]


def test_both_workflows_exist():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "nightly.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_make_call_is_a_makefile_target(path: Path, targets: set[str]):
    calls = [
        c
        for step in _steps(load_yaml(str(path.relative_to(REPO_ROOT))))
        for c in make_calls(step.get("run", ""))
    ]
    assert calls, f"{path.name} calls no make target"
    for call in calls:
        assert call, f"{path.name}: bare `make` runs the help goal"
        assert set(call) <= targets, f"{path.name}: unknown make target in {call}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_jobs_are_bounded_and_actions_pinned(path: Path):
    workflow = load_yaml(str(path.relative_to(REPO_ROOT)))
    for name, job in workflow["jobs"].items():
        assert int(job["timeout-minutes"]) > 0, name
    for step in _steps(workflow):
        if "uses" in step:
            assert re.search(r"@v\d+$|@[0-9a-f]{40}$", step["uses"]), step["uses"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_python_version_satisfies_pyproject(path: Path):
    requires = re.search(
        r'requires-python\s*=\s*"([^"]+)"', (REPO_ROOT / "pyproject.toml").read_text()
    ).group(1)
    workflow = load_yaml(str(path.relative_to(REPO_ROOT)))
    versions = [
        str(s["with"]["python-version"])
        for s in _steps(workflow)
        if s.get("uses", "").startswith("actions/setup-python@")
    ]
    assert versions
    for version in versions:
        assert f"{version}.0" in SpecifierSet(requires), version


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_caches_uv_and_the_gazetteer(path: Path):
    workflow = load_yaml(str(path.relative_to(REPO_ROOT)))
    cached = {
        line.strip()
        for s in _steps(workflow)
        if s.get("uses", "").startswith("actions/cache@")
        for line in str(s["with"]["path"]).splitlines()
    }
    assert makefile_variable("GAZETTEER").rsplit("/", 1)[0] in cached
    assert "~/.cache/uv" in cached


# --- CI -----------------------------------------------------------------------------------


def test_ci_runs_on_push_and_pull_request(ci: dict):
    assert {"push", "pull_request"} <= set(_triggers(ci))


def test_ci_has_a_healthy_postgres_service_the_tests_can_reach(ci: dict):
    (job,) = ci["jobs"].values()
    service = job["services"]["postgres"]
    assert service["image"].startswith("postgres:16")
    assert "--health-cmd" in service["options"] and "pg_isready" in service["options"]

    _, test_step = _step(job, r"\bmake test\b")
    env = {**job.get("env", {}), **test_step.get("env", {})}
    conftest = (REPO_ROOT / "tests" / "conftest.py").read_text()
    read = set(re.findall(r"\bTEST_POSTGRES_[A-Z]+\b", conftest))
    assert read == {f"TEST_POSTGRES_{k}" for k in ("HOST", "PORT", "USER", "PASSWORD")}
    assert read <= env.keys()
    assert env["TEST_POSTGRES_HOST"] in ("127.0.0.1", "localhost")
    assert f"{env['TEST_POSTGRES_PORT']}:5432" in [str(p) for p in service["ports"]]
    assert env["TEST_POSTGRES_USER"] == service["env"]["POSTGRES_USER"]
    assert env["TEST_POSTGRES_PASSWORD"] == service["env"]["POSTGRES_PASSWORD"]


def test_ci_installs_from_the_lock_then_lints_then_tests(ci: dict):
    (job,) = ci["jobs"].values()
    install, _ = _step(job, r"\bmake install\b")
    lint, _ = _step(job, r"\bmake lint\b")
    test, _ = _step(job, r"\bmake test\b")
    assert install < lint < test


# --- Nightly ------------------------------------------------------------------------------


def test_nightly_is_scheduled_and_manual(nightly: dict):
    triggers = _triggers(nightly)
    assert "workflow_dispatch" in triggers
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert crons and all(len(cron.split()) == 5 for cron in crons)


def test_nightly_runs_never_overlap(nightly: dict):
    assert nightly["concurrency"]["group"]
    assert nightly["concurrency"]["cancel-in-progress"] is False


def test_nightly_reads_the_prod_profile_from_secrets(pipeline_job: dict):
    env = pipeline_job["env"]
    assert env["DBT_TARGET"] == "prod"
    for name, _default in prod_profile_env().values():
        assert f"secrets.{name}" in str(env[name]), name
    # The User-Agent variable is optional: exported only when set (an empty value would
    # replace the crawler's default).
    assert "FINISHERS_USER_AGENT" not in env
    _, check = _step(pipeline_job, r"FINISHERS_USER_AGENT=.*GITHUB_ENV")
    assert "vars.FINISHERS_USER_AGENT" in str(check["env"])


def test_nightly_pipeline_steps(pipeline_job: dict):
    steps = pipeline_job["steps"]
    install, _ = _step(pipeline_job, r"\bmake install\b")
    ingest, ingest_step = _step(pipeline_job, r"\bmake ingest\b")
    build, build_step = _step(pipeline_job, r"\bingestion\.dbt_runner build\b")
    keep, _ = _step(pipeline_job, r"cp target/run_results\.json")
    freshness, _ = _step(pipeline_job, r"\bdbt source freshness\b")
    docs, _ = _step(pipeline_job, r"\bmake docs-site\b")
    assert install < ingest < build < keep < docs, "docs generate overwrites run_results.json"
    assert build < freshness
    assert "DBT_TARGET=prod" in ingest_step["run"] or pipeline_job["env"]["DBT_TARGET"] == "prod"
    # A failing dbt test must fail the run: no continue-on-error, no `|| true`.
    assert not build_step.get("continue-on-error")
    assert "||" not in build_step["run"]
    assert steps.index(_uses(pipeline_job, "actions/upload-pages-artifact")) > docs


def test_nightly_restores_yesterdays_dbt_parse_before_building(pipeline_job: dict):
    build, _ = _step(pipeline_job, r"\bingestion\.dbt_runner build\b")
    caches = [s for s in pipeline_job["steps"] if s.get("uses", "").startswith("actions/cache@")]
    parse = [s for s in caches if s["with"]["path"] == "target/partial_parse.msgpack"]
    assert parse, "no cache of target/partial_parse.msgpack"
    assert pipeline_job["steps"].index(parse[0]) < build
    # a cache key is written once: a new key each run, restored by its prefix
    assert "github.run_id" in parse[0]["with"]["key"]
    assert parse[0]["with"]["key"].startswith(parse[0]["with"]["restore-keys"])


def test_nightly_always_publishes_the_summary_and_artifacts(pipeline_job: dict):
    _, summary = _step(pipeline_job, r"\bingestion\.run_summary\b")
    assert summary["if"] == "always()"
    assert "$GITHUB_STEP_SUMMARY" in summary["run"]
    assert importlib.util.find_spec("ingestion.run_summary") is not None

    upload = _uses(pipeline_job, "actions/upload-artifact")
    assert upload["if"] == "always()"
    assert "run_results.json" in upload["with"]["path"]
    assert "run-summary.md" in upload["with"]["path"]
    _, keep = _step(pipeline_job, r"cp target/run_results\.json")
    assert keep["if"] == "always()", "keep the results of a failed build too"


def test_nightly_deploys_the_docs_to_pages(nightly: dict):
    (deploy,) = [
        j
        for j in nightly["jobs"].values()
        if any(s.get("uses", "").startswith("actions/deploy-pages@") for s in j["steps"])
    ]
    assert deploy["needs"] in ("pipeline", ["pipeline"])
    assert deploy["permissions"]["pages"] == "write"
    assert deploy["permissions"]["id-token"] == "write"
    assert deploy["environment"]["name"] == "github-pages"
    assert "steps.deployment.outputs.page_url" in deploy["environment"]["url"]
    assert nightly["permissions"]["contents"] == "read"
