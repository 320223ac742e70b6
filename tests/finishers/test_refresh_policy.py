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
    assert POLICY.decide(page(25), None, NOW).action is Action.CHECK


def test_long_unchanged_pages_are_rechecked_weekly() -> None:
    stable = page(25, changed_days_ago=90)
    assert POLICY.decide(stable, None, NOW).action is Action.SKIP
    assert POLICY.decide(page(24 * 8, changed_days_ago=90), None, NOW).action is Action.CHECK


def test_failures_relisting_lastmod_and_refresh_all_force_a_check() -> None:
    assert POLICY.decide(page(1, last_outcome="failed"), None, NOW).why == "retry after failure"
    assert POLICY.decide(page(1, is_listed=False), None, NOW).action is Action.CHECK
    fresh = page(1)
    assert POLICY.decide(fresh, NOW - timedelta(minutes=5), NOW).action is Action.CHECK
    assert POLICY.decide(fresh, NOW - timedelta(days=3), NOW).action is Action.SKIP
    assert RefreshPolicy(refresh_all=True).decide(fresh, None, NOW).action is Action.CHECK


def test_the_policy_explains_itself_in_one_line() -> None:
    text = POLICY.describe()
    assert "20 h" in text and "168 h" in text and "\n" not in text
    assert "refresh all" in RefreshPolicy(refresh_all=True).describe()
