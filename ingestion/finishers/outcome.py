"""What one fetched page means: a pure function from what is known to the rows to land.

``page_outcome(entry, old, result, events, run, now)`` takes a site-map entry, the page's
state read back from the warehouse (``old``, None for a new page), the fetch result and
the events known so far, and returns an :class:`Outcome`: the page row, the event and race
rows, the reject rows, the listing flips and the summary counters. It reads no warehouse
and no network; :mod:`.crawl` applies the outcome to the batch and to the crawl state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from . import page_choice, settings
from .backoff import MISSING_REASONS, is_gone, next_failure_count
from .crawl_state import EventState
from .fetcher import FetchResult
from .parser import PageRejected, ParsedPage, parse_event_page
from .refresh_policy import PageState
from .sitemap import SitemapEntry

Row = dict[str, Any]


@dataclass(frozen=True)
class RunContext:
    """What every outcome of one run shares."""

    run_id: str
    started_at: datetime  # first_seen_at of a page first seen tonight
    listed: Set[str]  # slugs in tonight's site map


@dataclass
class Outcome:
    """The rows and state changes one fetched page leads to."""

    page: Row
    rejects: list[Row] = field(default_factory=list)
    event: Row | None = None  # a new, changed or re-listed event (full row)
    races: list[Row] = field(default_factory=list)  # its races, or one tombstone
    # event id → columns to change on a landed event whose full row is not at hand
    listing: dict[str, Row] = field(default_factory=dict)
    events: dict[str, EventState] = field(default_factory=dict)  # new state of known events
    counts: Counter[str] = field(default_factory=Counter)  # CrawlSummary counters to add
    downloaded: bool = False  # a 200 body was read: the reject guard counts it
    not_event_page: str | None = None  # the parser's reason when it was not an event page
    shows_event: str | None = None  # the event id this page shows tonight


def reject_row(
    run: RunContext,
    now: datetime,
    url: str,
    reason: str,
    *,
    slug: str | None = None,
    event_id: str | None = None,
    status: int | None = None,
    severity: str = "page",
    detail: str = "",
    excerpt: str = "",
) -> Row:
    return {
        "run_id": run.run_id,
        "url": url,
        "slug": slug,
        "event_id": event_id,
        "http_status": status,
        "reason": reason,
        "severity": severity,
        "detail": detail[:2000] or None,
        "excerpt": excerpt[: settings.EXCERPT_CHARS] or None,
        "rejected_at": now,
    }


def page_row(
    run: RunContext, now: datetime, entry: SitemapEntry, old: PageState | None, **values: Any
) -> Row:
    row = asdict(old) if old else {f.name: None for f in fields(PageState)}
    row.update(
        slug=entry.slug,
        url=entry.url,
        sitemap_lastmod=entry.lastmod or row.get("sitemap_lastmod"),
        first_seen_at=row.get("first_seen_at") or run.started_at,
        last_attempt_at=now,
        is_listed=entry.slug in run.listed,
        run_id=run.run_id,
    )
    row["consecutive_failures"] = row.get("consecutive_failures") or 0
    row.update(values)
    return row


def race_rows(event: Row, races: list[Row]) -> list[Row]:
    """The races to land with ``event``; with none, a tombstone that deletes the old ones
    (merge_key=event_id deletes them; the tombstone itself is not inserted)."""
    if races:
        return [{**r, "is_deleted": False} for r in races]
    tombstone = {"event_id": event["id"], "id": "", "content_hash": event["content_hash"]}
    return [{**tombstone, "is_deleted": True}]


def failures_after(old: PageState | None, reason: str) -> int:
    """``consecutive_failures`` once this failure or 404/410 is counted (backoff.py)."""
    if old is None:
        return 1
    return next_failure_count(old.last_reason, old.consecutive_failures, reason)


@dataclass(frozen=True)
class _Answer:
    """One page's answer tonight, and the rows it writes."""

    run: RunContext
    now: datetime
    entry: SitemapEntry
    old: PageState | None
    result: FetchResult

    def page(self, outcome: str, **values: Any) -> Row:
        return page_row(self.run, self.now, self.entry, self.old, last_outcome=outcome, **values)

    def reject(self, reason: str, **values: Any) -> Row:
        values = {"slug": self.entry.slug, "status": self.result.status, **values}
        return reject_row(self.run, self.now, self.entry.url, reason, **values)

    def checked(self, changed: bool) -> dict[str, Any]:
        """A definitive answer: the page's content-hash history, one answer later."""
        old = self.old
        return {
            "last_checked_at": self.now,
            "consecutive_failures": 0,
            "check_count": (old.check_count if old else 0) + 1,
            "change_count": (old.change_count if old else 0) + int(changed),
        }

    def event_of_old(self, events: Mapping[str, EventState]) -> tuple[str, EventState] | None:
        """The landed event the page showed when last read, if any."""
        event_id = self.old.event_id if self.old else None
        known = events.get(event_id) if event_id else None
        return (event_id, known) if event_id and known is not None else None


def _rejected(
    answer: _Answer, reason: str, *, detail: str = "", excerpt: str = "", **page_values: Any
) -> Outcome:
    """A definitive answer that is not an event: recorded, and not asked again tonight."""
    page = answer.page(
        "rejected",
        last_status=answer.result.status,
        last_reason=reason,
        last_checked_at=answer.now,
        **{"consecutive_failures": 0, **page_values},
    )
    reject = answer.reject(reason, detail=detail, excerpt=excerpt)
    return Outcome(page=page, rejects=[reject], counts=Counter(rejected=1))


