"""Gives the memory of a landed batch back to the operating system.

A batch is thousands of event rows (descriptions, races, the page's JSON) and dlt's work
on them: hundreds of MB of C-heap allocations, freed once it has landed. glibc keeps what
is freed inside its heaps for reuse; memory left between the objects that live on (the
state of every event seen, growing all night) is then never returned, so the crawl's RSS
kept growing with the catalogue although its live memory did not (a first crawl on
Postgres: 266 MB at 10,000 events, 558 MB at 100,000). ``malloc_trim`` returns every
free page of the heaps to the system.

It does not reach the free memory at the top of the other threads' heaps (the fetchers',
the lander's): glibc gives that back only above a trim threshold, which it raises with
every large buffer freed (up to 64 MB a heap). :func:`keep_little_free_memory` fixes both
thresholds, so that a large buffer is mapped and unmapped on its own and a thread's heap
shrinks as soon as its top is free.

A load also leaves reference cycles: dlt's objects of that load (its configuration
lookups, exceptions with their frames, retry state). Python frees them only in a full
collection, and one comes only every few loads when the process holds many objects. A
night of 100,000 events left about 2 MB a batch, collected every six or seven batches:
its peak rose 10 MB with its number of batches (issue 13). A night of 10,000 events has
two, and never rose. :func:`release_free_memory` collects them first: about 25 ms a
batch, one batch every 100 pages (150 s at the crawl's delay).
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Callable
from functools import cache

# mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# A buffer from this size on gets its own mapping (twice glibc's initial value; fixed, it no
# longer grows with the buffers freed), and a heap keeps at most this much free at its top.
MMAP_THRESHOLD = 256 * 1024
TRIM_THRESHOLD = 1024 * 1024


@cache
def _libc() -> ctypes.CDLL | None:
    """The C library this process runs on, when it is glibc on Linux."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None)
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


@cache
def keep_little_free_memory() -> bool:
    """Fix glibc's mmap and trim thresholds (see the module); False where not glibc."""
    libc = _libc()
    if libc is None:
        return False
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.mallopt.restype = ctypes.c_int
    return bool(
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None (another C library or system: nothing to do)."""
    libc = _libc()
    if libc is None:  # musl has no malloc_trim
        return None
    trim = libc.malloc_trim
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


def release_free_memory() -> bool:
    """Free the unreachable reference cycles, then return the C heap's free pages to the
    system; False where the pages cannot be returned."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
