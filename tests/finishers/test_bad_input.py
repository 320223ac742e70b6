"""Bad input never stops a run: each bad page ends in a reject with the right reason."""

from __future__ import annotations

import pytest

from ingestion.finishers.crawl import run_crawl
from ingestion.finishers.parser import PageRejected, parse_event_page
from ingestion.finishers.snapshot.server import serve_site

from .conftest import Query
from .helpers import BAD_PAGES, HTTP_FAULTS_EXPECTED, SNAPSHOT_SLUGS, bad_site


@pytest.mark.parametrize("slug", list(BAD_PAGES))
def test_bad_page_is_rejected_with_its_reason(slug: str) -> None:
    body, reason, severity = BAD_PAGES[slug]
    if severity == "page":
        with pytest.raises(PageRejected) as err:
            parse_event_page(body, slug)
        assert err.value.reason == reason
        return
    page = parse_event_page(body, slug)
    assert [i.reason for i in page.issues][:1] == ([reason] if reason else [])
    assert page.event["id"] and page.event["name"]


def test_nulled_fields_fall_back_or_stay_null() -> None:
    nan = parse_event_page(BAD_PAGES["bad-nan-coordinates"][0], "x").event
    # the exact point is unusable: the town centre is used instead
    assert (nan["latitude"], nan["coordinates_precision"]) == (48.0732, "city")
    neg = parse_event_page(BAD_PAGES["bad-negative-distance"][0], "x")
    assert neg.races[0]["distance"] is None and neg.races[1]["distance"] == 23
    no_id = parse_event_page(BAD_PAGES["bad-race-without-id"][0], "x")
    assert len(no_id.races) == 2
    no_list = parse_event_page(BAD_PAGES["bad-races-not-a-list"][0], "x")
    assert no_list.races == []


def test_bad_site_run_rejects_every_bad_page_and_lands_the_good_ones(
    warehouse_env: dict[str, str], query: Query
) -> None:
    foreign_loc = "https://evil.example/course/phishing"
    with serve_site(bad_site([foreign_loc])) as site:
        summary = run_crawl(base_url=site.base_url)
        assert "evil.example" not in str(site.request_headers)
        # 429/500 were retried with back-off (FINISHERS_MAX_ATTEMPTS=3)
        assert site.paths["/course/bad-429"] == 3 and site.paths["/course/bad-500"] == 3
        rejects_after_first = query("select count(*) from raw_finishers.rejects")[0][0]
        site.reset_counters()
        again = run_crawl(base_url=site.base_url)
        retried = {p for p in site.paths if p.startswith("/course/")}
    # only the failed fetches are tried again; rejected content is not re-reported
    assert retried == {f"/course/{s}" for s, (_, t) in HTTP_FAULTS_EXPECTED.items() if t}
    assert (again.failed, again.rejected - 1, again.field_rejects, again.new) == (3, 0, 0, 0)
    assert query("select count(*) from raw_finishers.rejects")[0][0] == rejects_after_first + 4

    page_bad = [s for s, (_, _, sev) in BAD_PAGES.items() if sev == "page"]
    field_bad = [s for s, (_, _, sev) in BAD_PAGES.items() if sev != "page"]
    transient = [s for s, (_, t) in HTTP_FAULTS_EXPECTED.items() if t]
    assert summary.failed == len(transient)
    assert summary.rejected == len(page_bad) + len(HTTP_FAULTS_EXPECTED) - len(transient) + 1
    assert summary.new == len(SNAPSHOT_SLUGS) + len(field_bad)
    assert summary.status == "ok"

    rejects = {
        (slug, reason, severity)
        for slug, reason, severity in query(
            "select slug, reason, severity from raw_finishers.rejects"
        )
    }
    for slug, (_, reason, severity) in BAD_PAGES.items():
        if reason:
            assert (slug, reason, severity) in rejects
    for slug, (reason, _) in HTTP_FAULTS_EXPECTED.items():
        assert (slug, reason, "page") in rejects
    assert (None, "foreign_host", "page") in rejects

    landed = dict(query("select slug, name from raw_finishers.events"))
    assert set(SNAPSHOT_SLUGS) <= set(landed)
    assert not set(page_bad) & set(landed)
    assert landed["bad-sql-looking-strings"] == "Robert'); DROP TABLE raw_finishers.events;--"
    assert landed["bad-html-script-in-name"] == "Trail des Crêtes"  # cleaned at parse time
    ((lat, precision),) = query(
        "select latitude, coordinates_precision from raw_finishers.events "
        "where slug = 'bad-nan-coordinates'"
    )
    assert (lat, precision) == (48.0732, "city")
    outcomes = dict(query("select slug, last_outcome from raw_finishers.pages"))
    assert {outcomes[s] for s in transient} == {"failed"}
    assert outcomes["bad-404"] == "rejected"
