"""The refresh policy: what a nightly run re-checks, and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ingestion.finishers.refresh_policy import Action, PageState, RefreshPolicy

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
POLICY = RefreshPolicy()


def page(checked_hours_ago: float, changed_days_ago: float = 1, **kw: object) -> PageState:
    values: dict[str, object] = {
        "slug": "s",
        "etag": '"abc"',
        "last_checked_at": NOW - timedelta(hours=checked_hours_ago),
        "content_changed_at": NOW - timedelta(days=changed_days_ago),
        "last_outcome": "unchanged",
        **kw,
    }
    return PageState(**values)  # type: ignore[arg-type]


def test_new_pages_are_fetched_and_recent_ones_skipped() -> None:
    assert POLICY.decide(None, None, NOW).action is Action.FETCH
    assert POLICY.decide(page(2), None, NOW).action is Action.SKIP
    # unknown event date, no history: the prior (a change a month) waits at most 7 nights
    assert POLICY.decide(page(24 * 5), None, NOW).action is Action.SKIP
    due = POLICY.decide(page(24 * 7), None, NOW)
    assert due.action is Action.CHECK and due.reason == "due: max_interval"


def test_an_upcoming_event_is_rechecked_nightly_and_an_old_edition_rarely() -> None:
    soon = (NOW.date() + timedelta(days=10), None)
    over = (NOW.date() - timedelta(days=60), NOW.date() - timedelta(days=59))
    assert POLICY.decide(page(22), None, NOW, soon).reason == "due: upcoming"
    assert POLICY.decide(page(24 * 8), None, NOW, over).action is Action.SKIP
    assert POLICY.decide(page(24 * 14), None, NOW, over).reason == "due: edition_over"


def test_a_page_that_changes_often_is_rechecked_sooner_than_a_stable_one() -> None:
    seen = NOW - timedelta(days=60)
    busy = page(24 * 2, first_seen_at=seen, check_count=40, change_count=20)
    still = page(24 * 2, first_seen_at=seen, check_count=10, change_count=0)
    assert POLICY.decide(busy, None, NOW).reason == "due: learned"
    assert POLICY.decide(still, None, NOW).action is Action.SKIP
    # and it is worth more: a budget keeps it before a stable page that is due too
    stable_due = POLICY.decide(page(24 * 8, first_seen_at=seen, check_count=10), None, NOW)
    assert stable_due.action is Action.CHECK
    assert POLICY.decide(busy, None, NOW).value > stable_due.value


def test_failures_relisting_lastmod_and_refresh_all_force_a_check() -> None:
    assert POLICY.decide(page(1, last_outcome="failed"), None, NOW).why == "retry after failure"
    assert POLICY.decide(page(1, is_listed=False), None, NOW).action is Action.CHECK
    fresh = page(1)
    assert POLICY.decide(fresh, NOW - timedelta(minutes=5), NOW).action is Action.CHECK
    assert POLICY.decide(fresh, NOW - timedelta(days=3), NOW).action is Action.SKIP
    assert RefreshPolicy(refresh_all=True).decide(fresh, None, NOW).action is Action.CHECK


def test_a_failing_page_backs_off_and_a_gone_one_waits() -> None:
    def failing(count: int, hours_ago: float) -> PageState:
        return page(0, last_outcome="failed", consecutive_failures=count,
                    last_attempt_at=NOW - timedelta(hours=hours_ago))  # fmt: skip

    assert POLICY.decide(failing(1, 0.1), None, NOW).action is Action.CHECK  # next run
    assert POLICY.decide(failing(2, 12), None, NOW).reason == "backoff"
    assert POLICY.decide(failing(2, 21), None, NOW).action is Action.CHECK  # 1 night
    assert POLICY.decide(failing(3, 30), None, NOW).reason == "backoff"  # 2 nights
    assert POLICY.decide(failing(3, 45), None, NOW).action is Action.CHECK
    missing = page(0, last_outcome="rejected", last_reason="http_404", consecutive_failures=1,
                   last_attempt_at=NOW - timedelta(hours=2))  # fmt: skip
    assert POLICY.decide(missing, None, NOW).reason == "backoff"
    gone = page(0, last_outcome="gone", is_listed=False, last_attempt_at=NOW - timedelta(days=3))
    assert POLICY.decide(gone, None, NOW).reason == "gone"  # not "back in the site map"


def test_the_policy_explains_itself_in_one_line() -> None:
    text = POLICY.describe()
    assert "adaptive" in text and "within 30 d" in text and "\n" not in text
    assert "lastmod" in text and "every 30 d" in text
    assert "refresh all" in RefreshPolicy(refresh_all=True).describe()


def test_a_site_map_lastmod_is_trusted_when_not_newer_than_the_last_check() -> None:
    old_lastmod = NOW - timedelta(days=10)
    for hours in (24 * 7, 24 * 8):  # due without a lastmod, trusted with one
        assert POLICY.decide(page(hours), None, NOW).action is Action.CHECK
        decision = POLICY.decide(page(hours), old_lastmod, NOW)
        assert decision.action is Action.SKIP and "lastmod" in decision.why
    newer = POLICY.decide(page(25), NOW - timedelta(hours=1), NOW)
    assert newer.reason == "lastmod moved"
    assert newer.action is Action.CHECK and "newer" in newer.why
    # failures, relisting and --refresh all still win over a trusted lastmod
    assert POLICY.decide(page(25, last_outcome="failed"), old_lastmod, NOW).action is Action.CHECK
    assert POLICY.decide(page(25, is_listed=False), old_lastmod, NOW).action is Action.CHECK
    assert RefreshPolicy(refresh_all=True).decide(page(1), old_lastmod, NOW).action is Action.CHECK


def test_the_safety_recheck_spreads_every_page_evenly_over_the_cycle() -> None:
    slugs = [f"event-{i}" for i in range(3000)]
    checked_at = NOW - timedelta(days=20)  # older than half a cycle, younger than two
    lastmod = checked_at - timedelta(days=1)
    per_night = []
    nights_of: dict[str, list[int]] = {s: [] for s in slugs}
    for night in range(30):
        now = NOW + timedelta(days=night)
        due = [
            s
            for s in slugs
            if POLICY.decide(page(0, slug=s, last_checked_at=checked_at), lastmod, now).action
            is Action.CHECK
        ]
        per_night.append(len(due))
        for s in due:
            nights_of[s].append(night)
    assert all(len(nights) == 1 for nights in nights_of.values())  # once per 30 nights
    assert min(per_night) > 100 * 0.6 and max(per_night) < 100 * 1.4  # ~3000/30 a night
    why = POLICY.decide(page(0, slug=slugs[0], last_checked_at=checked_at), lastmod, NOW)
    assert why.why.startswith(("safety re-check", "site-map lastmod not newer"))


def test_the_safety_recheck_waits_half_a_cycle_and_never_more_than_two() -> None:
    lastmod = NOW - timedelta(days=90)
    slugs = [f"event-{i}" for i in range(300)]

    def due(days_ago: float) -> int:
        return sum(
            POLICY.decide(page(24 * days_ago, slug=s), lastmod, NOW).action is Action.CHECK
            for s in slugs
        )

    assert due(1) == 0 and due(14) == 0  # a fresh full crawl is not re-checked next nights
    assert 0 < due(16) < 30  # its bucket's share only
    assert due(60) == len(slugs)  # missed nights: every page past two cycles is due
    weekly = RefreshPolicy(lastmod_recheck_after=timedelta(days=1))
    assert all(weekly.decide(page(24, slug=s), lastmod, NOW).action is Action.CHECK for s in slugs)


def test_a_date_only_lastmod_that_moves_on_the_day_of_the_check_is_not_missed() -> None:
    """Crawled at 02:30, changed that afternoon: the site map says the same day, midnight."""
    checked_at = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
    seen = page(0, last_checked_at=checked_at, sitemap_lastmod=datetime(2026, 11, 19, tzinfo=UTC))
    same_day = datetime(2026, 11, 20, tzinfo=UTC)  # older than the check, but it moved
    for night in (21, 22, 25):
        now = datetime(2026, 11, night, 2, 30, tzinfo=UTC)
        decision = POLICY.decide(seen, same_day, now)
        assert decision.action is Action.CHECK and "moved" in decision.why
    unchanged = page(0, last_checked_at=checked_at, sitemap_lastmod=same_day)
    assert POLICY.decide(unchanged, same_day, datetime(2026, 11, 21, 2, 30, tzinfo=UTC)).action is (
        Action.SKIP
    )
