"""How long a page without a site-map ``<lastmod>`` may wait before its next re-check.

Pure functions of a page's own history (how often its content hash moved between two
checks) and of its event's dates: an event starting within the next weeks is re-checked
every night, one whose edition is over rarely until its next edition is due, and every
other page once the probability that it changed since its last check reaches
``RECHECK_PROBABILITY``, never later than ``MAX_INTERVAL_NIGHTS``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from . import settings

DAY = timedelta(days=1)


def change_rate(changes: int, observed_days: float) -> float:
    """Changes per day: the mean of a gamma prior updated with what the checks saw.

    ``changes`` counts the checks whose content hash differed from the previous one over
    ``observed_days`` (first seen → last checked). A new page gets the prior, one change in
    a month; a page seen unchanged for a year tends to zero, one that moves often to its rate.
    """
    return (max(changes, 0) + settings.PRIOR_CHANGES) / (
        max(observed_days, 0.0) + settings.PRIOR_DAYS
    )


def learned_nights(rate: float) -> int:
    """Nights until P(changed) = 1 - exp(-rate * t) reaches RECHECK_PROBABILITY."""
    days = -math.log(1 - settings.RECHECK_PROBABILITY) / max(rate, 1e-9)
    return max(1, min(settings.MAX_INTERVAL_NIGHTS, math.floor(days)))


@dataclass(frozen=True)
class Interval:
    nights: int
    reason: str  # upcoming | soon | learned | max_interval | edition_over | new_edition_due


def days_until(day: date | None, now: datetime) -> int | None:
    return None if day is None else (day - now.date()).days


def recheck_interval(rate: float, start: date | None, end: date | None, now: datetime) -> Interval:
    """The re-check interval of a known page, in nights, and why."""
    learned = learned_nights(rate)
    plain = Interval(
        learned, "learned" if learned < settings.MAX_INTERVAL_NIGHTS else "max_interval"
    )
    to_start, to_end = days_until(start, now), days_until(end or start, now)
    if to_start is None or to_end is None:
        return plain
    if to_end >= 0 and to_start <= settings.UPCOMING_DAYS:
        return Interval(1, "upcoming")
    if to_end >= 0 and to_start <= settings.SOON_DAYS and learned > settings.SOON_INTERVAL_NIGHTS:
        return Interval(settings.SOON_INTERVAL_NIGHTS, "soon")
    if to_end < 0:
        if -to_start >= settings.NEW_EDITION_DUE_DAYS:
            return Interval(plain.nights, "new_edition_due")
        if plain.reason == "max_interval":
            return Interval(settings.EDITION_OVER_INTERVAL_NIGHTS, "edition_over")
    return plain


def waited(last: datetime | None, now: datetime, nights: int) -> bool:
    """At least ``nights`` nights since ``last`` (a night: NIGHT_HOURS, so a run that starts
    a little earlier than the previous one still counts as the next night)."""
    if last is None or nights <= 0:
        return True
    slack = timedelta(hours=24 - settings.NIGHT_HOURS)
    return now - last >= nights * DAY - slack


def change_probability(rate: float, since: datetime | None, now: datetime) -> float:
    """P(the page changed since ``since``) under its learned rate (1 when never checked)."""
    if since is None:
        return 1.0
    return 1.0 - math.exp(-rate * max((now - since) / DAY, 0.0))
