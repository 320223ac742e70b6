"""The record of one run of an ingestion step: its counters, landed in the step's
``ingest_runs`` table and printed as a table at the end of the run.

Its fields are the columns of that table, declared once in the step's ``columns.py``:
:func:`run_record` makes the dataclass from them.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, ClassVar

from ingestion.raw_tables import Columns, row_type


class RunRecord:
    """What every step's run record does (its fields come from :func:`run_record`)."""

    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float
    requests: int

    def finish(self, now: datetime, requests: int) -> None:
        """Close the record at ``now``, after ``requests`` HTTP requests."""
        self.finished_at = now
        started = self.started_at or now
        self.duration_s = round((now - started).total_seconds(), 3)
        self.requests = requests

    def row(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    # The counters the summary prints, in its order: one ``counter: label`` a line.
    LABELS: ClassVar[str] = ""

    def counter_lines(self, title: str) -> tuple[list[str], int]:
        """The title and one aligned line per counter of ``LABELS``, and the label width."""
        labels = [
            (key.strip(), label.strip())
            for key, label in (line.split(":", 1) for line in self.LABELS.strip().splitlines())
        ]
        width = max(len(label) for _, label in labels) + 2
        lines = [title] + [f"  {label:<{width}}{getattr(self, key):>10,}" for key, label in labels]
        return lines, width

    def duration_line(self, width: int) -> str:
        return f"  {'duration':<{width}}{self.duration_s:>9.1f}s"


def run_record(name: str, columns: Columns, **defaults: Any) -> type[RunRecord]:
    """A dataclass with one field per column of ``ingest_runs`` (defaults: 0 for numbers,
    None otherwise, or ``defaults``), and :class:`RunRecord`'s methods."""
    return row_type(name, columns, bases=(RunRecord,), **defaults)
