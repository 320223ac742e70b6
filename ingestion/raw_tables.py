"""A raw table declared once: its columns (types, keys, hints) and how dlt lands it.

Every source's ``columns.py`` declares its tables with :func:`columns` and
:class:`RawTable`; the dlt resources, the empty tables of a first run and the contract
tests (``tests/*/test_contract.py``) all read these declarations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import Field, dataclass, field, make_dataclass
from types import NoneType
from typing import Any, Literal, get_args, get_origin

import dlt
from dlt.sources import DltResource
from pydantic import BaseModel

TEXT, BIGINT, DOUBLE, BOOL = "text", "bigint", "double", "bool"
DATE, TS = "date", "timestamp"

Columns = dict[str, dict[str, Any]]
Row = dict[str, Any]

MERGE = {"disposition": "merge", "strategy": "delete-insert"}
DATA_TYPES = (TEXT, BIGINT, DOUBLE, BOOL, DATE, TS)
# What a word after a column's type adds to its dlt schema.
FLAGS: dict[str, dict[str, Any]] = {
    "key": {"nullable": False, "primary_key": True},
    "required": {"nullable": False},
    "merge_key": {"merge_key": True},
    "hard_delete": {"hard_delete": True},  # a row with true deletes the rows of its keys
}
# The dbt sources YAML names the types as the warehouse does (tests/*/test_contract.py).
SQL_TYPES = {
    TEXT: "text",
    BIGINT: "bigint",
    DOUBLE: "double precision",
    BOOL: "boolean",
    DATE: "date",
    TS: "timestamp with time zone",
}
# The two columns dlt adds to every row it lands, with their warehouse types.
DLT_COLUMNS = {"_dlt_load_id": "text", "_dlt_id": "text"}


def columns(declaration: str) -> Columns:
    """dlt column schemas from ``"name type [flag...], ..."`` in table order.

    Every column is nullable unless flagged ``key`` (see ``FLAGS``).
    """
    schema: Columns = {}
    for item in declaration.split(","):
        if not item.strip():
            continue
        name, data_type, *flags = item.split()
        if data_type not in DATA_TYPES or name in schema:
            raise ValueError(f"column {item.strip()!r}: bad type or declared twice")
        schema[name] = {"data_type": data_type, "nullable": True}
        for flag in flags:
            schema[name].update(FLAGS[flag])
    return schema


# Defaults of a row type's fields: counters start at zero, other columns at None.
_DEFAULTS = {BIGINT: 0, DOUBLE: 0.0}


def row_type(
    name: str,
    columns: Columns,
    *,
    bases: tuple[type, ...] = (),
    frozen: bool = False,
    slots: bool = False,
    **defaults: Any,
) -> type:
    """A dataclass with one field per declared column, in table order: the primary key is
    required, the others default to ``defaults`` (a value or a ``field(...)``), 0 for
    numbers or None. Frozen or ``slots``: no instance ``__dict__`` (bases declare
    ``__slots__ = ()``)."""

    def default(column: str, spec: dict[str, Any]) -> Any:
        if spec.get("primary_key"):
            return field()
        value = defaults.get(column, _DEFAULTS.get(spec["data_type"]))
        return value if isinstance(value, Field) else field(default=value)

    fields = [(column, Any, default(column, spec)) for column, spec in columns.items()]
    return make_dataclass(name, fields, bases=bases, frozen=frozen, slots=frozen or slots)


def model_columns(model: type[BaseModel], *, skip: tuple[str, ...] = ()) -> str:
    """The declaration of a pydantic model's fields (a list lands as JSON text)."""
    python_types = {str: TEXT, int: BIGINT, float: DOUBLE, bool: BOOL, dt.date: DATE}
    parts = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        kinds = [a for a in get_args(info.annotation) or (info.annotation,) if a is not NoneType]
        kind = get_origin(kinds[0]) or kinds[0]
        parts.append(f"{name} {TEXT if kind is list else python_types[kind]}")
    return ", ".join(parts)


def _one_or_all(keys: tuple[str, ...]) -> str | tuple[str, ...]:
    return keys[0] if len(keys) == 1 else keys


@dataclass(frozen=True)
class RawTable:
    """One raw table: merged on its primary key (``merge``) or appended to."""

    name: str
    columns: Columns
    disposition: Literal["merge", "append"] = "append"

    def keys(self, hint: str) -> tuple[str, ...]:
        return tuple(name for name, col in self.columns.items() if col.get(hint))

    def hints(self) -> dict[str, Any]:
        """The ``dlt.resource`` arguments of this table."""
        hints: dict[str, Any] = {"name": self.name, "columns": self.columns}
        if self.disposition == "append":
            return {**hints, "write_disposition": "append"}
        hints.update(write_disposition=MERGE, primary_key=_one_or_all(self.keys("primary_key")))
        if merge := self.keys("merge_key"):
            hints["merge_key"] = _one_or_all(merge)
        return hints

    def resource(self, rows: Iterable[Row] = (), create: bool = False) -> DltResource:
        """A resource of ``rows``; with none and ``create``, the empty table (dbt's sources
        must exist from the first run on; dlt creates a table only once a row reaches it)."""

        def items() -> Iterator[Any]:
            batch = list(rows)
            if batch:
                yield batch
            elif create:
                yield dlt.mark.materialize_table_schema()

        return dlt.resource(items, **self.hints())

    def transformer(self, pick: Callable[[Any], Any]) -> Any:
        """A transformer that lands what ``pick`` takes from each item it is piped (rows
        or an Arrow table; nothing when it takes nothing)."""

        def rows(item: Any) -> Iterator[list[Row]]:
            picked = pick(item)
            if picked:
                yield picked

        return dlt.transformer(rows, **self.hints())
