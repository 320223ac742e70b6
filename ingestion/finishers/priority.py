"""In which order a night takes its due pages, so that a budget cuts the least useful.

Pure functions: a page's rank (what made it due) first, then, among known pages due for a
re-check, the value of that re-check: how soon its event starts, then the probability that
the page changed since its last check (its learned rate).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum

from . import settings
from .adaptive import days_until


class Rank(IntEnum):
    NEW = 0  # never seen
    RELISTED = 1  # back in the site map
    LASTMOD_MOVED = 2  # the site map says it changed
    RETRY = 3  # failed, and its back-off is over
    RECHECK = 4  # known page due for a re-check: by expected value


UPCOMING_WEIGHT = 4.0
SOON_WEIGHT = 2.0


def event_weight(start: date | None, end: date | None, now: datetime) -> float:
    """An event starting within the next weeks is worth more than one that ended months ago."""
    to_start, to_end = days_until(start, now), days_until(end or start, now)
    if to_start is None or to_end is None or to_end < 0:
        return 1.0
    if to_start <= settings.UPCOMING_DAYS:
        return UPCOMING_WEIGHT
    if to_start <= settings.SOON_DAYS:
        return SOON_WEIGHT
    return 1.0


def expected_value(change_probability: float, weight: float) -> float:
    """What a re-check is worth: the event's weight, then the chance of finding a change.

    ``weight * (1 + P)``: an event starting within the next weeks outranks any later one
    (its page is checked every night, so its P is small, yet its changes matter most), and
    within the same weight a page likely to have changed comes first.
    """
    return weight * (1.0 + max(0.0, min(1.0, change_probability)))


def sort_key(rank: Rank, value: float, position: int) -> tuple[int, float, int]:
    """Rank first, then the highest value; the site-map order breaks ties (stable runs)."""
    return (int(rank), -value, position)
