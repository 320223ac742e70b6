"""Freshness simulation, in virtual time: how fresh each refresh policy keeps the catalogue,
and what it costs a night, without sleeping a single crawl delay.

A synthetic catalogue of N events (no ``<lastmod>`` in the site map) changes at uneven
rates, most of it in the weeks before an event; a fifth of the events never change; an
edition that is over is replaced by the next one some months later (a change too). It is
replayed night after night after a first full crawl, and three policies decide what to
re-check each night:

- ``all``: every page, every night;
- ``fixed``: the former rule (20 h, or 7 d once unchanged for 30 d), no budget;
- ``adaptive``: the crawler's own planning (``ingestion.finishers.plan.plan_night`` with
  the refresh policy and the request budget derived from ``FINISHERS_MAX_RUNTIME_S``).

A change made during day ``t`` is landed by the first check at night ``k > t``; its
latency is ``k - t`` nights. The oracle re-checks exactly the pages that changed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from ingestion.finishers import settings
from ingestion.finishers.budget import derived_max_requests
from ingestion.finishers.crawl_state import EventState
from ingestion.finishers.plan import plan_night
from ingestion.finishers.refresh_policy import PageState, RefreshPolicy, fixed_rule_due
from ingestion.finishers.sitemap import SitemapEntry

POLICIES = ("all", "fixed", "adaptive")
T0 = datetime(2027, 1, 1, 3, 0, tzinfo=UTC)  # night 0: the first full crawl
OVERHEAD_REQUESTS = 2  # robots.txt and the site map, every night


@dataclass(frozen=True)
class FreshnessConfig:
    n: int = 12_000
    nights: int = 60
    seed: int = 42
    crawl_delay_s: float = settings.DEFAULT_CRAWL_DELAY_S
    static_share: float = 0.2  # events that never change
    upcoming_share: float = 0.75  # events whose next edition is ahead on night 0
    # changes a day of an average event, by days until its edition starts
    rate_upcoming: float = 1 / 8  # 0-30 days
    rate_soon: float = 1 / 40  # 31-90 days
    rate_far: float = 1 / 200  # later
    rate_over: float = 1 / 365  # edition over, next one not announced yet
    rollover_days: tuple[int, int] = (30, 330)  # next edition announced this long after


@dataclass
class _Event:
    static: bool
    activity: float
    start: int  # day of its edition (night 0 = day 0)
    rollover_at: int  # day the next edition is announced (a change)
    version: int = 0


@dataclass
class _Tally:
    requests: list[int] = field(default_factory=list)
    # (day of the change, nights until landed or None, within 30 days of its event)
    latencies: list[tuple[int, int | None, bool]] = field(default_factory=list)


def _catalogue(cfg: FreshnessConfig) -> list[_Event]:
    rng = random.Random(cfg.seed)
    events = []
    for _ in range(cfg.n):
        start = rng.randint(0, 365) if rng.random() < cfg.upcoming_share else -rng.randint(1, 300)
        events.append(
            _Event(
                static=rng.random() < cfg.static_share,
                activity=rng.lognormvariate(0.0, 0.8),
                start=start,
                rollover_at=start + rng.randint(*cfg.rollover_days),
            )
        )
    return events


def _rate(cfg: FreshnessConfig, event: _Event, day: int) -> float:
    to_start = event.start - day
    if to_start < 0:
        base = cfg.rate_over
    elif to_start <= settings.UPCOMING_DAYS:
        base = cfg.rate_upcoming
    elif to_start <= settings.SOON_DAYS:
        base = cfg.rate_soon
    else:
        base = cfg.rate_far
    return min(0.9, base * event.activity)


def _changes_of_day(cfg: FreshnessConfig, events: list[_Event], day: int, rng: random.Random):
    """Apply day ``day``'s changes; yield (index, within 30 days of the event)."""
    for index, event in enumerate(events):
        if event.static:
            continue
        if day == event.rollover_at and event.start < day:
            event.start += 364  # the next edition is published
            event.rollover_at = event.start + rng.randint(*cfg.rollover_days)
            event.version += 1
            yield index, False
        elif rng.random() < _rate(cfg, event, day):
            event.version += 1
            yield index, 0 <= event.start - day <= settings.UPCOMING_DAYS


