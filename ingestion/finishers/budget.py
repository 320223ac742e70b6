"""The budget of one run: a time limit and a request limit, so a night ends in its window.

When either is spent the crawl stops taking pages, lands what it fetched and records the
run as ``partial_budget`` with how many due pages are left; the next run takes them first.
``--backfill`` runs without a budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import settings

if TYPE_CHECKING:
    from .config import CrawlConfig


@dataclass
class RunBudget:
    max_runtime_s: float | None = None
    max_requests: int | None = None
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def of(cls, config: CrawlConfig, crawl_delay_s: float, backfill: bool = False) -> RunBudget:
        """``max_runtime_s`` and ``max_requests_per_run`` (``FINISHERS_MAX_RUNTIME_S``,
        ``FINISHERS_MAX_REQUESTS_PER_RUN``; 0: no limit).

        The request budget defaults to what fits in ``REQUEST_SHARE_OF_RUNTIME`` of the time
        budget at the crawl delay (none without a delay, e.g. against a local server).
        """
        if backfill:
            return cls()
        runtime = config.max_runtime_s or None
        requests = config.max_requests_per_run
        if requests is None:
            requests = derived_max_requests(runtime, crawl_delay_s)
        return cls(max_runtime_s=runtime, max_requests=requests or None)

    def pages_allowed(self, requests_made: int) -> int | None:
        """Pages the run may still request (at least one: every run makes progress)."""
        if self.max_requests is None:
            return None
        return max(1, self.max_requests - requests_made)

    def spent(self, requests_made: int) -> str | None:
        """``"time"`` or ``"requests"`` once that budget is used up, else None."""
        if self.max_runtime_s is not None and self.elapsed() >= self.max_runtime_s:
            return "time"
        if self.max_requests is not None and requests_made >= self.max_requests:
            return "requests"
        return None

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def describe(self) -> str:
        if self.max_runtime_s is None and self.max_requests is None:
            return "no budget (backfill)"
        runtime = f"{self.max_runtime_s:g} s" if self.max_runtime_s is not None else "no time limit"
        requests = f"{self.max_requests:,} requests" if self.max_requests else "no request limit"
        return f"budget {runtime}, {requests}"


def derived_max_requests(runtime_s: float | None, crawl_delay_s: float) -> int | None:
    """Requests that fit in the time budget at one request per crawl delay."""
    if runtime_s is None or crawl_delay_s <= 0:
        return None
    return int(runtime_s * settings.REQUEST_SHARE_OF_RUNTIME / crawl_delay_s)
