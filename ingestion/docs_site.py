"""``python -m ingestion.docs_site``: the dbt docs as one static page that always boots.

``dbt docs generate --static`` pastes ``manifest.json`` and ``catalog.json`` verbatim into
a ``<script>`` element of its page. Any ``</script>`` inside the project's text (a unit-test
fixture of the HTML cleaning holds one) then ends that element early, and the page opens as
a wall of raw JSON. This step runs ``dbt docs generate``, inlines the two files itself with
every ``<`` written as the JSON escape ``\\u003c`` (the same data to the app, no markup to
the HTML parser), and checks the result before writing it: the page must hold exactly the
script tags of dbt's template, else the build fails and nothing is written.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from ingestion.warehouse import REPO_ROOT, LocalPaths

SITE_FILE = "static_index.html"
MANIFEST_PLACEHOLDER = '"MANIFEST.JSON INLINE DATA"'
CATALOG_PLACEHOLDER = '"CATALOG.JSON INLINE DATA"'


class DocsSiteError(RuntimeError):
    """The static docs page cannot be built, or would not boot."""


class _ScriptCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.opened = 0
        self.closed = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.opened += tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.closed += tag == "script"


def script_tags(html: str) -> tuple[int, int]:
    """Script start and end tags as a browser's HTML parser sees them.

    A ``</script>`` leaked into inlined data ends its element early: one end tag more.
    """
    counter = _ScriptCounter()
    counter.feed(html)
    counter.close()
    return counter.opened, counter.closed


def inline_json(text: str) -> str:
    """JSON text that no HTML parser can read markup in (``<`` only occurs inside strings)."""
    return text.replace("<", "\\u003c")


def dbt_docs_template() -> str:
    from dbt.task.docs import DOCS_INDEX_FILE_PATH

    return Path(DOCS_INDEX_FILE_PATH).read_text(encoding="utf-8")


def render_static_site(template: str, manifest: str, catalog: str) -> str:
    """dbt's page with the two artifacts inlined safely; raises if it would not boot."""
    for placeholder in (MANIFEST_PLACEHOLDER, CATALOG_PLACEHOLDER):
        if template.count(placeholder) != 1:
            raise DocsSiteError(
                f"dbt's docs template changed: expected {placeholder[:40]!r} once "
                "(update ingestion/docs_site.py for this dbt version)"
            )
    page = template.replace(MANIFEST_PLACEHOLDER, inline_json(manifest)).replace(
        CATALOG_PLACEHOLDER, inline_json(catalog)
    )
    expected, found = script_tags(template), script_tags(page)
    if found != expected:
        raise DocsSiteError(
            f"the docs page would break: script tags (open, close) {found} instead of "
            f"{expected} (markup in the inlined manifest or catalog)"
        )
    return page


def write_static_site(target_dir: Path) -> Path:
    """Build ``<target>/static_index.html`` from the manifest and catalog dbt wrote there."""
    artifacts = {name: target_dir / f"{name}.json" for name in ("manifest", "catalog")}
    for path in artifacts.values():
        if not path.is_file():
            raise DocsSiteError(f"{path} is missing: run `dbt docs generate` first")
    page = render_static_site(
        dbt_docs_template(),
        artifacts["manifest"].read_text(encoding="utf-8"),
        artifacts["catalog"].read_text(encoding="utf-8"),
    )
    site = target_dir / SITE_FILE
    partial = site.with_suffix(".html.partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(site)
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingestion.docs_site", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--no-generate", action="store_true", help="reuse target/manifest.json and catalog.json"
    )
    args = parser.parse_args(argv)
    target_dir = LocalPaths.resolve().dbt_target
    if not args.no_generate:
        dbt = Path(sys.executable).parent / "dbt"
        result = subprocess.run([str(dbt), "docs", "generate"], cwd=REPO_ROOT, check=False)
        if result.returncode != 0:
            print(f"docs: dbt docs generate failed (exit {result.returncode})", file=sys.stderr)
            return result.returncode
    try:
        site = write_static_site(target_dir)
    except DocsSiteError as exc:
        print(f"docs: {exc}", file=sys.stderr)
        return 2
    print(f"docs: static site written to {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
