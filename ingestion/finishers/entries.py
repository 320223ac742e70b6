"""Tonight's site-map entries, one per slug, held in columns (:mod:`.columnar`).

The site map lists every event of the catalogue; its entries, the set of slugs it lists
and their positions live all night. A :class:`SitemapEntries` keeps each as a slug code,
the code of its URL without the slug, and its ``<lastmod>`` in microseconds: about 16
bytes, instead of a ``SitemapEntry`` with its strings and datetime (300 bytes or more).
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from dataclasses import dataclass
from datetime import datetime

from .columnar import CodeIndex, Columns, RowSequence, Suffixed, Text, Time
from .strings import Strings

_NONE = -1


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    slug: str
    url: str  # where to fetch it (on the base URL)
    lastmod: datetime | None = None


class SitemapEntries(RowSequence[SitemapEntry]):
    """Entries in site-map order; a slug is kept once (the first entry listing it)."""

    def __init__(self, strings: Strings | None = None) -> None:
        strings = strings or Strings()
        self._slugs = strings.slugs
        self._rows: Columns[SitemapEntry] = Columns(
            SitemapEntry,
            [Text("slug", strings.slugs), Suffixed("url", strings.texts, "slug"), Time("lastmod")],
        )
        self._position = CodeIndex()  # slug code → position

    def add(self, entry: SitemapEntry) -> bool:
        """Append ``entry`` unless its slug is listed already; True when appended."""
        code = self._slugs.code(entry.slug)
        if self._position.get(code) != _NONE:
            return False
        self._position.set(code, self._rows.append(entry))
        return True

    def position(self, slug: str) -> int:
        """Where ``slug``'s entry is, or -1 when the site map does not list it."""
        return self._position.get(self._slugs.find(slug))

    def listed(self) -> ListedSlugs:
        return ListedSlugs(self)

    def __len__(self) -> int:
        return len(self._rows)

    def row(self, index: int) -> SitemapEntry:
        return self._rows.get(index)

    @property
    def nbytes(self) -> int:
        return self._rows.nbytes + self._position.nbytes


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
