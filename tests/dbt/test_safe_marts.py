"""What the app reads is safe, on both warehouses: the XSS corpus served to the real crawler
and built with dbt comes out inert in every mart column, and the dbt `no_markup` test
fails when markup does reach a mart."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.snapshot.server import serve_site
from ingestion.geocoding import run_geocoding
from tests.finishers.xss_corpus import XSS_VECTORS, inert_html, inert_text, safe_link, xss_site

from .helpers import BUILD_WITHOUT_UNIT_TESTS, MARTS, execute, query, records, relation, run_dbt

pytestmark = pytest.mark.slow

URL_COLUMNS = {"url", "website_url", "registration_url", "image_url"}
HTML_COLUMNS = {"description_html"}


def test_xss_corpus_is_inert_in_every_mart_column(
    warehouse_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINISHERS_CRAWL_DELAY", "0")
    monkeypatch.setenv("GEOCODER", "offline")
    with serve_site(xss_site()) as site:
        summary = run_crawl(base_url=site.base_url)
    assert summary.status == "ok" and summary.new == len(XSS_VECTORS), summary
    run_geocoding()
    output = run_dbt(BUILD_WITHOUT_UNIT_TESTS, tmp_path)  # the no_markup data tests pass
    assert "PASS no_markup_poi " in output and "PASS no_markup_address " in output

    poi = relation("bouge", "poi")
    assert query(f"select count(*) from {poi}")[0][0] == len(XSS_VECTORS)
    checked = 0
    for mart in MARTS:
        for row in records(f"select * from {relation('bouge', mart)}"):
            for column, value in row.items():
                if not isinstance(value, str):
                    continue
                checked += 1
                if column in URL_COLUMNS:
                    assert safe_link(value), (mart, column, value)
                elif column in HTML_COLUMNS:
                    assert inert_html(value), (mart, column, value)
                else:
                    assert inert_text(value), (mart, column, value)
    assert checked > 20 * len(XSS_VECTORS)
    # the text around the vectors survives; the links that were not http(s) are gone
    names = [r[0] for r in query(f"select name from {poi} order by name")]
    assert all(name.startswith("Trail ") for name in names)
    assert query(f"select count(*) from {poi} where website_url is not null")[0][0] == 0
    rejects = {r[0] for r in query("select reason from raw_finishers.rejects")}
    assert {"validation: links.website", "validation: race.registration_url"} <= rejects

    # the data test can fail: markup written straight into the mart is caught, and each
    # failing row names its column (the test's stored failures)
    check = ["test", "--select", "poi,test_name:no_markup", "--store-failures"]
    failures = relation("dbt_test__audit", "no_markup_poi")
    execute(f"update {poi} set name = 'Trail <img src=x onerror=alert(1)>'")
    failed = run_dbt(check, tmp_path, check=False)
    assert "Failure in test no_markup_poi " in failed, failed[-3000:]
    named = query(f"select failing_column, count(*) from {failures} group by failing_column")
    assert named == [("name", len(XSS_VECTORS))]

    # sanitized HTML: the allowlist passes; a tag outside it fails, also when removing the
    # allowed tags is what forms it (Postgres checks a first pass, tag_outside, before)
    hostile = [
        "<p>ok</p><script>alert(1)</script>",
        "<<p>img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)" rel="nofollow noopener">x</a>',
        "<p>ok</p><!-- x -->",
    ]
    allowed = (
        '<p><strong>ok</strong><br></p><a href="https://a.example/" rel="nofollow noopener">a</a>'
    )
    ids = [r[0] for r in query(f"select poi_id from {poi} order by poi_id")]
    execute(f"update {poi} set name = 'Trail', description_html = '{allowed}'")
    for poi_id, html in zip(ids, hostile, strict=False):
        quoted = html.replace("'", "''")
        execute(f"update {poi} set description_html = '{quoted}' where poi_id = '{poi_id}'")
    failed = run_dbt(check, tmp_path, check=False)
    report = failed.split("Failure in test no_markup_poi ")
    assert len(report) == 2 and f"Got {len(hostile)} results" in report[1][:400], failed[-3000:]
    caught = query(f"select failing_column, failing_value from {failures}")
    assert sorted(caught) == sorted(("description_html", html) for html in hostile)
