"""Tonight's plan: which site-map entries to request, in which order, within the budget.

Pure: the refresh policy decides each entry, due entries are sorted by priority
(:mod:`.priority`), and a page budget keeps the first ones; the rest stay due (the next
night takes them first, as they are then more overdue). Counts per reason say what was
chosen and why (``ingest_runs.refresh_policy``).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from .columnar import RowSequence
from .fetch_loop import Todo
from .priority import Rank, sort_key
from .refresh_policy import NO_DATES, Action, Decision, EventDates, PageState, RefreshPolicy
from .sitemap import SitemapEntry


class Dated(Protocol):
    edition_start_date: date | None
    edition_end_date: date | None


class Planned(RowSequence[Todo]):
    """Entries to request, in order, with their page state and decision: held as their
    positions in the site map and the (mostly shared) decisions, read on access."""

    def __init__(
        self, entries: Sequence[SitemapEntry], pages: Mapping[str, PageState] | None = None
    ) -> None:
        self._entries = entries
        self._pages: Mapping[str, PageState] = pages if pages is not None else {}
        self._positions = array("i")
        self._decisions: list[Decision] = []

    def add(self, position: int, decision: Decision) -> None:
        self._positions.append(position)
        self._decisions.append(decision)

    def decisions(self) -> list[Decision]:
        return list(self._decisions)

    def __len__(self) -> int:
        return len(self._positions)

    def row(self, index: int) -> Todo:
        entry = self._entries[self._positions[index]]
        return entry, self._pages.get(entry.slug), self._decisions[index]


@dataclass
class NightPlan:
    todo: Planned = field(default_factory=lambda: Planned([]))
    deferred: Planned = field(default_factory=lambda: Planned([]))
    checked: Counter[str] = field(default_factory=Counter)  # reason → pages taken
    skipped: Counter[str] = field(default_factory=Counter)  # reason → pages not due

    @property
    def deferred_new(self) -> int:
        return sum(1 for d in self.deferred.decisions() if d.rank is Rank.NEW)

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
    listed = entries if isinstance(entries, Sequence) else list(entries)
    skipped: Counter[str] = Counter()
    positions, decisions = array("i"), []  # of the due entries
    for position, entry in enumerate(listed):
        page = pages.get(entry.slug)
        decision = policy.decide(page, entry.lastmod, now, event_dates(page, events))
        if decision.action is Action.SKIP:
            skipped[decision.reason] += 1
        else:
            positions.append(position)
            decisions.append(decision)
    order = sorted(
        range(len(positions)),
        key=lambda i: sort_key(decisions[i].rank, decisions[i].value, positions[i]),
    )
    keep = len(order) if max_pages is None else max(0, max_pages)
    plan = NightPlan(Planned(listed, pages), Planned(listed, pages), skipped=skipped)
    for index, i in enumerate(order):
        if index < keep:
            plan.todo.add(positions[i], decisions[i])
            plan.checked[decisions[i].reason] += 1
        else:
            plan.deferred.add(positions[i], decisions[i])
    return plan
