"""Tonight's plan: which site-map entries to request, in which order, within the budget.

Pure: the refresh policy decides each entry, due entries are sorted by priority
(:mod:`.priority`), and a page budget keeps the first ones; the rest stay due (the next
night takes them first, as they are then more overdue). Counts per reason say what was
chosen and why (``ingest_runs.refresh_policy``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from .priority import Rank, sort_key
from .refresh_policy import NO_DATES, Action, Decision, EventDates, PageState, RefreshPolicy
from .sitemap import SitemapEntry


class Dated(Protocol):
    edition_start_date: date | None
    edition_end_date: date | None


@dataclass
class NightPlan:
    todo: list[tuple[SitemapEntry, PageState | None, Decision]] = field(default_factory=list)
    deferred: list[tuple[SitemapEntry, PageState | None, Decision]] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)  # reason → pages taken
    skipped: Counter[str] = field(default_factory=Counter)  # reason → pages not due

    @property
    def deferred_new(self) -> int:
        return sum(1 for _, _, d in self.deferred if d.rank is Rank.NEW)

    def describe(self) -> str:
        """``checked: new 3, due: upcoming 40; skipped: fresh 900; deferred by budget: 12``."""

        def counts(counter: Counter[str]) -> str:
            return ", ".join(f"{k} {n}" for k, n in sorted(counter.items(), key=lambda i: -i[1]))

        parts = [f"checked: {counts(self.checked) or 'none'}"]
        if self.skipped:
            parts.append(f"skipped: {counts(self.skipped)}")
        if self.deferred:
            parts.append(f"deferred by the request budget: {len(self.deferred)}")
        return "; ".join(parts)


def event_dates(page: PageState | None, events: Mapping[str, Dated]) -> EventDates:
    event = events.get(page.event_id) if page is not None and page.event_id else None
    if event is None:
        return NO_DATES
    return (event.edition_start_date, event.edition_end_date)


def plan_night(
    entries: Iterable[SitemapEntry],
    pages: Mapping[str, PageState],
    events: Mapping[str, Dated],
    policy: RefreshPolicy,
    now: datetime,
    max_pages: int | None = None,
) -> NightPlan:
    """Decide every entry; keep at most ``max_pages`` due ones, best first."""
    plan = NightPlan()
    due: list[tuple[tuple[int, float, int], SitemapEntry, PageState | None, Decision]] = []
    for position, entry in enumerate(entries):
        page = pages.get(entry.slug)
        decision = policy.decide(page, entry.lastmod, now, event_dates(page, events))
        if decision.action is Action.SKIP:
            plan.skipped[decision.reason] += 1
        else:
            due.append((sort_key(decision.rank, decision.value, position), entry, page, decision))
    due.sort(key=lambda item: item[0])
    keep = len(due) if max_pages is None else max(0, max_pages)
    for index, (_, entry, page, decision) in enumerate(due):
        if index < keep:
            plan.todo.append((entry, page, decision))
            plan.checked[decision.reason] += 1
        else:
            plan.deferred.append((entry, page, decision))
    return plan
