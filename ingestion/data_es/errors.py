"""What stops a Data ES run, each a one-line message (the CLI exits 2 on them)."""

from __future__ import annotations

from datetime import datetime


class DataEsError(RuntimeError):
    """The run cannot go on (the message is one line, with its figures)."""


class SliceTooLarge(DataEsError):
    pass


class QuotaStop(DataEsError):
    """The daily quota or the run's request budget is spent: stop, resume on the next run."""

    def __init__(self, message: str, reset_at: datetime | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at