def _failed(answer: _Answer, events: Mapping[str, EventState]) -> Outcome | None:
    """A failed fetch (retried later), a page gone after 404/410 night after night, or None."""
    result = answer.result
    if result.error is None:
        return None
    if result.transient:
        page = answer.page(
            "failed",
            last_status=result.status,
            last_reason=result.error,
            consecutive_failures=failures_after(answer.old, result.error),
        )
        reject = answer.reject(result.error, detail=result.detail)
        return Outcome(page=page, rejects=[reject], counts=Counter(failed=1))
    missing = 0
    if result.error in MISSING_REASONS:
        missing = failures_after(answer.old, result.error)
        if is_gone(missing):
            return _gone(answer, missing, events)
    return _rejected(
        answer,
        result.error,
        detail=result.detail,
        etag=None,
        last_modified=None,
        consecutive_failures=missing,
    )


def _gone(answer: _Answer, failures: int, events: Mapping[str, EventState]) -> Outcome:
    """404/410 night after night: the page, and its event, unlisted (never deleted)."""
    result = answer.result
    page = answer.page(
        "gone",
        last_status=result.status,
        last_reason=result.error,
        consecutive_failures=failures,
        last_checked_at=answer.now,
        is_listed=False,
    )
    outcome = Outcome(page=page, rejects=[answer.reject(result.error or "gone")])
    outcome.counts["gone"] += 1
    shown = answer.event_of_old(events)
    if shown and shown[1].is_listed is not False:
        outcome.listing[shown[0]] = {"is_listed": False}
        outcome.events[shown[0]] = replace(shown[1], is_listed=False)
    return outcome


def _not_modified(answer: _Answer, events: Mapping[str, EventState]) -> Outcome:
    """A 304: the page as it was; an event unlisted before is listed again."""
    old, now = answer.old, answer.now
    validators = {
        "etag": answer.result.etag or getattr(old, "etag", None),
        "last_modified": answer.result.last_modified or getattr(old, "last_modified", None),
    }
    outcome = Outcome(page={}, counts=Counter(not_modified=1))
    if old and old.last_outcome == "rejected":
        last_outcome = "rejected"
    else:
        last_outcome = "not_modified"
        outcome.counts["unchanged"] += 1
        shown = answer.event_of_old(events)
        if shown and shown[1].is_listed is False and old and old.slug in answer.run.listed:
            outcome.listing[shown[0]] = {"is_listed": True, "last_seen_at": now}
            outcome.events[shown[0]] = replace(shown[1], is_listed=True, last_seen_at=now)
    outcome.page = answer.page(
        last_outcome, last_status=304, **answer.checked(changed=False), **validators
    )
    return outcome


def page_outcome(
    entry: SitemapEntry,
    old: PageState | None,
    result: FetchResult,
    events: Mapping[str, EventState],
    run: RunContext,
    now: datetime,
) -> Outcome:
    """What the fetch ``result`` of ``entry`` (known as ``old``) lands, given ``events``."""
    answer = _Answer(run, now, entry, old, result)
    failed = _failed(answer, events)
    if failed is not None:
        return failed
    if result.not_modified:
        return _not_modified(answer, events)
    validators = {"etag": result.etag, "last_modified": result.last_modified}
    try:
        parsed = parse_event_page(result.body or b"", entry.slug)
    except PageRejected as exc:
        outcome = _rejected(
            answer, exc.reason, detail=exc.detail, excerpt=exc.excerpt, **validators
        )
        outcome.counts["fetched"] += 1
        outcome.downloaded, outcome.not_event_page = True, exc.reason
        return outcome
    known = events.get(parsed.event_id)
    if known and page_choice.loses_to_landed(
        entry.slug, parsed.event["slug"], known.page_slug, known.slug, known.is_listed
    ):
        outcome = _rejected(
            answer,
            page_choice.REASON,
            detail=f"event {parsed.event_id} is landed from page {known.page_slug}",
            content_hash=parsed.content_hash,
            event_id=parsed.event_id,
            **validators,
        )
        outcome.counts["fetched"] += 1
        outcome.downloaded = True
        return outcome
    return _parsed(answer, parsed, known, validators)


def _parsed(
    answer: _Answer, parsed: ParsedPage, known: EventState | None, validators: dict[str, Any]
) -> Outcome:
    """An event page: new, changed or unchanged; the event is landed unless unchanged and
    its listing did not flip."""
    entry, now = answer.entry, answer.now
    if known and known.page_slug not in (None, entry.slug):
        known = replace(known, content_hash=None)  # this page takes over: land it
    if known is None:
        status = "new"
    elif known.content_hash != parsed.content_hash:
        status = "changed"
    else:
        status = "unchanged"
    changed_at = known.content_changed_at if known and status == "unchanged" else now
    listed = entry.slug in answer.run.listed
    page = answer.page(
        status,
        last_status=200,
        last_reason=None,
        event_id=parsed.event_id,
        content_hash=parsed.content_hash,
        content_changed_at=changed_at,
        **answer.checked(changed=status == "changed"),
        **validators,
    )
    outcome = Outcome(page=page, counts=Counter({"fetched": 1, status: 1}), downloaded=True)
    outcome.shows_event = parsed.event_id
    if status == "unchanged" and (known and known.is_listed) is listed:
        return outcome
    event = {
        **parsed.event,
        "first_seen_at": (known and known.first_seen_at) or now,
        "last_seen_at": now if listed else (known and known.last_seen_at),
        "content_changed_at": changed_at,
        "is_listed": listed,
    }
    outcome.event, outcome.races = event, race_rows(event, parsed.races)
    outcome.events[parsed.event_id] = EventState.of(event)
    for issue in parsed.issues:
        outcome.counts["field_rejects"] += 1
        outcome.rejects.append(
            answer.reject(
                issue.reason,
                event_id=parsed.event_id,
                severity="field",
                detail=issue.detail,
                excerpt=issue.value,
            )
        )
    return outcome
