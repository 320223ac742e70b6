"""Strings kept compact: each distinct one once, in one buffer, named by an int code.

The crawl keeps the slug and URL of every page of tonight's site map all night, and the
event id of every page it reads (the pages' and events' own state is on disk,
:mod:`.spill`). As Python objects each costs a 50-byte header, its dict entries and
a hash, and they are allocated between the rows of the batches landed all night: freed
rows left around them cannot go back to the system, so the process grew with the
catalogue far more than the strings themselves (issue 13). A :class:`StringTable` holds
them in three large buffers instead: the text (hex digests, quoted hex ETags and UUIDs as
their bytes), an end offset per string, and an open-addressing index. A string is decoded
again each time it is read.
"""

from __future__ import annotations

import re
from array import array

# How a string is stored: a tag byte, then its bytes.
_TEXT, _UUID, _HEX, _QUOTED_HEX = 0, 1, 2, 3
_UUID_FORM = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX_FORM = re.compile(r"(?:[0-9a-f]{2})+")
_QUOTED_HEX_FORM = re.compile(r'"((?:[0-9a-f]{2})+)"')
_EMPTY = -1


def pack(text: str) -> bytes:
    """The stored form of ``text``: lower-case hex as its bytes (half the size)."""
    if _UUID_FORM.fullmatch(text):
        return bytes((_UUID,)) + bytes.fromhex(text.replace("-", ""))
    if _HEX_FORM.fullmatch(text):
        return bytes((_HEX,)) + bytes.fromhex(text)
    if (quoted := _QUOTED_HEX_FORM.fullmatch(text)) is not None:
        return bytes((_QUOTED_HEX,)) + bytes.fromhex(quoted.group(1))
    return bytes((_TEXT,)) + text.encode("utf-8", "surrogatepass")


def unpack(packed: bytes) -> str:
    tag, body = packed[0], packed[1:]
    if tag == _TEXT:
        return body.decode("utf-8", "surrogatepass")
    digits = body.hex()
    if tag == _HEX:
        return digits
    if tag == _QUOTED_HEX:
        return f'"{digits}"'
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


class StringTable:
    """Distinct strings, each given a code (0, 1, 2... in order of arrival) for good."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("I")  # string i is _data[_ends[i - 1]:_ends[i]]
        self._slots = array("i", [_EMPTY]) * 8  # open addressing on hash(packed form)

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, code: int) -> str:
        if not 0 <= code < len(self._ends):
            raise IndexError(code)
        return unpack(bytes(self._data[self._start(code) : self._ends[code]]))

    def find(self, text: str) -> int:
        """The code of ``text``, or -1 when it was never added."""
        packed = pack(text)
        return self._slots[self._slot(packed)]

    def code(self, text: str) -> int:
        """The code of ``text``, added if new."""
        packed = pack(text)
        slot = self._slot(packed)
        found = self._slots[slot]
        if found != _EMPTY:
            return found
        code = len(self._ends)
        self._data += packed
        self._ends.append(len(self._data))
        self._slots[slot] = code
        if 3 * len(self._ends) > 2 * len(self._slots):
            self._grow()
        return code

    @property
    def nbytes(self) -> int:
        """The bytes its buffers hold (what a catalogue's strings cost)."""
        return sum(len(b) * b.itemsize for b in (self._ends, self._slots)) + len(self._data)

    def _start(self, code: int) -> int:
        return self._ends[code - 1] if code else 0

    def _slot(self, packed: bytes) -> int:
        """The slot holding ``packed``, or the empty slot where it would go."""
        mask = len(self._slots) - 1
        slot = hash(packed) & mask
        size, data, ends, slots = len(packed), self._data, self._ends, self._slots
        while True:
            code = slots[slot]
            if code == _EMPTY:
                return slot
            start = ends[code - 1] if code else 0
            if ends[code] - start == size and data.startswith(packed, start):
                return slot
            slot = (slot + 1) & mask

    def _grow(self) -> None:
        slots = array("i", [_EMPTY]) * (len(self._slots) * 2)
        mask = len(slots) - 1
        for code in range(len(self._ends)):
            slot = hash(bytes(self._data[self._start(code) : self._ends[code]])) & mask
            while slots[slot] != _EMPTY:
                slot = (slot + 1) & mask
            slots[slot] = code
        self._slots = slots


class Strings:
    """The crawl's string tables: a catalogue's slugs, the event ids of the pages read
    tonight, and the rest (a URL's part before its slug). One table per kind of key, so
    that what is indexed by a slug or an event id costs one entry per slug or id."""

    def __init__(self) -> None:
        self.slugs = StringTable()
        self.ids = StringTable()
        self.texts = StringTable()

    @property
    def nbytes(self) -> int:
        return self.slugs.nbytes + self.ids.nbytes + self.texts.nbytes
