"""Guards against a bad night: a site map that suddenly lists a fraction of the catalogue,
and a site whose pages stopped being event pages (a redesign).

Either one stops the run before it does harm: nothing is unlisted, nothing landed is
changed, the run is recorded with ``status = 'anomaly'`` and the figures, and the CLI
exits non-zero so that the nightly goes red before dbt runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import Protocol

from .strings import StringTable


class Mapped(Protocol):
    event_id: str | None


class Listed(Protocol):
    is_listed: bool | None


class CrawlAnomaly(RuntimeError):
    """The run stopped on a guard; its message is the one line the CLI prints."""


def shrink_anomaly(listed: int, would_unlist: int, discovered: int, max_share: float) -> str | None:
    """Why the site map is not believed, or None.

    ``listed``: events listed before tonight; ``would_unlist``: those the site map no
    longer shows; ``discovered``: its event URLs.
    """
    if discovered == 0:
        return (
            f"the site map lists no events ({listed:,} listed until now): nothing unlisted; "
            "rerun with --accept-shrink if the site really is empty"
        )
    if listed == 0:
        return None
    share = would_unlist / listed
    if share > max_share:
        return (
            f"the site map would unlist {would_unlist:,} of {listed:,} listed events "
            f"({share:.0%} > FINISHERS_MAX_UNLIST_SHARE {max_share:.0%}; it lists "
            f"{discovered:,}): nothing unlisted; rerun with --accept-shrink if the shrink is real"
        )
    return None


def would_unlist(
    pages: Mapping[str, Mapped], events: Mapping[str, Listed], listed_slugs: Set[str]
) -> tuple[int, int, int]:
    """(events listed until now, those tonight's site map no longer shows, its event URLs).

    An event is shown when a page of the site map showed it when last read (its slug may
    have changed: a new slug is not counted, it is not read yet).
    """
    shown = StringTable()  # a catalogue's ids: a few buffers, not a set of strings
    for slug in listed_slugs:
        page = pages.get(slug)
        if page is not None and page.event_id:
            shown.code(page.event_id)
    listed = gone = 0
    for event_id, event in events.items():
        if event.is_listed is not False:
            listed += 1
            gone += shown.find(event_id) < 0
    return listed, gone, len(listed_slugs)


@dataclass
class RejectGuard:
    """Counts downloaded pages and those rejected as not event pages."""

    max_share: float
    min_pages: int
    fetched: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def record(self, rejected_reason: str | None) -> None:
        self.fetched += 1
        if rejected_reason is not None:
            self.reasons[rejected_reason] += 1

    def anomaly(self) -> str | None:
        """Why the run must stop (the site looks redesigned), or None."""
        rejected = sum(self.reasons.values())
        if self.fetched < self.min_pages or rejected <= self.max_share * self.fetched:
            return None
        top = ", ".join(f"{reason} {n}" for reason, n in self.reasons.most_common(3))
        return (
            f"{rejected:,} of {self.fetched:,} downloaded pages ({rejected / self.fetched:.0%} > "
            f"FINISHERS_MAX_REJECT_SHARE {self.max_share:.0%}) are not event pages ({top}): "
            "has the site changed its layout? stopped early; nothing landed was changed"
        )
