"""The static docs page: markup in the project's text cannot end its inlined data early."""

from __future__ import annotations

import json
import subprocess

import pytest

from ingestion import docs_site
from ingestion.docs_site import (
    DocsSiteError,
    dbt_docs_template,
    inline_json,
    render_static_site,
    script_tags,
)
from tests.ops.repo_files import REPO_ROOT

HOSTILE = {
    "nodes": {
        "unit_test.fixture": {
            "description": "<p>offerte</p><script>track('x');</script> <!-- note --> </SCRIPT >"
        }
    }
}


def test_markup_in_the_manifest_keeps_the_page_whole() -> None:
    template = dbt_docs_template()
    manifest = json.dumps(HOSTILE)
    page = render_static_site(template, manifest, json.dumps({"nodes": {}}))
    assert script_tags(page) == script_tags(template)
    assert "</script>track" not in page and "<script>track" not in page
    # The app reads the same data: the escapes are JSON's own.
    assert json.loads(inline_json(manifest)) == HOSTILE


def test_the_guard_refuses_a_page_whose_data_would_end_its_script(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What dbt's own --static does: paste the JSON verbatim.
    monkeypatch.setattr(docs_site, "inline_json", lambda text: text)
    with pytest.raises(DocsSiteError, match="would break"):
        render_static_site(dbt_docs_template(), json.dumps(HOSTILE), "{}")


def test_a_changed_dbt_template_is_refused_not_silently_written() -> None:
    with pytest.raises(DocsSiteError, match="template changed"):
        render_static_site("<html><script>var n={}</script></html>", "{}", "{}")


def test_gitignore_keeps_the_bundled_snapshot_site_tracked() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "ingestion/finishers/snapshot/site/sitemap/events.xml"],
        cwd=REPO_ROOT,
        check=False,
    )
    assert ignored.returncode == 1, "the snapshot's site/ folder is git-ignored"
    assert (
        subprocess.run(["git", "check-ignore", "-q", "site/index.html"], cwd=REPO_ROOT).returncode
        == 0
    )
