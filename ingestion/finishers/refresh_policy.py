"""Which known pages to re-check tonight, and how (conditional GET or skip).

Next.js' ETag changes at every site deployment, so conditional requests alone do not
make a nightly refresh cheap. When the site map gives a page a ``<lastmod>``, it is
trusted: the page is re-checked only when its lastmod is newer than its last check, plus
a safety re-check once every ``lastmod_recheck_after`` (30 days), spread evenly over the
nights by a stable hash of the slug. Without a lastmod the policy skips pages checked
recently and re-checks long-unchanged pages less often. ``--refresh all`` re-checks
everything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from . import settings


class Action(StrEnum):
    FETCH = "fetch"  # never seen: plain GET
    CHECK = "check"  # known: conditional GET (ETag / Last-Modified)
    SKIP = "skip_fresh"  # checked recently enough


@dataclass(frozen=True, slots=True)
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


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC).date()


@dataclass(frozen=True)
class Decision:
    action: Action
    why: str


@dataclass(frozen=True)
class RefreshPolicy:
    recheck_after: timedelta = timedelta(hours=settings.RECHECK_AFTER_HOURS)
    stable_after: timedelta = timedelta(days=settings.STABLE_AFTER_DAYS)
    stable_recheck_after: timedelta = timedelta(hours=settings.STABLE_RECHECK_AFTER_HOURS)
    lastmod_recheck_after: timedelta = timedelta(days=settings.LASTMOD_RECHECK_DAYS)
    refresh_all: bool = False

    def describe(self) -> str:
        if self.refresh_all:
            return "refresh all: every selected page re-checked with a conditional GET"
        h = self.recheck_after.total_seconds() / 3600
        sh = self.stable_recheck_after.total_seconds() / 3600
        return (
            f"new, failed, relisted and site-map-lastmod-newer-or-moved pages always; pages with a "
            f"lastmod otherwise only in a safety re-check every {self._cycle_days()} d "
            f"(nightly slug-hash bucket); pages without one when last checked > {h:g} h ago "
            f"(> {sh:g} h if unchanged for {self.stable_after.days} d); known pages via "
            f"conditional GET"
        )

    def _cycle_days(self) -> int:
        return max(1, round(self.lastmod_recheck_after.total_seconds() / 86400))

    def recheck_bucket_due(self, slug: str, last_checked_at: datetime, now: datetime) -> bool:
        """The safety re-check of a page whose site-map lastmod has not moved.

        Night ``d`` (days since the epoch, UTC) re-checks the pages whose slug hashes to
        ``d mod cycle``: about 1/cycle of them, every night. A page checked less than half a
        cycle ago waits for its next turn (so a catalogue crawled in full is not re-checked
        the next nights), and one not checked for two cycles (missed nights) is due anyway.
        """
        cycle = self._cycle_days()
        age = now - last_checked_at
        if age >= 2 * self.lastmod_recheck_after:
            return True
        if age < self.lastmod_recheck_after / 2:
            return False
        bucket = int.from_bytes(hashlib.sha1(slug.encode()).digest()[:8], "big") % cycle
        night = (now.astimezone(UTC).date() - _EPOCH).days % cycle
        return bucket == night

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
        # A date-only <lastmod> reads as midnight: a page changed later on the day of its
        # last check keeps a lastmod older than that check. Its value moving is enough.
        if lastmod is not None and state.sitemap_lastmod not in (None, lastmod):
            return Decision(Action.CHECK, "site-map lastmod moved since last check")
        if lastmod is not None:
            if self.recheck_bucket_due(state.slug, state.last_checked_at, now):
                return Decision(Action.CHECK, "safety re-check (lastmod unchanged)")
            return Decision(Action.SKIP, "site-map lastmod not newer than last check")
        stable_since = state.content_changed_at or state.first_seen_at
        interval = self.recheck_after
        if stable_since is not None and now - stable_since >= self.stable_after:
            interval = self.stable_recheck_after
        if now - state.last_checked_at < interval:
            return Decision(Action.SKIP, "checked recently")
        return Decision(Action.CHECK, "due")
