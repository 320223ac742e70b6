"""Reads of the warehouse from Python, through dlt's SQL client: the one way every step,
the summary and the demo read what was landed (``Warehouse.reader()`` opens one).

Queries take ``%s`` parameters on DuckDB and Postgres alike (dlt's client translates
them); identifiers are constants of this repository, never user input. A table or a
column not landed yet reads as absent (no rows, or NULL), so a first run reads nothing
instead of failing. Timestamps come back in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from dlt.destinations.sql_client import SqlClientBase

Row = dict[str, Any]


def _utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


class WarehouseReader:
    """An open dlt SQL client, read as rows of dicts."""

    def __init__(self, client: SqlClientBase[Any]) -> None:
        self.client = client

    def records(self, sql: str, *args: Any) -> list[Row]:
        """The rows of ``sql`` as dicts, ``%s`` bound to ``args``."""
        with self.client.execute_query(sql, *args) as cursor:
            names = [column[0] for column in cursor.description]
            return [
                {name: _utc(value) for name, value in zip(names, row, strict=True)}
                for row in cursor.fetchall()
            ]

    def tables(self, schema: str) -> set[str]:
        """The tables of ``schema`` (none when it does not exist yet)."""
        rows = self.records(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", schema
        )
        return {row["table_name"] for row in rows}

    def columns(self, schema: str, table: str) -> list[str]:
        """The columns of ``schema.table`` in table order (none when it does not exist yet)."""
        rows = self.records(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            schema,
            table,
        )
        return [row["column_name"] for row in rows]

    def _projection(self, schema: str, table: str, wanted: Iterable[str]) -> str | None:
        """``SELECT <wanted> FROM schema.table``, NULL for a column it does not have yet;
        None when the table does not exist yet."""
        present = set(self.columns(schema, table))
        if not present:
            return None
        select = ", ".join(f'"{c}"' if c in present else f'NULL AS "{c}"' for c in wanted)
        return f'SELECT {select} FROM "{schema}"."{table}"'

    def select(
        self, schema: str, table: str, wanted: Iterable[str], where: str = "", *args: Any
    ) -> list[Row]:
        """The ``wanted`` columns of the rows of ``schema.table`` (``where``: a condition on
        its columns, ``%s`` bound to ``args``); none when the table does not exist yet."""
        projection = self._projection(schema, table, wanted)
        if projection is None:
            return []
        return self.records(f"{projection} WHERE {where}" if where else projection, *args)

    def select_keys(
        self, schema: str, table: str, wanted: Iterable[str], key: str, values: Iterable[str]
    ) -> list[Row]:
        """The rows whose text ``key`` is one of ``values``. The values go as one text
        parameter that the warehouse splits: DuckDB binds a Python parameter in about
        0.1 ms, so 10,000 keys as 10,000 parameters took over a second. A value holding
        KEY_SEPARATOR (U+001F, in no key of this repository) is never found."""
        values = [value for value in values if KEY_SEPARATOR not in value]
        projection = self._projection(schema, table, wanted) if values else None
        if projection is None:
            return []
        return self.records(
            f'{projection} WHERE "{key}" IN (SELECT unnest(string_to_array(%s, chr(31))))',
            KEY_SEPARATOR.join(values),
        )

    def page(
        self,
        schema: str,
        table: str,
        wanted: Sequence[str],
        key: Sequence[str],
        after: Sequence[Any] = (),
        size: int = 10_000,
    ) -> list[Row]:
        """The first ``size`` rows of :meth:`select` in ``key`` order (columns of ``wanted``
        unique together and never null) whose key comes after ``after`` (none: from the
        start); none when the table does not exist yet."""
        projection = self._projection(schema, table, wanted)
        if projection is None:
            return []
        order = ", ".join(f'"{c}"' for c in key)
        where = f" WHERE ({order}) > ({', '.join(['%s'] * len(key))})" if after else ""
        return self.records(f"{projection}{where} ORDER BY {order} LIMIT {int(size)}", *after)

    def pages(
        self,
        schema: str,
        table: str,
        wanted: Sequence[str],
        key: Sequence[str],
        size: int = 10_000,
    ) -> Iterator[list[Row]]:
        """Every row of :meth:`select`, a :meth:`page` at a time: each page is its own
        query, so memory follows the page, not the table (Postgres' client would hold a
        whole result in memory before the first row)."""

        def read_page(after: list[Any]) -> list[Row]:
            return self.page(schema, table, wanted, key, after, size)

        return keyset_pages(read_page, key, size)


KEY_SEPARATOR = "\x1f"


def keyset_pages(
    read_page: Callable[[list[Any]], list[Row]], key: Sequence[str], size: int
) -> Iterator[list[Row]]:
    """The pages ``read_page(after)`` gives, each after the previous page's last ``key``,
    until one is short: the loop of :meth:`WarehouseReader.pages`, for a reader that opens
    a connection per page (``Warehouse.pages``)."""
    after: list[Any] = []
    while True:
        page = read_page(after)
        if page:
            yield page
        if len(page) < size:
            return
        after = [page[-1][c] for c in key]
