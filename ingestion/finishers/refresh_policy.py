"""Which known pages to re-check tonight, and how (conditional GET or skip).

Next.js' ETag changes at every site deployment, so conditional requests alone do not
make a nightly refresh cheap; this policy skips pages checked recently and re-checks
long-unchanged pages less often, while ``--refresh all`` re-checks everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from . import settings


class Action(StrEnum):
    FETCH = "fetch"  # never seen: plain GET
    CHECK = "check"  # known: conditional GET (ETag / Last-Modified)
    SKIP = "skip_fresh"  # checked recently enough


@dataclass(frozen=True)
class PageState:
    """A row of ``raw_finishers.pages`` read back at the start of a run."""

    slug: str
    url: str | None = None
    event_id: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    sitemap_lastmod: datetime | None = None
    content_hash: str | None = None
    first_seen_at: datetime | None = None
    last_checked_at: datetime | None = None
    last_attempt_at: datetime | None = None
    content_changed_at: datetime | None = None
    last_outcome: str | None = None
    last_reason: str | None = None
    consecutive_failures: int = 0
    is_listed: bool = True


@dataclass(frozen=True)
class Decision:
    action: Action
    why: str


@dataclass(frozen=True)
class RefreshPolicy:
    recheck_after: timedelta = timedelta(hours=settings.RECHECK_AFTER_HOURS)
    stable_after: timedelta = timedelta(days=settings.STABLE_AFTER_DAYS)
    stable_recheck_after: timedelta = timedelta(hours=settings.STABLE_RECHECK_AFTER_HOURS)
    refresh_all: bool = False

    def describe(self) -> str:
        if self.refresh_all:
            return "refresh all: every selected page re-checked with a conditional GET"
        h = self.recheck_after.total_seconds() / 3600
        sh = self.stable_recheck_after.total_seconds() / 3600
        return (
            f"new, failed, relisted and site-map-lastmod-newer pages always; others when "
            f"last checked > {h:g} h ago (> {sh:g} h if unchanged for "
            f"{self.stable_after.days} d); known pages via conditional GET"
        )

    def decide(self, state: PageState | None, lastmod: datetime | None, now: datetime) -> Decision:
        if state is None:
            return Decision(Action.FETCH, "new")
        if state.last_outcome == "failed":
            return Decision(Action.CHECK, "retry after failure")
        if self.refresh_all:
            return Decision(Action.CHECK, "refresh all")
        if not state.is_listed:
            return Decision(Action.CHECK, "back in the site map")
        if state.last_checked_at is None:
            return Decision(Action.CHECK, "never checked")
        if lastmod is not None and lastmod > state.last_checked_at:
            return Decision(Action.CHECK, "site-map lastmod newer than last check")
        stable_since = state.content_changed_at or state.first_seen_at
        interval = self.recheck_after
        if stable_since is not None and now - stable_since >= self.stable_after:
            interval = self.stable_recheck_after
        if now - state.last_checked_at < interval:
            return Decision(Action.SKIP, "checked recently")
        return Decision(Action.CHECK, "due")
