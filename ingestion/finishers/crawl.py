"""One crawl: discover, decide, fetch, parse, land in batches, summarise.

``run_crawl()`` is what the CLI, the demo and the benchmark call. A batch (pages, the
events and races they changed, rejects) is one ``pipeline.run``: a run killed half-way
keeps every landed batch, and the refresh policy skips those pages on the next run,
while a failed fetch is landed as ``failed`` and retried.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt

from ingestion.env import env_float
from ingestion.warehouse import (
    Warehouse,
    WarehouseConfigError,
    current_warehouse,
    dlt_pipelines_dir,
)

from . import finishers_source, page_choice, run_lock, settings
from .backoff import MISSING_REASONS, is_gone, next_failure_count
from .budget import RunBudget
from .columns import (
    EVENT_COLUMNS,
    PAGE_COLUMNS,
    RACE_COLUMNS,
    REJECT_COLUMNS,
    RUN_COLUMNS,
    SITEMAP_COLUMNS,
)
from .crawl_state import (
    CrawlState,
    EventState,
    WarehouseUnreachable,
    ensure_tables,
    load_state,
    read_events,
    read_sitemap_items,
)
from .fetch_settings import fetch_config_from_env
from .fetcher import FetchConfig, Fetcher, FetchResult, SiteUnreachable
from .guards import CrawlAnomaly, RejectGuard, shrink_anomaly, would_unlist
from .parser import PageRejected, parse_event_page
from .plan import plan_night
from .refresh_policy import Action, Decision, PageState, RefreshPolicy
from .sitemap import Discovery, KnownSitemap, SitemapEntry, discover
from .summary import CrawlSummary

log = logging.getLogger(__name__)


class CrawlError(RuntimeError):
    """The run cannot proceed (warehouse or site map unreachable...)."""


@dataclass
class _Batch:
    events: list[dict[str, Any]] = field(default_factory=list)
    races: list[dict[str, Any]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    sitemaps: list[dict[str, Any]] = field(default_factory=list)
    event_ids: set[str] = field(default_factory=set)  # ids of the events landed tonight

    def __len__(self) -> int:
        return len(self.pages) + len(self.events)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _Crawl:
    def __init__(
        self,
        config: FetchConfig,
        policy: RefreshPolicy,
        batch_size: int,
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
        self.batch_size = batch_size
        self.progress = progress
        self.clock = clock or _utcnow
        self.now = self.clock()
        self.summary = CrawlSummary(
            run_id=uuid.uuid4().hex[:16],
            base_url=config.base_url,
            started_at=self.now,
            refresh_policy=policy.describe(),
        )
        self.batch = _Batch()
        self.state = CrawlState()
        self.listed: set[str] = set()  # slugs in tonight's site map
        self.page_events: dict[str, str] = {}  # slug → event id, as checked tonight
        # event id → columns to change: listing flips, whose full rows are read back from
        # the warehouse when the batch lands (the crawl keeps no event row in memory)
        self.pending_listing: dict[str, dict[str, Any]] = {}
        self.pipeline: Any = None
        self._lander = ThreadPoolExecutor(max_workers=1, thread_name_prefix="land")
        self._landing: Future[None] | None = None
        self._last_landed = time.monotonic()
        self.batch_min_seconds = env_float(
            "FINISHERS_BATCH_MIN_SECONDS", settings.BATCH_MIN_SECONDS
        )
        self.warehouse = warehouse
        self.file_format: str | None = None
        self.fetcher = Fetcher(config)

    # ---------------------------------------------------------------- landing

    def open_pipeline(self) -> None:
        warehouse = self.warehouse
        try:
            # DuckDB loads jsonl several times faster than dlt's default insert_values
            self.file_format = "jsonl" if warehouse.kind == "duckdb" else None
            destination = warehouse.dlt_destination()
        except WarehouseConfigError as exc:
            raise CrawlError(f"warehouse not configured: {exc}") from exc
        self.pipeline = dlt.pipeline(
            pipeline_name=settings.PIPELINE_NAME,
            destination=destination,
            dataset_name=settings.DATASET_NAME,
            pipelines_dir=dlt_pipelines_dir(warehouse.target),
        )
        try:
            if self.pipeline.has_pending_data:
                # a previous run died between extract and load: finish its batch first
                self.pipeline.normalize()
                self.pipeline.load()
            self.state = load_state(warehouse)
        except WarehouseUnreachable as exc:
            raise CrawlError(str(exc)) from exc
        except Exception as exc:
            raise CrawlError(f"warehouse unreachable ({warehouse.describe()}): {exc}") from exc

    def land(self, run_rows: Iterable[dict[str, Any]] = (), wait_done: bool = False) -> None:
        """Land the current batch in the background while fetching goes on.

        At most one load is in flight, so memory stays bounded and a load error stops
        the run at the next batch; ``wait_done`` waits for it (end of run).
        """
        if self.pending_listing:
            self.wait_landed()  # the rows to read back may be in the load in flight
            self.resolve_listing()
        batch, self.batch = self.batch, _Batch()
        run_rows = list(run_rows)
        if len(batch) or batch.rejects or batch.sitemaps or run_rows:
            self.wait_landed()
            self._landing = self._lander.submit(self._load, batch, run_rows)
            self._last_landed = time.monotonic()
        if wait_done:
            self.wait_landed()

    def _load(self, batch: _Batch, run_rows: list[dict[str, Any]]) -> None:
        self.pipeline.run(
            finishers_source(
                batch.events, batch.races, batch.pages, batch.rejects, run_rows, batch.sitemaps
            ),
            loader_file_format=self.file_format,
        )
        self.summary.batches += 1

    def resolve_listing(self) -> None:
        """Add to the batch the full rows of the events whose listing flips.

        Rows come from the warehouse (no load is in flight when this runs), or from the
        current batch when the event was landed tonight and not loaded yet.
        """
        pending, self.pending_listing = self.pending_listing, {}
        in_batch = {row["id"]: row for row in self.batch.events}
        stored = read_events(self.warehouse, [i for i in pending if i not in in_batch])
        for event_id, values in pending.items():
            if event_id in in_batch:
                in_batch[event_id].update(values)
            elif event_id in stored:
                self.batch.events.append({**stored[event_id], **values})  # races unchanged

    def wait_landed(self) -> None:
        landing, self._landing = self._landing, None
        if landing is not None:
            landing.result()

    def maybe_land(self) -> None:
        size = max(len(self.batch.pages), len(self.batch.events) + len(self.pending_listing))
        if size < self.batch_size:
            return
        if size < settings.MAX_BATCH_PAGES and (
            time.monotonic() - self._last_landed < self.batch_min_seconds
        ):
            return
        self.land()

    # ---------------------------------------------------------------- rows

    def reject(
        self,
        url: str,
        reason: str,
        *,
        slug: str | None = None,
        event_id: str | None = None,
        status: int | None = None,
        severity: str = "page",
        detail: str = "",
        excerpt: str = "",
    ) -> None:
        self.batch.rejects.append(
            {
                "run_id": self.summary.run_id,
                "url": url,
                "slug": slug,
                "event_id": event_id,
                "http_status": status,
                "reason": reason,
                "severity": severity,
                "detail": detail[:2000] or None,
                "excerpt": excerpt[: settings.EXCERPT_CHARS] or None,
                "rejected_at": self.clock(),
            }
        )

    def page_row(self, entry: SitemapEntry, old: PageState | None, **values: Any) -> None:
        row = asdict(old) if old else {f.name: None for f in fields(PageState)}
        row.update(
            slug=entry.slug,
            url=entry.url,
            sitemap_lastmod=entry.lastmod or row.get("sitemap_lastmod"),
            first_seen_at=row.get("first_seen_at") or self.now,
            last_attempt_at=self.clock(),
            is_listed=entry.slug in self.listed,
            run_id=self.summary.run_id,
        )
        row["consecutive_failures"] = row.get("consecutive_failures") or 0
        row.update(values)
        self.batch.pages.append(row)

    def land_event(self, row: dict[str, Any], races: list[dict[str, Any]]) -> None:
        # One row per event id in a load (page_choice): a page taking over replaces it.
        if row["id"] in self.batch.event_ids:
            self.batch.events = [e for e in self.batch.events if e["id"] != row["id"]]
            self.batch.races = [r for r in self.batch.races if r["event_id"] != row["id"]]
        self.batch.event_ids.add(row["id"])
        self.batch.events.append(row)
        if races:
            self.batch.races.extend({**r, "is_deleted": False} for r in races)
        else:
            # merge_key=event_id deletes the event's old races; the tombstone is not inserted
            self.batch.races.append(
                {
                    "event_id": row["id"],
                    "id": "",
                    "content_hash": row["content_hash"],
                    "is_deleted": True,
                }
            )

    # ---------------------------------------------------------------- outcomes

    def reject_page(
        self,
        entry: SitemapEntry,
        old: PageState | None,
        reason: str,
        *,
        now: datetime,
        status: int | None,
        detail: str = "",
        excerpt: str = "",
        **page_values: Any,
    ) -> None:
        """A definitive answer that is not an event: recorded, and not asked again tonight."""
        self.summary.rejected += 1
        self.reject(
            entry.url, reason, slug=entry.slug, status=status, detail=detail, excerpt=excerpt
        )
        self.page_row(
            entry,
            old,
            last_status=status,
            last_outcome="rejected",
            last_reason=reason,
            last_checked_at=now,
            **{"consecutive_failures": 0, **page_values},
        )

    def mark_gone(
        self, entry: SitemapEntry, old: PageState | None, result: FetchResult, failures: int
    ) -> None:
        """404/410 night after night: the page, and its event, unlisted (never deleted)."""
        self.summary.gone += 1
        self.reject(entry.url, result.error or "gone", slug=entry.slug, status=result.status)
        self.failure_row(
            entry, old, result, "gone", failures, last_checked_at=self.clock(), is_listed=False
        )
        known = self.state.events.get(old.event_id) if old and old.event_id else None
        if known is not None and known.is_listed is not False:
            self.pending_listing[old.event_id] = {"is_listed": False}
            self.state.events[old.event_id] = replace(known, is_listed=False)

    def failure_row(
        self,
        entry: SitemapEntry,
        old: PageState | None,
        result: FetchResult,
        outcome: str,
        failures: int,
        **values: Any,
    ) -> None:
        self.page_row(
            entry,
            old,
            last_status=result.status,
            last_outcome=outcome,
            last_reason=result.error,
            consecutive_failures=failures,
            **values,
        )

    @staticmethod
    def failures_after(old: PageState | None, reason: str) -> int:
        """``consecutive_failures`` once this failure or 404/410 is counted (backoff.py)."""
        if old is None:
            return 1
        return next_failure_count(old.last_reason, old.consecutive_failures, reason)

    def checked(self, old: PageState | None, changed: bool) -> dict[str, int]:
        """The page's content-hash history, one definitive answer later."""
        return {
            "check_count": (old.check_count if old else 0) + 1,
            "change_count": (old.change_count if old else 0) + int(changed),
        }

    def handle(self, entry: SitemapEntry, old: PageState | None, result: FetchResult) -> None:
        now = self.clock()
        s = self.summary
        if result.error is not None and result.transient:
            s.failed += 1
            self.reject(
                entry.url, result.error, slug=entry.slug, status=result.status, detail=result.detail
            )
            self.failure_row(entry, old, result, "failed", self.failures_after(old, result.error))
            return
        if result.error is not None:
            missing = 0
            if result.error in MISSING_REASONS:
                missing = self.failures_after(old, result.error)
                if is_gone(missing):
                    self.mark_gone(entry, old, result, missing)
                    return
            self.reject_page(
                entry,
                old,
                result.error,
                now=now,
                status=result.status,
                detail=result.detail,
                etag=None,
                last_modified=None,
                consecutive_failures=missing,
            )
            return
        validators = {"etag": result.etag, "last_modified": result.last_modified}
        if result.not_modified:
            s.not_modified += 1
            validators = {k: v or getattr(old, k, None) for k, v in validators.items()}
            if old and old.last_outcome == "rejected":
                outcome = "rejected"
            else:
                outcome = "not_modified"
                s.unchanged += 1
                self.relist(old)
            self.page_row(
                entry,
                old,
                last_status=304,
                last_outcome=outcome,
                last_checked_at=now,
                consecutive_failures=0,
                **self.checked(old, changed=False),
                **validators,
            )
            return
        s.fetched += 1
        try:
            parsed = parse_event_page(result.body or b"", entry.slug)
        except PageRejected as exc:
            self.reject_guard.record(exc.reason)
            self.reject_page(
                entry,
                old,
                exc.reason,
                now=now,
                status=result.status,
                detail=exc.detail,
                excerpt=exc.excerpt,
                **validators,
            )
            return
        self.reject_guard.record(None)
        known = self.state.events.get(parsed.event_id)
        if known and page_choice.loses_to_landed(
            entry.slug, parsed.event["slug"], known.page_slug, known.slug, known.is_listed
        ):
            self.reject_page(
                entry,
                old,
                page_choice.REASON,
                now=now,
                status=result.status,
                detail=f"event {parsed.event_id} is landed from page {known.page_slug}",
                content_hash=parsed.content_hash,
                event_id=parsed.event_id,
                **validators,
            )
            return
        if known and known.page_slug not in (None, entry.slug):
            known = replace(known, content_hash=None)  # this page takes over: land it
        if known is None:
            outcome, s.new = "new", s.new + 1
        elif known.content_hash != parsed.content_hash:
            outcome, s.changed = "changed", s.changed + 1
        else:
            outcome, s.unchanged = "unchanged", s.unchanged + 1
        changed_at = known.content_changed_at if known and outcome == "unchanged" else now
        listed = entry.slug in self.listed
        self.page_events[entry.slug] = parsed.event_id
        if outcome != "unchanged" or (known and known.is_listed) is not listed:
            row = {
                **parsed.event,
                "first_seen_at": (known and known.first_seen_at) or now,
                "last_seen_at": now if listed else (known and known.last_seen_at),
                "content_changed_at": changed_at,
                "is_listed": listed,
            }
            self.land_event(row, parsed.races)
            self.pending_listing.pop(parsed.event_id, None)
            self.state.events[parsed.event_id] = EventState.of(row)
            for issue in parsed.issues:
                s.field_rejects += 1
                self.reject(
                    entry.url,
                    issue.reason,
                    slug=entry.slug,
                    event_id=parsed.event_id,
                    status=result.status,
                    severity="field",
                    detail=issue.detail,
                    excerpt=issue.value,
                )
        self.page_row(
            entry,
            old,
            last_status=200,
            last_outcome=outcome,
            last_reason=None,
            last_checked_at=now,
            event_id=parsed.event_id,
            content_hash=parsed.content_hash,
            content_changed_at=changed_at,
            consecutive_failures=0,
            **self.checked(old, changed=outcome == "changed"),
            **validators,
        )

    def relist(self, old: PageState | None) -> None:
        """A 304 on a page whose event was unlisted: land the event as listed again."""
        known = self.state.events.get(old.event_id) if old and old.event_id else None
        if known is None or known.is_listed is not False or old.slug not in self.listed:
            return
        values = {"is_listed": True, "last_seen_at": self.clock()}
        self.pending_listing[old.event_id] = values  # races unchanged: not re-landed
        self.state.events[old.event_id] = replace(known, **values)

    def unlist_missing(self, discovered: set[str]) -> None:
        """Events and pages gone from the site map: kept, with is_listed=false."""
        for slug, page in self.state.pages.items():
            if slug in discovered or not page.is_listed:
                continue
            row = asdict(page)
            row.update(is_listed=False, run_id=self.summary.run_id)
            self.batch.pages.append(row)
        # an event is listed when any listed page shows it (its slug may have changed)
        shown = {
            self.page_events.get(slug) or (page.event_id if page else None)
            for slug in discovered
            for page in [self.state.pages.get(slug)]
        }
        for event_id, event in list(self.state.events.items()):
            if event_id in shown or event.is_listed is False:
                continue
            self.summary.unlisted += 1
            self.pending_listing[event_id] = {"is_listed": False}
            self.state.events[event_id] = replace(event, is_listed=False)
            self.maybe_land()

    # ---------------------------------------------------------------- run

    def known_sitemaps(self) -> dict[str, KnownSitemap]:
        """Site-map files read before: asked for conditionally, their items read on a 304."""
        warehouse = self.warehouse

        def items(url: str) -> Callable[[], str | None]:
            return lambda: read_sitemap_items(warehouse, url)

        return {
            url: KnownSitemap(known.etag, known.last_modified, known.kind or "urlset", items(url))
            for url, known in self.state.sitemaps.items()
            if known.kind
        }

    def select(
        self,
        discovery: Discovery,
        limit: int | None,
        slugs: list[str] | None,
        unlisted_slugs: bool = True,
    ) -> list[SitemapEntry]:
        entries = discovery.entries
        if slugs:
            by_slug = {e.slug: e for e in entries}
            missing = [s for s in dict.fromkeys(slugs) if s not in by_slug]
            if missing and not unlisted_slugs:
                raise CrawlError(
                    f"not in the site map ({len(entries)} events listed): {', '.join(missing)}; "
                    "nothing crawled (--unlisted crawls such a page anyway)"
                )
            base = self.fetcher.base_url
            entries = [
                by_slug.get(s) or SitemapEntry(s, f"{base}{settings.EVENT_PATH_PREFIX}{s}")
                for s in dict.fromkeys(slugs)
            ]
        if limit is not None:
            entries = entries[: max(0, limit)]
        return entries

    def run(
        self, limit: int | None, slugs: list[str] | None, unlisted_slugs: bool = True
    ) -> CrawlSummary:
        s = self.summary
        self.open_pipeline()
        try:
            self.fetcher.load_robots()
            discovery = discover(
                self.fetcher, self.fetcher.base_url + settings.SITEMAP_PATH, self.known_sitemaps()
            )
        except SiteUnreachable as exc:
            s.status = "failed"
            self.finish()  # the failed run is recorded in ingest_runs
            raise CrawlError(str(exc)) from exc
        fetched_at = self.clock()
        self.batch.sitemaps = [
            {**row, "fetched_at": fetched_at, "run_id": s.run_id} for row in discovery.sitemap_rows
        ]
        discovery.sitemap_rows = []
        s.discovered = len(discovery.entries)
        self.listed = {e.slug for e in discovery.entries}
        for rej in discovery.rejects:
            s.rejected += 1
            self.reject(rej.url, rej.reason, detail=rej.detail)
        selected = self.select(discovery, limit, slugs, unlisted_slugs)
        s.selected = len(selected)
        complete = limit is None and not slugs and discovery.complete
        try:
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
            left = self.fetch_all(plan.todo)
            s.due_left = len(left) + len(plan.deferred)
            if s.anomaly:
                raise CrawlAnomaly(s.anomaly)
            # a new slug may be a known event's new address: unlist once every new page is read
            new_left = plan.deferred_new + sum(1 for _, _, d in left if d.action is Action.FETCH)
            if complete and not new_left:
                self.unlist_missing({e.slug for e in discovery.entries})
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
        if self.max_unlist_share is None:  # --accept-shrink
            return
        why = shrink_anomaly(
            *would_unlist(self.state.pages, self.state.events, {e.slug for e in discovery.entries}),
            self.max_unlist_share,
        )
        if why:
            self.summary.anomaly = why
            raise CrawlAnomaly(why)

    def stop_on_redesign(self) -> bool:
        """Too many downloaded pages are not event pages: drop what this batch would change."""
        why = self.reject_guard.anomaly()
        if why is None:
            return False
        self.summary.anomaly = why
        self.batch = _Batch(rejects=self.batch.rejects, sitemaps=self.batch.sitemaps)
        self.pending_listing.clear()
        return True

    def fetch_all(
        self, todo: list[tuple[SitemapEntry, PageState | None, Decision]]
    ) -> list[tuple[SitemapEntry, PageState | None, Decision]]:
        """Fetch and handle ``todo`` in order until done, the budget is spent or a guard
        trips; return the entries not taken."""
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(total=len(todo), unit="page", desc="finishers", dynamic_ncols=True)

        def fetch(entry: SitemapEntry, old: PageState | None, decision: Decision) -> FetchResult:
            conditional = decision.action is Action.CHECK and old is not None
            return self.fetcher.get(
                entry.url,
                etag=old.etag if conditional and old else None,
                last_modified=old.last_modified if conditional and old else None,
            )

        workers = max(1, self.config.concurrency)
        taken = 0
        stop = False
        in_flight: dict[Future[FetchResult], tuple[SitemapEntry, PageState | None]] = {}
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
            try:
                while True:
                    while not stop and len(in_flight) < workers * 2 and taken < len(todo):
                        if self.budget.spent(self.fetcher.requests) and taken:
                            stop = True  # the budget is spent: land what was fetched
                            break
                        entry, old, decision = todo[taken]
                        taken += 1
                        in_flight[pool.submit(fetch, entry, old, decision)] = (entry, old)
                    if not in_flight:
                        break
                    done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        entry, old = in_flight.pop(future)
                        self.handle(entry, old, future.result())
                        if bar is not None:
                            bar.update(1)
                        if self.stop_on_redesign():
                            return todo[taken:]
                        self.maybe_land()
            finally:
                for future in in_flight:
                    future.cancel()
                if bar is not None:
                    bar.close()
        return todo[taken:]

    def finish(self) -> None:
        s = self.summary
        s.finished_at = self.clock()
        s.duration_s = round((s.finished_at - s.started_at).total_seconds(), 3)
        s.requests = self.fetcher.requests
        s.bytes = self.fetcher.bytes
        if self.pipeline is not None:
            try:
                self.land([s.row()], wait_done=True)
            finally:
                self._lander.shutdown(wait=True)
            ensure_tables(
                self.warehouse,
                {
                    "events": EVENT_COLUMNS,
                    "races": RACE_COLUMNS,
                    "pages": PAGE_COLUMNS,
                    "rejects": REJECT_COLUMNS,
                    "ingest_runs": RUN_COLUMNS,
                    "sitemaps": SITEMAP_COLUMNS,
                },
            )
        self.fetcher.close()


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
    policy = RefreshPolicy(
        lastmod_recheck_after=timedelta(
            days=env_float("FINISHERS_LASTMOD_RECHECK_DAYS", settings.LASTMOD_RECHECK_DAYS)
        ),
        refresh_all=refresh == "all",
    )
    batch_size = batch_size or int(env_float("FINISHERS_BATCH_SIZE", settings.BATCH_SIZE))
    guard = RejectGuard(
        env_float("FINISHERS_MAX_REJECT_SHARE", settings.MAX_REJECT_SHARE),
        settings.REJECT_GUARD_MIN_PAGES,
    )
    max_unlist = env_float("FINISHERS_MAX_UNLIST_SHARE", settings.MAX_UNLIST_SHARE)
    started = time.monotonic()
    budget = RunBudget.from_env(config.crawl_delay_s, backfill)
    try:
        warehouse = current_warehouse()
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
            config, policy, batch_size, progress, clock,
            warehouse=warehouse, budget=budget, guard=guard,
            max_unlist_share=None if accept_shrink else max_unlist,
        )  # fmt: skip
        summary = crawl.run(limit, slugs, unlisted_slugs)
    summary.duration_s = round(time.monotonic() - started, 3)
    return summary


__all__ = ["CrawlAnomaly", "CrawlError", "CrawlSummary", "fetch_config_from_env", "run_crawl"]
