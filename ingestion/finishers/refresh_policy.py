"""Which known pages to re-check tonight, and how (conditional GET or skip), and why.

Next.js' ETag changes at every site deployment, so conditional requests alone do not
make a nightly refresh cheap. When the site map gives a page a ``<lastmod>``, it is
trusted: the page is re-checked only when its lastmod is newer than its last check, plus
a safety re-check once every ``lastmod_recheck_after`` (30 days), spread evenly over the
nights by a stable hash of the slug. Without a lastmod the re-check interval is learned
from the page's own history and its event's dates (:mod:`.adaptive`). Failed pages back off
across nights (:mod:`.backoff`). Every decision carries a reason (counted in the run
summary) and a priority (:mod:`.priority`), so that a request budget cuts the least useful
re-checks. ``--refresh all`` re-checks everything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from ingestion.raw_tables import row_type

from . import settings
from .adaptive import change_probability, change_rate, recheck_interval, waited
from .backoff import MISSING_REASONS, retry_wait_nights
from .columns import PAGE_COLUMNS
from .priority import Rank, event_weight, expected_value


class Action(StrEnum):
    FETCH = "fetch"  # never seen: plain GET
    CHECK = "check"  # known: conditional GET (ETag / Last-Modified)
    SKIP = "skip_fresh"  # checked recently enough


# A row of ``raw_finishers.pages`` read back at the start of a run (columns.PAGE_COLUMNS):
# ``check_count`` counts definitive answers (200/304) since first seen, ``change_count``
# those whose content hash differed from the previous one.
PageState = row_type("PageState", PAGE_COLUMNS, frozen=True, is_listed=True)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC).date()


@dataclass(frozen=True, slots=True)  # one per due page of the night: no __dict__
class Decision:
    action: Action
    why: str
    reason: str = ""  # short code, counted per run (``new``, ``due: upcoming``, ``backoff``...)
    rank: Rank = Rank.RECHECK
    value: float = 0.0  # expected value of a re-check (priority among RECHECK pages)


# The decisions that carry nothing of their page, shared by all (a first crawl has one
# per event of the catalogue).
NEW = Decision(Action.FETCH, "new", "new", Rank.NEW, 1.0)
RETRY = Decision(Action.CHECK, "retry after failure", "retry failed", Rank.RETRY)
REFRESH_ALL = Decision(Action.CHECK, "refresh all", "refresh all", Rank.RECHECK, 1.0)
LASTMOD_NOT_NEWER = Decision(Action.SKIP, "site-map lastmod not newer than last check", "lastmod")
FRESH = Decision(Action.SKIP, "checked recently", "fresh")

EventDates = tuple[date | None, date | None]
NO_DATES: EventDates = (None, None)


@dataclass(frozen=True)
class RefreshPolicy:
    lastmod_recheck_after: timedelta = timedelta(days=settings.LASTMOD_RECHECK_DAYS)
    refresh_all: bool = False

    def describe(self) -> str:
        if self.refresh_all:
            return "refresh all: every selected page re-checked with a conditional GET"
        return (
            f"new, relisted and site-map-lastmod-newer-or-moved pages always; failed pages "
            f"after 1, 2, 4... nights (gone after {settings.GONE_AFTER_NIGHTS} nights of "
            f"404/410); pages with a lastmod otherwise only in a safety re-check every "
            f"{self._cycle_days()} d (nightly slug-hash bucket); pages without one adaptive: "
            f"nightly when the event starts within {settings.UPCOMING_DAYS} d, else when "
            f"P(changed) >= {settings.RECHECK_PROBABILITY:g} from the page's change history, "
            f"at most every {settings.MAX_INTERVAL_NIGHTS} nights "
            f"({settings.EDITION_OVER_INTERVAL_NIGHTS} once the edition is over); "
            f"known pages via conditional GET"
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

    def decide(
        self,
        state: PageState | None,
        lastmod: datetime | None,
        now: datetime,
        dates: EventDates = NO_DATES,
    ) -> Decision:
        """What to do with one site-map entry tonight; ``dates``: its event's start and end."""
        if state is None:
            return NEW
        if state.last_outcome == "gone":
            if waited(state.last_attempt_at, now, settings.BACKOFF_MAX_NIGHTS):
                return Decision(
                    Action.CHECK, "gone: periodic re-check", "gone re-check", Rank.RETRY
                )
            return Decision(Action.SKIP, "gone (404/410 on consecutive nights)", "gone")
        failing = state.last_outcome == "failed" or (
            state.last_outcome == "rejected" and state.last_reason in MISSING_REASONS
        )
        if failing and not self.refresh_all:
            nights = (
                1
                if state.last_outcome == "rejected"
                else retry_wait_nights(state.consecutive_failures)
            )
            if not waited(state.last_attempt_at, now, nights):
                return Decision(Action.SKIP, f"backing off ({nights} nights)", "backoff")
            return RETRY
        if state.last_outcome == "failed":
            return RETRY
        if self.refresh_all:
            return REFRESH_ALL
        if not state.is_listed:
            return Decision(Action.CHECK, "back in the site map", "relisted", Rank.RELISTED)
        if state.last_checked_at is None:
            return Decision(Action.CHECK, "never checked", "never checked", Rank.RELISTED)
        if lastmod is not None and lastmod > state.last_checked_at:
            return Decision(
                Action.CHECK, "site-map lastmod newer than last check", "lastmod moved",
                Rank.LASTMOD_MOVED,
            )  # fmt: skip
        # A date-only <lastmod> reads as midnight: a page changed later on the day of its
        # last check keeps a lastmod older than that check. Its value moving is enough.
        if lastmod is not None and state.sitemap_lastmod not in (None, lastmod):
            return Decision(
                Action.CHECK, "site-map lastmod moved since last check", "lastmod moved",
                Rank.LASTMOD_MOVED,
            )  # fmt: skip
        rate = change_rate(state.change_count, _days(state.first_seen_at, state.last_checked_at))
        value = expected_value(
            change_probability(rate, state.last_checked_at, now), event_weight(*dates, now)
        )
        if lastmod is not None:
            if self.recheck_bucket_due(state.slug, state.last_checked_at, now):
                return Decision(
                    Action.CHECK, "safety re-check (lastmod unchanged)", "safety re-check",
                    Rank.RECHECK, value,
                )  # fmt: skip
            return LASTMOD_NOT_NEWER
        interval = recheck_interval(rate, *dates, now)
        if not waited(state.last_checked_at, now, interval.nights):
            return FRESH
        why = f"due: {interval.reason} ({interval.nights} nights)"
        return Decision(Action.CHECK, why, f"due: {interval.reason}", Rank.RECHECK, value)


def _days(start: datetime | None, end: datetime | None) -> float:
    if start is None or end is None:
        return 0.0
    return max((end - start).total_seconds() / 86400, 0.0)


def fixed_rule_due(state: PageState, now: datetime) -> bool:
    """The former rule without a lastmod (20 h, or 7 d once unchanged for 30 d).

    Kept only so the benchmark can compare it with the adaptive policy.
    """
    if state.last_checked_at is None:
        return True
    stable_since = state.content_changed_at or state.first_seen_at
    interval = timedelta(hours=settings.RECHECK_AFTER_HOURS)
    if stable_since is not None and now - stable_since >= timedelta(
        days=settings.STABLE_AFTER_DAYS
    ):
        interval = timedelta(hours=settings.STABLE_RECHECK_AFTER_HOURS)
    return now - state.last_checked_at >= interval
