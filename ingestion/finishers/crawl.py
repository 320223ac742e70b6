"""One crawl: discover, decide, fetch, parse, land in batches, summarise.

``run_crawl()`` is what the CLI, the demo and the benchmark call; it orchestrates the
parts: :mod:`.listing` (the site map against the warehouse), :mod:`.plan` (tonight's
pages), :mod:`.fetch_loop` (the thread pool), :mod:`.outcome` (what each answer means, a
pure function) and :mod:`.lander` (batches landed in the background). A run killed
half-way keeps every landed batch, and the refresh policy skips those pages on the next
run, while a failed fetch is landed as ``failed`` and retried.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Set
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ingestion.warehouse import Warehouse, WarehouseConfigError, current_warehouse

from . import listing, run_lock, settings
from .budget import RunBudget
from .columnar import TextMap
from .config import CrawlConfig, fetch_config_from_env
from .crawl_state import CrawlState
from .errors import CrawlError
from .fetch_loop import Todo, fetch_all
from .fetcher import FetchConfig, Fetcher, FetchResult, SiteUnreachable
from .guards import CrawlAnomaly, RejectGuard
from .lander import Lander
from .outcome import RunContext, page_outcome, reject_row
from .plan import plan_night
from .refresh_policy import Action, PageState, RefreshPolicy
from .sitemap import Discovery, SitemapEntry, discover
from .summary import CrawlSummary

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _Crawl:
    """One run: the orchestrator of the parts, and the state they share."""

    def __init__(
        self,
        config: FetchConfig,
        policy: RefreshPolicy,
        progress: bool,
        clock: Callable[[], datetime] | None = None,
        *,
        warehouse: Warehouse,
        budget: RunBudget,
        guard: RejectGuard,
        max_unlist_share: float | None,
    ) -> None:
        self.config = config
        self.policy = policy
        self.budget = budget
        self.reject_guard = guard
        self.max_unlist_share = max_unlist_share  # None: --accept-shrink
        self.progress = progress
        self.clock = clock or _utcnow
        self.now = self.clock()
        self.summary = CrawlSummary(
            run_id=uuid.uuid4().hex[:16],
            base_url=config.base_url,
            started_at=self.now,
            refresh_policy=policy.describe(),
        )
        self.state = CrawlState()
        self.run_context = RunContext(self.summary.run_id, self.now, frozenset())
        # slug → event id, as checked tonight
        self.page_events = TextMap(self.state.strings.slugs, self.state.strings.ids)
        self.warehouse = warehouse
        self.lander = Lander(warehouse, config.batch_size, config.batch_min_seconds)
        self.opened = False
        self.fetcher = Fetcher(config)

    def handle(self, entry: SitemapEntry, old: PageState | None, result: FetchResult) -> bool:
        """Land what ``result`` means; True when a guard stops the run."""
        now = self.clock()
        outcome = page_outcome(entry, old, result, self.state.events, self.run_context, now)
        for counter, n in outcome.counts.items():
            setattr(self.summary, counter, getattr(self.summary, counter) + n)
        if outcome.downloaded:
            self.reject_guard.record(outcome.not_event_page)
        if outcome.shows_event:
            self.page_events[entry.slug] = outcome.shows_event
        self.state.events.update(outcome.events)
        self.lander.add(outcome)
        why = self.reject_guard.anomaly()
        if why is not None:
            # too many downloaded pages are not event pages: drop what this batch would change
            self.summary.anomaly = why
            self.lander.drop_changes()
            return True
        self.lander.maybe_land()
        return False

    def unlist_missing(self, discovered: Set[str]) -> None:
        """Events and pages gone from the site map: kept, with is_listed=false."""
        batch = self.lander.batch
        batch.pages += listing.missing_pages(self.state.pages, discovered, self.summary.run_id)
        for event_id in listing.missing_events(self.state, discovered, self.page_events):
            self.summary.unlisted += 1
            self.lander.pending_listing[event_id] = {"is_listed": False}
            self.state.events[event_id] = replace(self.state.events[event_id], is_listed=False)
            self.lander.maybe_land()

    def read_site_map(self) -> Discovery:
        self.fetcher.load_robots()
        known = listing.known_sitemaps(self.state, self.warehouse)
        url = self.fetcher.base_url + settings.SITEMAP_PATH
        return discover(self.fetcher, url, known, self.state.strings)

    def run(
        self, limit: int | None, slugs: list[str] | None, unlisted_slugs: bool = True
    ) -> CrawlSummary:
        s = self.summary
        self.state = self.lander.open()
        self.page_events = TextMap(self.state.strings.slugs, self.state.strings.ids)
        self.opened = True
        try:
            discovery = self.read_site_map()
        except SiteUnreachable as exc:
            s.status = "failed"
            self.finish()  # the failed run is recorded in ingest_runs
            raise CrawlError(str(exc)) from exc
        fetched_at = self.clock()
        rows, discovery.sitemap_rows = discovery.sitemap_rows, []
        for row in rows:
            row.update(fetched_at=fetched_at, run_id=s.run_id)
        s.discovered = len(discovery.entries)
        listed = discovery.entries.listed()
        self.run_context = replace(self.run_context, listed=listed)
        for rej in discovery.rejects:
            s.rejected += 1
            self.lander.batch.rejects.append(
                reject_row(self.run_context, self.clock(), rej.url, rej.reason, detail=rej.detail)
            )
        selected = listing.select(discovery, limit, slugs, self.fetcher.base_url, unlisted_slugs)
        s.selected = len(selected)
        complete = limit is None and not slugs and discovery.complete
        try:
            # the site-map files land first, alone: then the state of every page is read
            self.lander.land_sitemaps(rows)
            self.lander.read_state(self.state)
            if complete:
                self.check_shrink(discovery)
            plan = plan_night(
                selected,
                self.state.pages,
                self.state.events,
                self.policy,
                self.now,
                self.budget.pages_allowed(self.fetcher.requests),
            )
            s.skipped_fresh = sum(plan.skipped.values())
            s.refresh_policy = (
                f"{self.policy.describe()}; {self.budget.describe()}; tonight {plan.describe()}"
            )
            left: list[Todo] = fetch_all(
                self.fetcher,
                plan.todo,
                workers=self.config.concurrency,
                budget=self.budget,
                handle=self.handle,
                progress=self.progress,
            )
            s.due_left = len(left) + len(plan.deferred)
            if s.anomaly:
                raise CrawlAnomaly(s.anomaly)
            # a new slug may be a known event's new address: unlist once every new page is read
            new_left = plan.deferred_new + sum(1 for _, _, d in left if d.action is Action.FETCH)
            if complete and not new_left:
                self.unlist_missing(listed)
            if not complete:
                s.status = "partial"
            else:
                s.status = "partial_budget" if s.due_left else "ok"
        except CrawlAnomaly:
            s.status = "anomaly"
            raise
        except KeyboardInterrupt:
            s.status = "interrupted"
            raise
        finally:
            self.finish()
        return s

    def check_shrink(self, discovery: Discovery) -> None:
        """Believe a site map only if it does not unlist too much of the catalogue at once."""
        why = listing.shrink_reason(self.state, discovery, self.max_unlist_share)
        if why:
            self.summary.anomaly = why
            raise CrawlAnomaly(why)

    def finish(self) -> None:
        s = self.summary
        s.finish(self.clock(), self.fetcher.requests)
        s.bytes = self.fetcher.bytes
        if self.opened:
            try:
                self.lander.close([s.row()])
            finally:
                s.batches = self.lander.batches
        self.state.close()
        self.fetcher.close()


def crawl_warehouse(config: CrawlConfig) -> Warehouse:
    """The warehouse the crawl lands in: the profile's, with DuckDB's cap, threads and
    checkpoints the crawl's own (settings.DUCKDB_MEMORY_LIMIT...), not dbt's."""
    return current_warehouse().with_duckdb_settings(
        memory_limit=config.duckdb_memory_limit,
        threads=settings.DUCKDB_THREADS,
        max_vacuum_tasks=settings.DUCKDB_MAX_VACUUM_TASKS,
    )


def run_crawl(
    base_url: str | None = None,
    limit: int | None = None,
    slugs: list[str] | None = None,
    refresh: str | None = None,
    *,
    progress: bool = False,
    batch_size: int | None = None,
    config: FetchConfig | None = None,
    crawl_delay: float | None = None,
    concurrency: int | None = None,
    clock: Callable[[], datetime] | None = None,
    backfill: bool = False,
    accept_shrink: bool = False,
    unlisted_slugs: bool = True,
) -> CrawlSummary:
    """Crawl finishers.com (or ``base_url``) into ``raw_finishers`` of the current warehouse.

    ``refresh='all'`` re-checks every selected page (conditionally); ``limit``/``slugs``
    make a partial run (no page is then marked unlisted). ``crawl_delay``/``concurrency``
    override ``FINISHERS_CRAWL_DELAY``/``FINISHERS_CONCURRENCY``. ``clock`` returns the
    run's "now" (an aware UTC datetime; default ``datetime.now(UTC)``): the refresh policy
    decides with it and every timestamp the run lands comes from it, so a test or the
    benchmark can crawl "the next night" without waiting a day. The run stops taking pages
    when its budget (``FINISHERS_MAX_RUNTIME_S``, ``FINISHERS_MAX_REQUESTS_PER_RUN``) is
    spent, unless ``backfill``. One run at a time per warehouse target (:mod:`.run_lock`).
    A ``slugs`` entry the site map does not list is crawled (and lands unlisted) only with
    ``unlisted_slugs``; without it the run stops before crawling anything.

    Raises :class:`CrawlError` when the run cannot proceed (also: another run holds the
    lock), :class:`CrawlAnomaly` when a guard stopped it (a site map that would unlist more
    than ``FINISHERS_MAX_UNLIST_SHARE`` of the catalogue, unless ``accept_shrink``; more
    than ``FINISHERS_MAX_REJECT_SHARE`` of the downloaded pages not event pages); bad pages
    only end up in ``raw_finishers.rejects``.
    """
    if refresh not in (None, "auto", "all"):
        raise ValueError(f"refresh must be 'all' or None, not {refresh!r}")
    config = config or fetch_config_from_env(base_url)
    if crawl_delay is not None:
        config = replace(config, crawl_delay_s=crawl_delay)
    if concurrency is not None:
        config = replace(config, concurrency=max(1, concurrency))
    if batch_size:
        config = replace(config, batch_size=batch_size)
    policy = RefreshPolicy(
        lastmod_recheck_after=timedelta(days=config.lastmod_recheck_days),
        refresh_all=refresh == "all",
    )
    guard = RejectGuard(config.max_reject_share, settings.REJECT_GUARD_MIN_PAGES)
    started = time.monotonic()
    budget = RunBudget.of(config, config.crawl_delay_s, backfill)
    try:
        warehouse = crawl_warehouse(config)
    except WarehouseConfigError as exc:
        raise CrawlError(f"warehouse not configured: {exc}") from exc
    with ExitStack() as stack:
        try:
            took_over = stack.enter_context(run_lock.hold(warehouse))
        except run_lock.RunLocked as exc:
            raise CrawlError(str(exc)) from None
        except Exception as exc:
            raise CrawlError(f"warehouse unreachable ({warehouse.describe()}): {exc}") from exc
        if took_over:
            log.warning("finishers: %s", took_over)
        crawl = _Crawl(
            config, policy, progress, clock,
            warehouse=warehouse, budget=budget, guard=guard,
            max_unlist_share=None if accept_shrink else config.max_unlist_share,
        )  # fmt: skip
        summary = crawl.run(limit, slugs, unlisted_slugs)
        warehouse.analyze(settings.DATASET_NAME)
    summary.duration_s = round(time.monotonic() - started, 3)
    return summary


__all__ = ["CrawlAnomaly", "CrawlError", "CrawlSummary", "fetch_config_from_env", "run_crawl"]
