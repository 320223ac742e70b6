"""Compact crawl state: equal values that many rows repeat kept as one object.

The crawl keeps a page state and an event state for every page of the catalogue
(:mod:`.crawl_state`), read back from the warehouse each night. Read row by row, every
value is a new object: the run id, the outcome (``not_modified``), the time the page was
first seen (the start of its first run), a night's site-map ``<lastmod>``, an edition
date, each a few dozen bytes per row although a handful of distinct values exist. Equal
values of one kind are interchangeable (immutable), so sharing them changes no decision.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")

# Distinct values remembered at most: a column whose values are all different (a time
# of day to the microsecond) stops costing a table entry per row once it is full.
MAX_SHARED_VALUES = 4096


class Shared:
    """One object per distinct value, for the time of one read of the state."""

    def __init__(self, max_values: int = MAX_SHARED_VALUES) -> None:
        self.max_values = max_values
        self._values: dict[Any, Any] = {}
        self._texts: dict[str, str] = {}

    def value(self, value: T) -> T:
        """``value``, or the equal one seen before (of the same type: 1 and True differ)."""
        if value is None:
            return value
        key = (type(value), value)
        seen = self._values.get(key)
        if seen is not None:
            return seen  # type: ignore[no-any-return]
        if len(self._values) < self.max_values:
            self._values[key] = value
        return value

    def text(self, value: str | None) -> str | None:
        """An identifier (event id, slug, content hash) as one string wherever it appears
        (no size bound: the state keeps each one anyway; the table goes after the read)."""
        if value is None:
            return None
        return self._texts.setdefault(value, value)

    @staticmethod
    def same(value: T, *candidates: Any) -> T:
        """``value``, or the first of ``candidates`` equal to it (a row's two equal times)."""
        if value is None:
            return value
        for candidate in candidates:
            if candidate is not None and type(candidate) is type(value) and candidate == value:
                return candidate  # type: ignore[no-any-return]
        return value
