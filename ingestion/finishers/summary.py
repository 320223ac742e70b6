"""The record of one crawl: its counters, printed at the end and landed in ``ingest_runs``.

``status``: ``ok``; ``partial`` (``--limit`` / ``--slug``); ``partial_budget`` (stopped by
its time or request budget, ``due_left`` pages left for the next run); ``anomaly`` (a guard
stopped it, ``anomaly`` says why); ``interrupted``; ``failed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingestion.run_record import run_record

from .columns import RUN_COLUMNS

_Record = run_record(
    "_Record", RUN_COLUMNS, run_id="", base_url="", refresh_policy="", status="running"
)


@dataclass
class CrawlSummary(_Record):  # type: ignore[misc,valid-type]
    """One field per column of ``raw_finishers.ingest_runs`` (columns.RUN_COLUMNS)."""

    batches: int = 0  # loads this run made (not landed)

    def row(self) -> dict[str, Any]:
        row = super().row()
        row.pop("batches")
        return row

    LABELS = """
        discovered: events in the site map
        selected: selected (--limit/--slug)
        fetched: fetched (200)
        not_modified: not modified (304)
        skipped_fresh: skipped (not due tonight)
        new: new events
        changed: changed events
        unchanged: unchanged events
        unlisted: unlisted (gone from site map)
        rejected: rejected pages
        failed: failed fetches (retried, backing off)
        gone: gone (404/410 night after night)
        due_left: due pages left for next run
        field_rejects: fields nulled
        requests: HTTP requests
    """

    def table(self) -> str:
        """The end-of-run summary printed by the CLI."""
        title = f"finishers crawl {self.run_id} — {self.status} — {self.base_url}"
        lines, width = self.counter_lines(title)
        lines.append(f"  {'bytes downloaded':<{width}}{self.bytes:>10,}")
        lines.append(self.duration_line(width))
        lines.append(f"  refresh policy: {self.refresh_policy}")
        if self.status == "partial_budget":
            lines.append(
                f"  budget spent: {self.due_left:,} due pages left for the next run "
                "(--backfill: no budget)"
            )
        if self.anomaly:
            lines.append(f"  ANOMALY: {self.anomaly}")
        return "\n".join(lines)
