"""Failed pages back off across nights; a page that keeps answering 404/410 is gone.

Pure functions of the page's ``consecutive_failures`` (transient failures, or 404/410
answers, in a row): the crawler records them, the refresh policy asks these.
"""

from __future__ import annotations

from . import settings

MISSING_REASONS = frozenset({"http_404", "http_410"})


def retry_wait_nights(consecutive_failures: int) -> int:
    """Nights to wait before retrying a page that failed ``consecutive_failures`` times.

    The first failure is retried on the next run (a network blip, a killed run), then after
    1, 2, 4... nights, at most ``BACKOFF_MAX_NIGHTS``.
    """
    if consecutive_failures <= 1:
        return 0
    return min(2 ** (consecutive_failures - 2), settings.BACKOFF_MAX_NIGHTS)


def missing_wait_nights() -> int:
    """A 404/410 is asked again the next night: gone needs consecutive nights, not retries."""
    return 1


def is_gone(consecutive_missing: int) -> bool:
    """404/410 on GONE_AFTER_NIGHTS consecutive nights: the page is recorded as gone."""
    return consecutive_missing >= settings.GONE_AFTER_NIGHTS


def next_failure_count(previous_reason: str | None, previous_count: int, reason: str) -> int:
    """The new ``consecutive_failures`` after a failed fetch or a 404/410 with ``reason``.

    The count goes on while the page answers the same way (failing, or missing), and starts
    again at 1 when it changes from one to the other.
    """
    same_kind = (previous_reason in MISSING_REASONS) == (reason in MISSING_REASONS)
    return previous_count + 1 if same_kind and previous_count > 0 else 1
