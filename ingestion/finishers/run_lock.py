"""One crawl at a time per warehouse target, with a lock that a ``kill -9`` cannot leave
behind.

- DuckDB: an exclusive ``flock`` on ``<database file>.crawl.lock``, next to the file it
  protects (whatever ``DLT_PIPELINES_DIR`` says). The kernel drops the lock when its
  process dies, however it dies, so a stale lock cannot exist; the file only keeps the
  holder's pid, host and start for the message, and a run that finds a previous holder's
  record without its lock says it took it over.
- Postgres: a session advisory lock on the warehouse database, held by a connection of
  its own (``application_name`` names the holder). Postgres drops it when that
  connection closes, which it does when the process dies; it also protects a warehouse
  shared by several machines (the nightly runner and a laptop), which a file cannot.

A second run fails fast with one line (who holds it, since when): :class:`RunLocked`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingestion.warehouse import Warehouse

# pg_try_advisory_lock(int, int) keys: "bouge" / "raw_finishers crawl"
PG_LOCK_KEYS = (0x626F7567, 0x63726177)
PG_GRACE_S = 2.0  # a killed holder's backend may take a moment to notice its client is gone


class RunLocked(RuntimeError):
    """Another run holds the lock of this warehouse target."""


def _holder() -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _who(holder: dict[str, Any]) -> str:
    pid, host, since = (holder.get(k, "?") for k in ("pid", "host", "since"))
    return f"pid {pid} on {host}, since {since}"


def lock_file(warehouse: Warehouse) -> Path:
    path = warehouse.duckdb_path
    return path.with_name(path.name + ".crawl.lock")


@contextlib.contextmanager
def _duckdb_lock(warehouse: Warehouse) -> Iterator[str | None]:
    path = lock_file(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(
                f"another crawl is running on target {warehouse.target} "
                f"({_who(_read(fd))}; lock {path})"
            ) from None
        previous = _read(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(_holder()).encode(), 0)
        os.fsync(fd)
        try:
            yield f"took over the lock left by {_who(previous)}" if previous else None
        finally:
            os.ftruncate(fd, 0)  # a clean end, even on an error: no holder left to name
    finally:
        os.close(fd)  # closing the file releases the flock


def _read(fd: int) -> dict[str, Any]:
    try:
        data = os.pread(fd, 4096, 0)
        return json.loads(data) if data else {}
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def _postgres_lock(warehouse: Warehouse) -> Iterator[str | None]:
    holder = _holder()
    conn = warehouse.connect()
    try:
        conn.autocommit = True
        cur = conn.cursor()
        name = f"bouge-crawl pid {holder['pid']} on {holder['host']}"[:63]
        cur.execute("SET application_name = %s", [name])
        deadline = time.monotonic() + PG_GRACE_S
        while True:
            cur.execute("SELECT pg_try_advisory_lock(%s, %s)", list(PG_LOCK_KEYS))
            if cur.fetchone()[0]:
                break
            if time.monotonic() > deadline:
                raise RunLocked(
                    f"another crawl is running on target {warehouse.target} ({_pg_holder(cur)})"
                )
            time.sleep(0.2)
        yield None
    finally:
        conn.close()  # closing the session releases the advisory lock


def _pg_holder(cur: Any) -> str:
    cur.execute(
        "SELECT a.application_name, a.backend_start, a.client_addr FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        "AND l.classid = %s AND l.objid = %s AND l.objsubid = 2 "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        list(PG_LOCK_KEYS),
    )
    row = cur.fetchone()
    if row is None:
        return "holder unknown"
    name, since, addr = row
    where = f" from {addr}" if addr else ""
    return (
        f"{name or 'a session'}{where}, since {since.astimezone(UTC).isoformat(timespec='seconds')}"
    )


def hold(warehouse: Warehouse) -> contextlib.AbstractContextManager[str | None]:
    """Hold the crawl lock of this target for the ``with`` block; yields a takeover note.

    Raises :class:`RunLocked` at once when another run holds it.
    """
    if warehouse.kind == "duckdb":
        return _duckdb_lock(warehouse)
    return _postgres_lock(warehouse)
