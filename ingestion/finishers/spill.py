"""A ``dict`` of rows kept out of the process: a table of SQLite's private temporary
database, for the crawl's state (issue 13).

Every page and event of the catalogue has a state that the refresh policy and change
detection read (:mod:`.crawl_state`). Held in the process, even in columns, it grew the
crawl's memory with the catalogue: about 30 MB at 100,000 events, most of what made a
night at 100,000 events peak 1.5 times higher than at 10,000. Here each row is pickled
into a table of ``sqlite3.connect("")``: an on-disk database that SQLite deletes when
the connection closes, whose page cache is bounded (:data:`CACHE_KIB`). The process
holds the rows it reads, one at a time.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import ItemsView, Iterator, MutableMapping
from dataclasses import fields
from typing import Any, Generic, TypeVar

T = TypeVar("T")

CACHE_KIB = 2048  # SQLite's page cache per database (its default); the rest is on disk


class SpillDatabase:
    """A private temporary SQLite database, deleted when closed (or collected)."""

    def __init__(self) -> None:
        self.connection = sqlite3.connect("")
        for pragma in (f"cache_size = -{CACHE_KIB}", "journal_mode = OFF", "synchronous = OFF"):
            self.connection.execute(f"PRAGMA {pragma}")

    @property
    def size(self) -> int:
        """The bytes of the database (on disk, but for the pages in its cache)."""
        pages = self.connection.execute("PRAGMA page_count").fetchone()[0]
        return int(pages * self.connection.execute("PRAGMA page_size").fetchone()[0])

    def close(self) -> None:
        self.connection.close()


class SpilledRows(MutableMapping[str, T], Generic[T]):
    """Rows of the dataclass ``cls`` by a string key, in one table of ``database``."""

    def __init__(self, database: SpillDatabase, table: str, cls: type[T]) -> None:
        self._db = database.connection
        self._cls = cls
        self._names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
        self._table = table
        self._db.execute(f'CREATE TABLE "{table}" (key TEXT PRIMARY KEY, row BLOB NOT NULL)')
        self._upsert = (
            f'INSERT INTO "{table}" (key, row) VALUES (?, ?) '
            "ON CONFLICT (key) DO UPDATE SET row = excluded.row"
        )

    def _pack(self, row: T) -> bytes:
        if not isinstance(row, self._cls):
            raise TypeError(f"{self._table}: {row!r} is not a {self._cls.__name__}")
        return pickle.dumps(tuple(getattr(row, name) for name in self._names), protocol=5)

    def _unpack(self, blob: bytes) -> T:
        return self._cls(*pickle.loads(blob))

    def _row(self, key: object) -> bytes | None:
        if not isinstance(key, str):
            return None
        found = self._db.execute(f'SELECT row FROM "{self._table}" WHERE key = ?', (key,))
        row = found.fetchone()
        return None if row is None else row[0]

    def __getitem__(self, key: str) -> T:
        blob = self._row(key)
        if blob is None:
            raise KeyError(key)
        return self._unpack(blob)

    def get(self, key: str, default: Any = None) -> Any:
        blob = self._row(key)
        return default if blob is None else self._unpack(blob)

    def __contains__(self, key: object) -> bool:
        return self._row(key) is not None

    def __setitem__(self, key: str, value: T) -> None:
        self._db.execute(self._upsert, (key, self._pack(value)))

    def put_many(self, rows: Iterator[tuple[str, T]]) -> None:
        """Store many rows at once (reading the state back: one statement, not one per row)."""
        self._db.executemany(self._upsert, ((key, self._pack(value)) for key, value in rows))

    def __delitem__(self, key: str) -> None:
        if not self._db.execute(f'DELETE FROM "{self._table}" WHERE key = ?', (key,)).rowcount:
            raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (key for (key,) in self._db.execute(f'SELECT key FROM "{self._table}"'))

    def __len__(self) -> int:
        return int(self._db.execute(f'SELECT count(*) FROM "{self._table}"').fetchone()[0])

    def items(self) -> ItemsView[str, T]:
        return _Items(self)

    def rows(self) -> Iterator[tuple[str, T]]:
        """(key, row) of every row, read in one pass."""
        for key, blob in self._db.execute(f'SELECT key, row FROM "{self._table}"'):
            yield key, self._unpack(blob)


class _Items(ItemsView[str, T]):
    """``items()`` in one pass over the table (not one look-up per key)."""

    _mapping: SpilledRows[T]

    def __iter__(self) -> Iterator[tuple[str, T]]:
        return self._mapping.rows()