class _Crawler:
    """What one policy knows: the page states it landed, the event dates it read."""

    def __init__(self, policy: str, cfg: FreshnessConfig, events: list[_Event]) -> None:
        self.policy, self.cfg = policy, cfg
        self.slugs = [f"event-{i}" for i in range(cfg.n)]
        self.entries = [
            SitemapEntry(s, f"https://www.finishers.com/course/{s}") for s in self.slugs
        ]
        self.index = {s: i for i, s in enumerate(self.slugs)}
        self.pages: dict[str, PageState] = {}
        self.events: dict[str, EventState] = {}
        self.seen_version = [0] * cfg.n
        self.pending: list[list[tuple[int, bool]]] = [[] for _ in range(cfg.n)]
        self.refresh = RefreshPolicy()
        runtime = settings.MAX_RUNTIME_S
        self.max_requests = derived_max_requests(runtime, cfg.crawl_delay_s)
        for i, slug in enumerate(self.slugs):  # night 0: a first full crawl
            self.pages[slug] = PageState(slug=slug, event_id=slug, first_seen_at=T0,
                                         last_checked_at=T0, content_changed_at=T0,
                                         last_outcome="new", check_count=1)  # fmt: skip
            self._read_dates(i, events[i])

    def _read_dates(self, index: int, event: _Event) -> None:
        day = T0.date() + timedelta(days=event.start)
        self.events[self.slugs[index]] = EventState(edition_start_date=day, edition_end_date=day)

    def due(self, night: int, now: datetime) -> list[int]:
        if self.policy == "all":
            return list(range(self.cfg.n))
        if self.policy == "fixed":
            return [i for i, s in enumerate(self.slugs) if fixed_rule_due(self.pages[s], now)]
        allowed = None if self.max_requests is None else self.max_requests - OVERHEAD_REQUESTS
        plan = plan_night(self.entries, self.pages, self.events, self.refresh, now, allowed)
        return [self.index[entry.slug] for entry, _, _ in plan.todo]

    def check(self, index: int, event: _Event, night: int, now: datetime, tally: _Tally) -> None:
        slug = self.slugs[index]
        page = self.pages[slug]
        changed = event.version != self.seen_version[index]
        self.seen_version[index] = event.version
        for day, upcoming in self.pending[index]:
            tally.latencies.append((day, night - day, upcoming))
        self.pending[index] = []
        self.pages[slug] = replace(
            page,
            last_checked_at=now,
            last_outcome="changed" if changed else "unchanged",
            check_count=page.check_count + 1,
            change_count=page.change_count + int(changed),
            content_changed_at=now if changed else page.content_changed_at,
        )
        self._read_dates(index, event)


def simulate(cfg: FreshnessConfig) -> dict[str, Any]:
    """Replay ``cfg.nights`` nights for every policy; the figures per policy."""
    events = _catalogue(cfg)
    crawlers = {p: _Crawler(p, cfg, events) for p in POLICIES}
    tallies = {p: _Tally() for p in (*POLICIES, "oracle")}
    rng = random.Random(cfg.seed + 1)
    for night in range(1, cfg.nights + 1):
        changed = list(_changes_of_day(cfg, events, night - 1, rng))  # day night-1
        for index, upcoming in changed:
            for crawler in crawlers.values():
                crawler.pending[index].append((night - 1, upcoming))
        distinct = {i for i, _ in changed}
        tallies["oracle"].requests.append(len(distinct) + OVERHEAD_REQUESTS)
        tallies["oracle"].latencies += [(night - 1, 1, up) for _, up in changed]
        now = T0 + timedelta(days=night)
        for name, crawler in crawlers.items():
            due = crawler.due(night, now)
            tallies[name].requests.append(len(due) + OVERHEAD_REQUESTS)
            for index in due:
                crawler.check(index, events[index], night, now, tallies[name])
    for name, crawler in crawlers.items():  # changes never landed: latency beyond the run
        for index in range(cfg.n):
            for day, upcoming in crawler.pending[index]:
                tallies[name].latencies.append((day, None, upcoming))
    return {
        "config": {
            "n": cfg.n,
            "nights": cfg.nights,
            "seed": cfg.seed,
            "crawl_delay_s": cfg.crawl_delay_s,
            "max_requests_per_run": crawlers["adaptive"].max_requests,
        },
        "changes": len(tallies["oracle"].latencies),
        "policies": {name: _figures(cfg, tally) for name, tally in tallies.items()},
    }


