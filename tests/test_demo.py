"""The newcomer's first command: `make demo` builds a populated warehouse and its docs site.

The demo runs once for the module; the docs site it writes is then opened in a real
headless Chromium (Debian's package, driven by Playwright), as a person would open it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ingestion.warehouse import REPO_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", REPO_ROOT / "artifacts" / "screenshots"))


@dataclass(frozen=True)
class Demo:
    stdout: str
    duckdb_path: Path
    target: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    tmp = tmp_path_factory.mktemp("demo")
    env = {
        **os.environ,
        "DBT_TARGET": "dev",
        "DUCKDB_PATH": str(tmp / "warehouse" / "dev.duckdb"),
        "DLT_PIPELINES_DIR": str(tmp / "dlt_pipelines"),
        "DBT_TARGET_PATH": str(tmp / "target"),
        "DBT_LOG_PATH": str(tmp / "logs"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "ingestion.demo"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return Demo(result.stdout, Path(env["DUCKDB_PATH"]), Path(env["DBT_TARGET_PATH"]))


@pytest.mark.slow
def test_demo_builds_the_marts(demo: Demo) -> None:
    counts = dict(re.findall(r"^\s+(\w+)\s+(\d+) rows$", demo.stdout, re.M))
    assert set(counts) == {"poi", "address", "address_poi", "activity", "registered_poi"}
    assert int(counts["poi"]) == 45 + 125  # every event and installation of the snapshots
    assert int(counts["activity"]) > int(counts["poi"])  # events have several races
    by_source = dict(re.findall(r"^\s+(\w+)\s+(\d+) POIs", demo.stdout, re.M))
    assert by_source == {"finishers": "45", "data_es": "125"}  # facilities next to races
    with duckdb.connect(str(demo.duckdb_path), read_only=True) as con:
        rows = con.sql("select count(*) from bouge.poi where is_active").fetchone()
    assert rows == (45 + 124,)  # one installation is out of service


@pytest.mark.slow
def test_demo_output_has_no_terminal_colour_codes(demo: Demo) -> None:
    # Captured, as in `make demo > log`: no ANSI escapes from dbt, tqdm or the tables.
    assert "\x1b[" not in demo.stdout


@pytest.fixture
def page(request: pytest.FixtureRequest) -> Iterator[object]:
    """A headless Chromium page; a screenshot is kept when the test fails."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (.ci/run installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        browser_page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        browser_page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield browser_page
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / f"{request.node.name}.png"
            browser_page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failing page: {shot}; page errors: {errors}")
        browser.close()


@pytest.mark.slow
def test_docs_site_boots_in_a_browser(demo: Demo, page) -> None:
    from playwright.sync_api import expect

    site = (demo.target / "static_index.html").as_uri()

    page.goto(f"{site}#!/overview")
    # Text the docs app renders from the project's overview block (not the raw JSON).
    expect(page.get_by_role("heading", name="Bouge warehouse")).to_be_visible(timeout=30_000)
    assert "MANIFEST.JSON" not in page.inner_text("body")
    # The flow a reader follows names every source and what a night rebuilds.
    flow = page.get_by_text("the models the marts read are incremental tables")
    expect(flow).to_be_visible()
    expect(page.get_by_text("raw_data_es").first).to_be_visible()
    # and which staging models are tables a night updates in part
    expect(page.get_by_text("incremental tables for what a night reads a part of")).to_be_visible()

    # The lineage graph, opened with its button: drawn, from the raw tables to the marts.
    page.get_by_title("View Lineage Graph").click()
    expect(page.get_by_text("Lineage Graph", exact=True)).to_be_visible(timeout=30_000)
    expect(page.locator("#cy canvas").first).to_be_visible()
    shown = _graph_nodes(page)
    marts = {"poi", "address", "activity", "int_pois_cleaned", "stg_finishers__events"}
    assert marts <= {name for _, name in shown}
    # The README's way to hide the unit tests: "Unit Tests" unticked in the resources
    # menu, then Update Graph.
    assert "unit_test" in {kind for kind, _ in shown}
    page.evaluate(
        "() => { const s = angular.element(document.body).injector().get('selectorService');"
        " s.selection.dirty.resource_types = s.selection.dirty.resource_types"
        ".filter(t => t !== 'unit_test'); angular.element(document.body).scope().$apply(); }"
    )
    page.get_by_role("button", name="Update Graph").click()
    page.wait_for_function(
        "() => !angular.element(document.body).injector().get('graph').graph.elements"
        ".some(e => e.data.resource_type === 'unit_test')"
    )
    assert marts <= {name for _, name in _graph_nodes(page)}

    # A mart's page, loaded afresh: its name and its columns' descriptions.
    page.goto("about:blank")
    page.goto(f"{site}#!/model/model.bouge.poi")
    expect(page.get_by_role("heading", name=re.compile(r"^poi"))).to_be_visible(timeout=30_000)
    # The columns table truncates descriptions; a click on the row shows the whole one.
    page.locator("tr", has_text="poi_id").first.click()
    description = page.get_by_text("Deterministic key, hash of source and original_id")
    expect(description.filter(visible=True).first).to_be_visible()

    # A staging table a night updates in part: its page says how dbt builds it.
    page.goto("about:blank")
    page.goto(f"{site}#!/model/model.bouge.stg_finishers__races")
    heading = page.get_by_role("heading", name=re.compile(r"^stg_finishers__races"))
    expect(heading).to_be_visible(timeout=30_000)
    expect(page.get_by_text("incremental", exact=True).first).to_be_visible()


def _graph_nodes(page) -> list[tuple[str, str]]:
    page.wait_for_function(
        "() => angular.element(document.body).injector().get('graph').graph.elements.length > 0"
    )
    return [
        tuple(node)
        for node in page.evaluate(
            """() => angular.element(document.body).injector().get('graph').graph.elements
                .filter(e => e.group === 'nodes').map(e => [e.data.resource_type, e.data.name])"""
        )
    ]
