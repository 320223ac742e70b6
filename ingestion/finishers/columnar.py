"""Rows of one dataclass held column by column, in arrays, and read back as instances.

The crawl keeps a site-map entry for every page of the catalogue all night
(:mod:`.entries`; the pages' and events' state is spilled to disk, :mod:`.spill`). As
instances they cost one object per field value and per row, allocated all night between
the rows of the landed batches, whose memory they then keep from going back to the
system (issue 13). A :class:`Columns` keeps each field in one array: strings as codes of
a :class:`.strings.StringTable`, times as microseconds. Reading a row builds a new
instance, equal to the one stored (times come back in UTC, the same instant).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from array import array
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar, overload

from .strings import StringTable

T = TypeVar("T")

_NO_INT = -(2**63)
_NO_CODE = -1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_US = timedelta(microseconds=1)


class Column(ABC):
    """One field of every row; a subclass says how a value is stored as an int."""

    def __init__(self, name: str, values: array[int] | bytearray) -> None:
        self.name = name
        self.values = values

    @abstractmethod
    def encode(self, value: Any, row: Any) -> int:
        """The int stored for ``value`` (``row``: the whole row, for a field read with another)."""

    @abstractmethod
    def decode(self, stored: int, values: dict[str, Any]) -> Any:
        """The value of ``stored``; ``values``: the fields of its row decoded before it."""

    def encoded(self, row: Any) -> int:
        """What is stored for this field of ``row`` (a TypeError for a wrong type)."""
        return self.encode(getattr(row, self.name), row)

    def get(self, index: int, values: dict[str, Any]) -> Any:
        """The field of row ``index``; ``values``: the fields of that row read before it."""
        return self.decode(self.values[index], values)

    @property
    def nbytes(self) -> int:
        size = self.values.itemsize if isinstance(self.values, array) else 1
        return len(self.values) * size


class Text(Column):
    """A string, as its code in a table shared with other columns (each text held once)."""

    def __init__(self, name: str, table: StringTable) -> None:
        super().__init__(name, array("i"))
        self.table = table

    def encode(self, value: Any, row: Any) -> int:
        if value is None:
            return _NO_CODE
        if not isinstance(value, str):
            raise TypeError(f"{self.name}: {value!r} is not a str")
        return self.table.code(value)

    def decode(self, stored: int, values: dict[str, Any]) -> Any:
        return None if stored == _NO_CODE else self.table[stored]


class Suffixed(Text):
    """A string that usually ends with another field of its row (a page's URL with its
    slug): only what comes before it is stored, one string for all such rows."""

    def __init__(self, name: str, table: StringTable, suffix: str) -> None:
        super().__init__(name, table)
        self.suffix = suffix

    def encode(self, value: Any, row: Any) -> int:
        if value is None:
            return _NO_CODE
        suffix = getattr(row, self.suffix)
        if suffix and isinstance(value, str) and value.endswith(suffix):
            return 2 * super().encode(value[: -len(suffix)], row) + 1
        return 2 * super().encode(value, row)

    def decode(self, stored: int, values: dict[str, Any]) -> Any:
        if stored == _NO_CODE:
            return None
        text = self.table[stored >> 1]
        return text + values[self.suffix] if stored & 1 else text


class Time(Column):
    """A datetime to the microsecond: an aware one comes back in UTC, a naive one naive."""

    def __init__(self, name: str) -> None:
        super().__init__(name, array("q"))

    def encode(self, value: Any, row: Any) -> int:
        if value is None:
            return _NO_INT
        if not isinstance(value, datetime):
            raise TypeError(f"{self.name}: {value!r} is not a datetime")
        if value.tzinfo is None or value.utcoffset() is None:
            return 2 * ((value.replace(tzinfo=None) - _NAIVE_EPOCH) // _US) + 1
        return 2 * ((value - _EPOCH) // _US)

    def decode(self, stored: int, values: dict[str, Any]) -> Any:
        if stored == _NO_INT:
            return None
        if stored & 1:
            return _NAIVE_EPOCH + (stored >> 1) * _US
        return _EPOCH + (stored >> 1) * _US


class Columns(Generic[T]):
    """Rows of the dataclass ``cls``, one :class:`Column` per field, in field order."""

    def __init__(self, cls: type[T], columns: list[Column]) -> None:
        names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
        if [c.name for c in columns] != names:
            raise ValueError(f"{cls.__name__}: columns {[c.name for c in columns]} != {names}")
        self.cls = cls
        self.columns = columns
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def append(self, row: T) -> int:
        """Store ``row``; its index. A field of the wrong type stores nothing."""
        stored = [column.encoded(row) for column in self.columns]
        for column, value in zip(self.columns, stored, strict=True):
            column.values.append(value)
        self._len += 1
        return self._len - 1

    def set(self, index: int, row: T) -> None:
        stored = [column.encoded(row) for column in self.columns]
        for column, value in zip(self.columns, stored, strict=True):
            column.values[index] = value

    def get(self, index: int) -> T:
        if not 0 <= index < self._len:
            raise IndexError(index)
        values: dict[str, Any] = {}
        for column in self.columns:
            values[column.name] = column.get(index, values)
        return self.cls(**values)

    @property
    def nbytes(self) -> int:
        return sum(column.nbytes for column in self.columns)


class CodeIndex:
    """An int for each code of a :class:`.strings.StringTable` (a row's index, another
    table's code), -1 for none; grown as codes come."""

    def __init__(self) -> None:
        self._values = array("i")

    def get(self, code: int) -> int:
        return self._values[code] if 0 <= code < len(self._values) else _NO_CODE

    def set(self, code: int, value: int) -> None:
        missing = code + 1 - len(self._values)
        if missing > 0:
            self._values.extend(array("i", [_NO_CODE]) * missing)
        self._values[code] = value

    def items(self) -> Iterator[tuple[int, int]]:
        """(code, int) of every code that has one."""
        return ((code, value) for code, value in enumerate(self._values) if value != _NO_CODE)

    @property
    def nbytes(self) -> int:
        return len(self._values) * self._values.itemsize


class RowSequence(Sequence[T]):
    """A read-only sequence whose items are built when read (:meth:`row`), equal to any
    sequence of equal items."""

    @abstractmethod
    def row(self, index: int) -> T:
        """Item ``index`` (0 ≤ index < len)."""

    @abstractmethod
    def __len__(self) -> int: ...

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self.row(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.row(index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


class TextMap(MutableMapping[str, str]):
    """A ``dict`` of strings by string (a slug's event id): one int per code of the keys'
    table, the code of the value in the values' table."""

    def __init__(self, keys: StringTable, values: StringTable) -> None:
        self.keys_table = keys
        self.values_table = values
        self._value_of = CodeIndex()  # key code → value code
        self._len = 0

    def _code(self, key: object) -> int:
        code = self.keys_table.find(key) if isinstance(key, str) else _NO_CODE
        return self._value_of.get(code)

    def __getitem__(self, key: str) -> str:
        code = self._code(key)
        if code == _NO_CODE:
            raise KeyError(key)
        return self.values_table[code]

    def __contains__(self, key: object) -> bool:
        return self._code(key) != _NO_CODE

    def __setitem__(self, key: str, value: str) -> None:
        code = self.keys_table.code(key)
        self._len += self._value_of.get(code) == _NO_CODE
        self._value_of.set(code, self.values_table.code(value))

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._value_of.set(self.keys_table.find(key), _NO_CODE)
        self._len -= 1

    def __iter__(self) -> Iterator[str]:
        return (self.keys_table[code] for code, _ in self._value_of.items())

    def __len__(self) -> int:
        return self._len