def _share(tally: _Tally, within: int, upcoming_only: bool, nights: int) -> float | None:
    """Share of the changes landed within ``within`` nights, among those made early enough
    to have had that long (a change of day ``t`` can be landed from night ``t + 1``)."""
    chosen = [
        n for day, n, up in tally.latencies
        if (up or not upcoming_only) and day + within <= nights
    ]  # fmt: skip
    if not chosen:
        return None
    return round(sum(n is not None and n <= within for n in chosen) / len(chosen), 4)


def _figures(cfg: FreshnessConfig, tally: _Tally) -> dict[str, Any]:
    half = len(tally.requests) // 2
    first, second = tally.requests[:half], tally.requests[half:]
    hours = [r * cfg.crawl_delay_s / 3600 for r in tally.requests]
    return {
        "requests_per_night_share": round(sum(tally.requests) / len(tally.requests) / cfg.n, 4),
        "requests_share_first_half": round(sum(first) / max(len(first), 1) / cfg.n, 4),
        "requests_share_second_half": round(sum(second) / max(len(second), 1) / cfg.n, 4),
        "crawl_hours_mean": round(sum(hours) / len(hours), 2),
        "crawl_hours_max": round(max(hours), 2),
        "within_1_night_next_30_days": _share(tally, 1, True, cfg.nights),
        "within_7_nights_next_30_days": _share(tally, 7, True, cfg.nights),
        "within_1_night_all": _share(tally, 1, False, cfg.nights),
        "within_7_nights_all": _share(tally, 7, False, cfg.nights),
        "never_landed": sum(n is None for _, n, _ in tally.latencies),
    }


def targets(result: dict[str, Any]) -> list[tuple[str, str, float, bool]]:
    """The issue's targets for the adaptive policy: (name, target, value, met)."""
    a = result["policies"]["adaptive"]
    return [
        ("freshness_crawl_hours", "modelled nightly crawl ≤ 2 h (max over the nights)",
         a["crawl_hours_max"], a["crawl_hours_max"] <= 2.0),
        ("freshness_next_30_days", "≥ 90 % of changes to events in the next 30 days within 1 night",
         a["within_1_night_next_30_days"], (a["within_1_night_next_30_days"] or 0) >= 0.9),
        ("freshness_all_7_nights", "≥ 95 % of all changes within 7 nights",
         a["within_7_nights_all"], (a["within_7_nights_all"] or 0) >= 0.95),
    ]  # fmt: skip


def render(result: dict[str, Any]) -> str:
    cfg = result["config"]
    head = (
        f"freshness simulation: N={cfg['n']:,}, {cfg['nights']} nights, no lastmod, "
        f"{cfg['crawl_delay_s']} s/request, adaptive budget {cfg['max_requests_per_run']:,} "
        f"requests; {result['changes']:,} changes"
    )
    cols = ("requests/N", "1st half", "2nd half", "h mean", "h max", "30d≤1n", "30d≤7n",
            "all≤1n", "all≤7n", "never")  # fmt: skip
    keys = ("requests_per_night_share", "requests_share_first_half",
            "requests_share_second_half", "crawl_hours_mean", "crawl_hours_max",
            "within_1_night_next_30_days", "within_7_nights_next_30_days",
            "within_1_night_all", "within_7_nights_all", "never_landed")  # fmt: skip
    lines = [head, f"{'policy':<10}" + "".join(f"{c:>11}" for c in cols)]
    for name, figures in result["policies"].items():
        cells = [figures[k] for k in keys]
        lines.append(f"{name:<10}" + "".join(f"{_cell(v):>11}" for v in cells))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return f"{value:,}"
