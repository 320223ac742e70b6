"""The record of one crawl: its counters, printed at the end and landed in ``ingest_runs``.

``status``: ``ok``; ``partial`` (``--limit`` / ``--slug``); ``partial_budget`` (stopped by
its time or request budget, ``due_left`` pages left for the next run); ``anomaly`` (a guard
stopped it, ``anomaly`` says why); ``interrupted``; ``failed``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass
class CrawlSummary:
    run_id: str = ""
    base_url: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_s: float = 0.0
    discovered: int = 0
    selected: int = 0
    fetched: int = 0
    not_modified: int = 0
    skipped_fresh: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    unlisted: int = 0
    rejected: int = 0
    failed: int = 0
    field_rejects: int = 0
    requests: int = 0
    bytes: int = 0
    gone: int = 0
    due_left: int = 0
    refresh_policy: str = ""
    status: str = "running"
    anomaly: str | None = None
    batches: int = 0

    def row(self) -> dict[str, Any]:
        row = asdict(self)
        row.pop("batches")
        return row

    def table(self) -> str:
        """The end-of-run summary printed by the CLI."""
        labels = [
            ("discovered", "events in the site map"),
            ("selected", "selected (--limit/--slug)"),
            ("fetched", "fetched (200)"),
            ("not_modified", "not modified (304)"),
            ("skipped_fresh", "skipped (not due tonight)"),
            ("new", "new events"),
            ("changed", "changed events"),
            ("unchanged", "unchanged events"),
            ("unlisted", "unlisted (gone from site map)"),
            ("rejected", "rejected pages"),
            ("failed", "failed fetches (retried, backing off)"),
            ("gone", "gone (404/410 night after night)"),
            ("due_left", "due pages left for next run"),
            ("field_rejects", "fields nulled"),
            ("requests", "HTTP requests"),
        ]
        width = max(len(label) for _, label in labels) + 2
        lines = [f"finishers crawl {self.run_id} — {self.status} — {self.base_url}"]
        lines += [f"  {label:<{width}}{getattr(self, key):>10,}" for key, label in labels]
        lines.append(f"  {'bytes downloaded':<{width}}{self.bytes:>10,}")
        lines.append(f"  {'duration':<{width}}{self.duration_s:>9.1f}s")
        lines.append(f"  refresh policy: {self.refresh_policy}")
        if self.status == "partial_budget":
            lines.append(
                f"  budget spent: {self.due_left:,} due pages left for the next run "
                "(--backfill: no budget)"
            )
        if self.anomaly:
            lines.append(f"  ANOMALY: {self.anomaly}")
        return "\n".join(lines)
