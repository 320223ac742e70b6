"""What one fetched page lands: the outcome rules, with no warehouse and no server."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ingestion.finishers.crawl_state import EventState
from ingestion.finishers.fetcher import FetchResult
from ingestion.finishers.outcome import Outcome, RunContext, page_outcome
from ingestion.finishers.parser import parse_event_page
from ingestion.finishers.refresh_policy import PageState
from ingestion.finishers.sitemap import SitemapEntry
from ingestion.finishers.snapshot.build_snapshot import SITE_DIR

from .helpers import page_of, variant

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
BEFORE = NOW - timedelta(days=1)
SLUG = "trail-des-cretes-vosgiennes"
URL = f"http://site.test/course/{SLUG}"
BODY = (SITE_DIR / "course" / f"{SLUG}.html").read_bytes()
PARSED = parse_event_page(BODY, SLUG)
EVENT_ID = PARSED.event_id
RUN = RunContext("run1", NOW - timedelta(minutes=5), frozenset({SLUG}))
ENTRY = SitemapEntry(SLUG, URL)

SEEN = PageState(
    slug=SLUG,
    url=URL,
    event_id=EVENT_ID,
    etag='"v1"',
    content_hash=PARSED.content_hash,
    first_seen_at=BEFORE,
    last_checked_at=BEFORE,
    last_outcome="unchanged",
    check_count=4,
    change_count=1,
)
LANDED = EventState(
    content_hash=PARSED.content_hash,
    is_listed=True,
    first_seen_at=BEFORE,
    last_seen_at=BEFORE,
    content_changed_at=BEFORE,
    slug=SLUG,
    page_slug=SLUG,
)


def ok(body: bytes = BODY, etag: str | None = '"v2"') -> FetchResult:
    return FetchResult(URL, status=200, body=body, etag=etag)


def outcome(
    result: FetchResult,
    old: PageState | None = SEEN,
    events: dict[str, EventState] | None = None,
    run: RunContext = RUN,
) -> Outcome:
    known = {EVENT_ID: LANDED} if events is None else events
    return page_outcome(ENTRY, old, result, known, run, NOW)


def gone_before(nights: int) -> PageState:
    return replace(
        SEEN, last_outcome="rejected", last_reason="http_404", consecutive_failures=nights
    )


CASES = {
    # name: (result, old page, known events) → (page outcome, summary counters, event landed)
    "new page": (ok(), None, {}, "new", {"fetched": 1, "new": 1}, True),
    "unchanged hash": (ok(), SEEN, None, "unchanged", {"fetched": 1, "unchanged": 1}, False),
    "changed hash": (
        ok(),
        SEEN,
        {EVENT_ID: replace(LANDED, content_hash="old")},
        "changed",
        {"fetched": 1, "changed": 1},
        True,
    ),
    "not modified": (
        FetchResult(URL, status=304),
        SEEN,
        None,
        "not_modified",
        {"not_modified": 1, "unchanged": 1},
        False,
    ),
    "404 once": (
        FetchResult(URL, status=404, error="http_404"),
        SEEN,
        None,
        "rejected",
        {"rejected": 1},
        False,
    ),
    "404 on the third night": (
        FetchResult(URL, status=404, error="http_404"),
        gone_before(2),
        None,
        "gone",
        {"gone": 1},
        False,
    ),
    "5xx": (
        FetchResult(URL, status=503, error="http_503", transient=True),
        SEEN,
        None,
        "failed",
        {"failed": 1},
        False,
    ),
    "redirect off the site": (
        FetchResult(URL, status=301, error="foreign_host", detail="to elsewhere.test"),
        SEEN,
        None,
        "rejected",
        {"rejected": 1},
        False,
    ),
    "not an event page": (
        ok(b"<html><body>Maintenance</body></html>"),
        SEEN,
        None,
        "rejected",
        {"fetched": 1, "rejected": 1},
        False,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_answer_gives_its_page_outcome_counters_and_rows(name: str) -> None:
    result, old, events, last_outcome, counts, lands_event = CASES[name]
    out = outcome(result, old, events)
    assert out.page["slug"] == SLUG and out.page["run_id"] == "run1"
    assert out.page["last_outcome"] == last_outcome
    assert out.page["last_attempt_at"] == NOW
    assert dict(out.counts) == counts
    assert (out.event is not None) is lands_event
    # every answer that is not an event is recorded in rejects, with the page
    assert bool(out.rejects) is (last_outcome in ("rejected", "gone", "failed"))


def test_a_new_page_lands_its_event_races_and_history() -> None:
    out = outcome(ok(), old=None, events={})
    assert out.event is not None and out.event["id"] == EVENT_ID
    assert out.event["first_seen_at"] == NOW and out.event["is_listed"] is True
    assert [r["id"] for r in out.races] == [r["id"] for r in PARSED.races]
    assert not any(r["is_deleted"] for r in out.races)
    assert out.page["first_seen_at"] == RUN.started_at  # the run's start, not the fetch
    assert (out.page["check_count"], out.page["change_count"]) == (1, 0)
    assert out.page["etag"] == '"v2"' and out.events[EVENT_ID].page_slug == SLUG
    assert out.downloaded and out.not_event_page is None and out.shows_event == EVENT_ID


def test_a_changed_event_counts_a_change_and_keeps_its_first_seen_date() -> None:
    out = outcome(ok(), events={EVENT_ID: replace(LANDED, content_hash="old")})
    assert out.event is not None and out.event["first_seen_at"] == BEFORE
    assert out.event["content_changed_at"] == NOW
    assert (out.page["check_count"], out.page["change_count"]) == (5, 2)


def test_an_unchanged_page_lands_nothing_but_its_state() -> None:
    out = outcome(ok())
    assert out.event is None and out.races == [] and out.rejects == []
    assert out.page["content_changed_at"] == BEFORE and out.page["last_checked_at"] == NOW


def test_an_unlisted_event_is_relanded_when_its_page_is_listed_again() -> None:
    unlisted = {EVENT_ID: replace(LANDED, is_listed=False)}
    out = outcome(ok(), events=unlisted)
    assert out.event is not None and out.event["is_listed"] is True
    # on a 304 the row is not at hand: the flip waits for the batch to read it back
    out = outcome(FetchResult(URL, status=304), events=unlisted)
    assert out.event is None
    assert out.listing == {EVENT_ID: {"is_listed": True, "last_seen_at": NOW}}
    assert out.events[EVENT_ID].is_listed is True
    assert out.page["etag"] == '"v1"'  # a 304 without validators keeps the known ones


def test_404_counts_nights_and_the_third_unlists_page_and_event() -> None:
    first = outcome(FetchResult(URL, status=404, error="http_404"))
    assert first.page["consecutive_failures"] == 1 and first.listing == {}
    assert first.page["etag"] is None  # a missing page forgets its validators
    third = outcome(FetchResult(URL, status=404, error="http_404"), old=gone_before(2))
    assert third.page["consecutive_failures"] == 3 and third.page["is_listed"] is False
    assert third.listing == {EVENT_ID: {"is_listed": False}}
    assert third.events[EVENT_ID].is_listed is False
    assert third.rejects[0]["reason"] == "http_404"


def test_a_failed_fetch_backs_off_and_keeps_the_last_check() -> None:
    result = FetchResult(URL, status=503, error="http_503", transient=True)
    out = outcome(result, old=replace(SEEN, last_reason="http_503", consecutive_failures=2))
    assert out.page["consecutive_failures"] == 3
    assert out.page["last_checked_at"] == BEFORE  # not a definitive answer
    assert out.rejects[0]["http_status"] == 503 and out.event is None


def test_a_page_that_is_not_an_event_feeds_the_redesign_guard() -> None:
    out = outcome(ok(b"<html><body>Maintenance</body></html>"))
    assert out.downloaded and out.not_event_page == out.rejects[0]["reason"]
    assert out.page["last_reason"] == out.not_event_page


def test_a_duplicate_event_id_loses_to_the_landed_canonical_page() -> None:
    other = SitemapEntry("old-slug", "http://site.test/course/old-slug")
    run = replace(RUN, listed=frozenset({SLUG, "old-slug"}))
    out = page_outcome(other, None, ok(), {EVENT_ID: LANDED}, run, NOW)
    assert out.event is None and out.rejects[0]["reason"] == "duplicate_event_id"
    assert out.page["event_id"] == EVENT_ID and out.downloaded and out.not_event_page is None
    # once the landed event is unlisted, a listed page takes over
    unlisted = {EVENT_ID: replace(LANDED, is_listed=False)}
    out = page_outcome(other, None, ok(), unlisted, run, NOW)
    assert out.event is not None and out.event["page_slug"] == "old-slug"


def test_an_unusable_field_is_nulled_and_recorded_as_a_field_reject() -> None:
    def far_away(props: dict) -> None:
        props["event"]["coordinates"] = {"lat": 999, "lng": 7}

    body = page_of(variant(SLUG, far_away)).encode()
    out = outcome(ok(body), old=None, events={})
    assert out.event is not None and out.counts["field_rejects"] == 1
    assert [r["severity"] for r in out.rejects] == ["field"]
    assert out.rejects[0]["event_id"] == out.event["id"]


def test_an_event_without_races_lands_a_tombstone() -> None:
    def no_races(props: dict) -> None:
        props["races"] = []

    out = outcome(ok(page_of(variant(SLUG, no_races)).encode()), old=None, events={})
    assert out.event is not None
    assert out.races == [
        {"event_id": out.event["id"], "id": "", "content_hash": out.event["content_hash"],
         "is_deleted": True}
    ]  # fmt: skip
