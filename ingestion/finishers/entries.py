"""Tonight's site-map entries, one per slug, held in columns (:mod:`.columnar`).

The site map lists every event of the catalogue; its entries, the set of slugs it lists
and their positions live all night. A :class:`SitemapEntries` keeps each as a slug code,
the code of its URL without the slug, and its ``<lastmod>`` in microseconds: about 16
bytes, instead of a ``SitemapEntry`` with its strings and datetime (300 bytes or more).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from datetime import datetime
from typing import overload

from .columnar import Columns, Suffixed, Text, Time
from .strings import Strings

_NONE = -1


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    slug: str
    url: str  # where to fetch it (on the base URL)
    lastmod: datetime | None = None


class SitemapEntries(Sequence[SitemapEntry]):
    """Entries in site-map order; a slug is kept once (the first entry listing it)."""

    def __init__(self, strings: Strings | None = None) -> None:
        strings = strings or Strings()
        self._slugs = strings.slugs
        self._rows: Columns[SitemapEntry] = Columns(
            SitemapEntry,
            [Text("slug", strings.slugs), Suffixed("url", strings.texts, "slug"), Time("lastmod")],
        )
        self._position = array("i")  # slug code → position, or -1

    def add(self, entry: SitemapEntry) -> bool:
        """Append ``entry`` unless its slug is listed already; True when appended."""
        code = self._slugs.code(entry.slug)
        missing = code + 1 - len(self._position)
        if missing > 0:
            self._position.extend(array("i", [_NONE]) * missing)
        if self._position[code] != _NONE:
            return False
        self._position[code] = self._rows.append(entry)
        return True

    def position(self, slug: str) -> int:
        """Where ``slug``'s entry is, or -1 when the site map does not list it."""
        code = self._slugs.find(slug)
        return self._position[code] if 0 <= code < len(self._position) else _NONE

    def listed(self) -> ListedSlugs:
        return ListedSlugs(self)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> SitemapEntry: ...

    @overload
    def __getitem__(self, index: slice) -> list[SitemapEntry]: ...

    def __getitem__(self, index: int | slice) -> SitemapEntry | list[SitemapEntry]:
        if isinstance(index, slice):
            return [self._rows.get(i) for i in range(*index.indices(len(self)))]
        return self._rows.get(index + len(self) if index < 0 else index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    @property
    def nbytes(self) -> int:
        return self._rows.nbytes + len(self._position) * self._position.itemsize


class ListedSlugs(Set[str]):
    """The slugs of tonight's site map, as a set (no copy of them)."""

    def __init__(self, entries: SitemapEntries) -> None:
        self._entries = entries

    def __contains__(self, slug: object) -> bool:
        return isinstance(slug, str) and self._entries.position(slug) != _NONE

    def __iter__(self) -> Iterator[str]:
        return (entry.slug for entry in self._entries)

    def __len__(self) -> int:
        return len(self._entries)
