"""The pure decisions of a night: adaptive interval, back-off, priority, budget, guards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ingestion.finishers import settings
from ingestion.finishers.adaptive import change_rate, learned_nights, recheck_interval, waited
from ingestion.finishers.backoff import is_gone, next_failure_count, retry_wait_nights
from ingestion.finishers.budget import RunBudget, derived_max_requests
from ingestion.finishers.crawl_state import EventState
from ingestion.finishers.guards import RejectGuard, shrink_anomaly, would_unlist
from ingestion.finishers.plan import plan_night
from ingestion.finishers.priority import Rank, event_weight
from ingestion.finishers.refresh_policy import PageState, RefreshPolicy
from ingestion.finishers.sitemap import SitemapEntry

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
TODAY = NOW.date()


def test_the_learned_rate_follows_the_history_and_bounds_the_interval() -> None:
    assert change_rate(0, 0) == settings.PRIOR_CHANGES / settings.PRIOR_DAYS  # a new page
    assert change_rate(0, 365) < change_rate(0, 30) < change_rate(3, 30) < change_rate(30, 30)
    assert learned_nights(change_rate(30, 30)) == 1  # changes daily: every night
    assert learned_nights(change_rate(0, 365)) == settings.MAX_INTERVAL_NIGHTS  # capped
    assert 1 < learned_nights(change_rate(3, 30)) < settings.MAX_INTERVAL_NIGHTS


def test_the_event_date_overrides_the_learned_interval() -> None:
    still = change_rate(0, 365)
    in_days = [recheck_interval(still, TODAY + timedelta(days=d), None, NOW) for d in (0, 30, 60)]
    assert [(i.nights, i.reason) for i in in_days] == [
        (1, "upcoming"),
        (1, "upcoming"),
        (3, "soon"),
    ]
    under_way = recheck_interval(still, TODAY - timedelta(days=1), TODAY + timedelta(days=1), NOW)
    assert under_way.reason == "upcoming"
    over = recheck_interval(still, TODAY - timedelta(days=40), TODAY - timedelta(days=39), NOW)
    assert (over.nights, over.reason) == (settings.EDITION_OVER_INTERVAL_NIGHTS, "edition_over")
    year_ago = TODAY - timedelta(days=settings.NEW_EDITION_DUE_DAYS + 5)
    assert recheck_interval(still, year_ago, year_ago, NOW).reason == "new_edition_due"
    busy = change_rate(20, 30)  # an edition that is over but whose page keeps moving
    assert recheck_interval(busy, year_ago, year_ago, NOW).nights == 1
    assert recheck_interval(still, None, None, NOW).reason == "max_interval"


def test_a_night_allows_a_run_that_starts_a_little_earlier() -> None:
    assert waited(NOW - timedelta(hours=21), NOW, 1)
    assert not waited(NOW - timedelta(hours=12), NOW, 1)
    assert waited(NOW - timedelta(hours=24 * 3 - 2), NOW, 3)
    assert waited(None, NOW, 5) and waited(NOW, NOW, 0)


def test_failures_back_off_1_2_4_nights_capped_and_404s_make_a_page_gone() -> None:
    waits = [retry_wait_nights(k) for k in range(1, 9)]
    assert waits == [0, 1, 2, 4, 8, 16, 16, 16]
    assert settings.BACKOFF_MAX_NIGHTS == 16
    assert next_failure_count(None, 0, "http_500") == 1
    assert next_failure_count("timeout", 2, "http_503") == 3
    assert next_failure_count("http_500", 4, "http_404") == 1  # from failing to missing
    assert next_failure_count("http_404", 2, "http_410") == 3
    assert not is_gone(2) and is_gone(settings.GONE_AFTER_NIGHTS)


def _page(slug: str, hours_ago: float, **kw: object) -> PageState:
    values: dict[str, object] = {
        "slug": slug,
        "event_id": slug,
        "first_seen_at": NOW - timedelta(days=60),
        "last_checked_at": NOW - timedelta(hours=hours_ago),
        "last_outcome": "unchanged",
        "check_count": 10,
        **kw,
    }
    return PageState(**values)  # type: ignore[arg-type]


def test_the_plan_takes_pages_by_priority_and_defers_the_rest_to_the_budget() -> None:
    lastmod_slug = "lastmod-moved"
    entries = [SitemapEntry(s, f"https://x/course/{s}") for s in (
        "stale-old-edition", "upcoming", "new", "changing", "relisted", "failed", "fresh",
    )] + [SitemapEntry(lastmod_slug, "https://x/course/l", NOW - timedelta(hours=1))]  # fmt: skip
    pages = {
        "stale-old-edition": _page("stale-old-edition", 24 * 20),
        "upcoming": _page("upcoming", 22),
        "changing": _page("changing", 24 * 2, change_count=8),
        "relisted": _page("relisted", 24 * 3, is_listed=False),
        "failed": _page("failed", 24, last_outcome="failed", consecutive_failures=1),
        "fresh": _page("fresh", 2),
        lastmod_slug: _page(lastmod_slug, 24, sitemap_lastmod=NOW - timedelta(days=9)),
    }
    events = {
        "stale-old-edition": EventState(
            edition_start_date=TODAY - timedelta(days=90), edition_end_date=None
        ),
        "upcoming": EventState(edition_start_date=TODAY + timedelta(days=5)),
    }
    plan = plan_night(entries, pages, events, RefreshPolicy(), NOW)
    order = [entry.slug for entry, _, _ in plan.todo]
    assert order == [
        "new", "relisted", lastmod_slug, "failed", "upcoming", "changing", "stale-old-edition",
    ]  # fmt: skip
    assert [d.rank for _, _, d in plan.todo][:4] == [
        Rank.NEW, Rank.RELISTED, Rank.LASTMOD_MOVED, Rank.RETRY,
    ]  # fmt: skip
    assert plan.skipped == {"fresh": 1}
    assert plan.checked["due: upcoming"] == 1 and plan.checked["due: edition_over"] == 1

    cut = plan_night(entries, pages, events, RefreshPolicy(), NOW, max_pages=5)
    assert [e.slug for e, _, _ in cut.todo] == order[:5]
    assert [e.slug for e, _, _ in cut.deferred] == order[5:] and cut.deferred_new == 0
    text = cut.describe()
    assert "checked: " in text and "skipped: fresh 1" in text
    assert "deferred by the request budget: 2" in text


def test_an_upcoming_event_is_worth_more_than_one_that_ended() -> None:
    assert (
        event_weight(TODAY + timedelta(days=7), None, NOW)
        > event_weight(TODAY + timedelta(days=60), None, NOW)
        > event_weight(TODAY - timedelta(days=60), None, NOW)
        == event_weight(None, None, NOW)
    )


def test_the_request_budget_is_derived_from_the_time_budget() -> None:
    assert derived_max_requests(7200, 1.5) == 4320  # 90 % of 2 h at 1.5 s a request
    assert derived_max_requests(7200, 0) is None  # no delay (local server): time only
    budget = RunBudget(max_runtime_s=None, max_requests=100)
    assert budget.pages_allowed(2) == 98 and budget.pages_allowed(500) == 1  # always progress
    assert budget.spent(99) is None and budget.spent(100) == "requests"
    assert RunBudget(max_runtime_s=0.0).spent(0) == "time"
    assert RunBudget().pages_allowed(10**6) is None and "backfill" in RunBudget().describe()


def test_the_shrink_guard_believes_small_changes_only() -> None:
    assert shrink_anomaly(233, 213, 20, 0.2) is not None
    assert "213 of 233" in (shrink_anomaly(233, 213, 20, 0.2) or "")
    assert shrink_anomaly(233, 46, 187, 0.2) is None  # 19.7 %
    assert shrink_anomaly(233, 47, 186, 0.2) is not None  # 20.2 %
    assert shrink_anomaly(0, 0, 0, 0.2) is not None  # an empty site map, even on a first run
    assert shrink_anomaly(0, 0, 5, 0.2) is None


def test_the_redesign_guard_judges_a_share_once_enough_pages_were_read() -> None:
    guard = RejectGuard(max_share=0.2, min_pages=20)
    for _ in range(19):
        guard.record("no_next_data")
    assert guard.anomaly() is None  # too few pages to judge
    guard.record(None)
    assert "19 of 20" in (guard.anomaly() or "") and "no_next_data 19" in (guard.anomaly() or "")
    healthy = RejectGuard(max_share=0.2, min_pages=20)
    for i in range(100):
        healthy.record("invalid_json" if i % 5 == 0 else None)  # exactly 20 %
    assert healthy.anomaly() is None


def test_the_events_a_site_map_would_unlist_are_counted_through_their_pages() -> None:
    pages = {f"s{i}": PageState(slug=f"s{i}", event_id=f"e{i}") for i in range(10)}
    pages["renamed-old"] = PageState(slug="renamed-old", event_id="e3")  # two slugs, one event
    events = {f"e{i}": EventState(is_listed=True) for i in range(10)}
    events["e9"] = EventState(is_listed=False)  # already unlisted: not counted again
    listed = {"s0", "s1", "renamed-old", "brand-new"}
    assert would_unlist(pages, events, listed) == (9, 6, 4)  # e4..e8 and e2 go
