"""Upgrade step: events landed by an older parser (markup in names, no text description)
are re-cleaned in place from what the warehouse holds; nothing is fetched or lost."""

from __future__ import annotations

from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.reclean import reclean
from ingestion.finishers.snapshot.build_snapshot import SITE_DIR
from ingestion.finishers.snapshot.server import serve_site
from tests.dbt.helpers import execute

from .conftest import Query

SLUGS = ["trail-des-cretes-vosgiennes", "marathon-d-ajaccio"]


def test_rows_of_an_older_parser_are_recleaned_in_place(
    warehouse_env: dict[str, str], query: Query
) -> None:
    with serve_site(SITE_DIR) as site:
        run_crawl(base_url=site.base_url, slugs=SLUGS)
        # what the older parser landed: names as published, no text forms, no page_slug
        execute(
            "update raw_finishers.events set page_slug = null, description_text = null,"
            " description_html = null,"
            " name = '&lt;script&gt;alert(1)&lt;/script&gt;' || name"
            " where slug = 'marathon-d-ajaccio'"
        )
        execute(
            "update raw_finishers.races set formatted_title = '<b>' || formatted_title || '</b>'"
            " where event_id in (select id from raw_finishers.events where page_slug is null)"
        )
        before = dict(query("select slug, content_hash from raw_finishers.events"))
        assert reclean() == 1
        assert reclean() == 0  # nothing left to do
        rows = query(
            "select name, description_text, description_html, page_slug, content_hash"
            " from raw_finishers.events where slug = 'marathon-d-ajaccio'"
        )
        ((name, text, html, page_slug, digest),) = rows
        assert name == "Marathon d'Ajaccio" and page_slug == "marathon-d-ajaccio"
        assert text.endswith("Sanguinaires.\nMarathon\nSemi")
        assert html.endswith("<ul><li>Marathon</li><li>Semi</li></ul>")
        assert digest == before["marathon-d-ajaccio"]
        titles = query(
            "select r.formatted_title from raw_finishers.races as r"
            " join raw_finishers.events as e on r.event_id = e.id"
            " where e.slug = 'marathon-d-ajaccio'"
        )
        assert titles and not any("<" in t for (t,) in titles)
        # the next crawl finds the content unchanged: nothing re-landed, nothing lost
        again = run_crawl(base_url=site.base_url, slugs=SLUGS, refresh="all")
    assert (again.new, again.changed) == (0, 0)
    assert query("select count(*) from raw_finishers.events")[0][0] == len(SLUGS)
