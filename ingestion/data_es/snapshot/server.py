"""A small local Explore v2.1 server for Data ES: the protocol of FORMAT.md, offline.

``/api/explore/v2.1/catalog/datasets/<id>/records`` with ``select``, ``where`` (the ODSQL
subset the ingestion sends: ``=``, ``in (...)``, ``is null``, date comparisons, ``and``),
``order_by``, ``group_by`` with ``count(*)``, ``limit`` (≤ 100) and ``offset``
(``offset + limit`` ≤ 10,000), both answered 400 with a JSON error when broken;
``total_count``; ``X-RateLimit-Limit/Remaining/Reset`` headers and 429 past the quota;
``/exports/json``, ``/exports/csv`` and ``/exports/parquet`` (the whole selection, no window;
the parquet file types each column as the real export does: a geo point as a struct, a
list as a list of strings, a field of mixed types as text).

It also serves ``data-es-equipement`` (with personal fields) so that a client reading the
wrong dataset would get them: the privacy test asserts it is never asked.

    with serve_explore(load_snapshot()) as api:
        ...  # api.base_url, api.requests, api.set_records(...), api.quota

CLI: ``python -m ingestion.data_es.snapshot.server --port 8766 [--night2]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ingestion.data_es.settings import MAX_PAGE_LIMIT, WINDOW

API_PREFIX = "/api/explore/v2.1"
PERSONAL_DATASET = "data-es-equipement"
Record = dict[str, Any]


class QueryError(ValueError):
    """A query the real API answers with 400."""


# ------------------------------------------------------------------ ODSQL subset

_CLAUSE_SPLIT = re.compile(r"\s+and\s+(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", re.I)
_EQ = re.compile(r'^(\w+)\s*=\s*"([^"]*)"$')
_IN = re.compile(r"^(\w+)\s+in\s*\((.*)\)$", re.I)
_NULL = re.compile(r"^(\w+)\s+is\s+null$", re.I)
_DATE = re.compile(r"^(\w+)\s*(>=|<=|>|<)\s*date'(\d{4}-\d{2}-\d{2})'$", re.I)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def compile_where(where: str | None) -> Callable[[Record], bool]:
    """A predicate for the ``where`` clauses the ingestion sends; QueryError otherwise."""
    if not where or not where.strip():
        return lambda record: True
    tests: list[Callable[[Record], bool]] = []
    for clause in _CLAUSE_SPLIT.split(where.strip()):
        clause = clause.strip()
        if m := _EQ.match(clause):
            name, value = m.groups()
            tests.append(lambda r, n=name, v=value: _text(r.get(n)) == v)
        elif m := _IN.match(clause):
            name, values = m.group(1), set(re.findall(r'"([^"]*)"', m.group(2)))
            tests.append(lambda r, n=name, vs=values: _text(r.get(n)) in vs)
        elif m := _NULL.match(clause):
            null_field = m.group(1)
            tests.append(lambda r, n=null_field: r.get(n) in (None, ""))
        elif m := _DATE.match(clause):
            name, op, day = m.groups()
            compare = {
                ">=": lambda a, b: a >= b,
                "<=": lambda a, b: a <= b,
                ">": lambda a, b: a > b,
                "<": lambda a, b: a < b,
            }[op]
            tests.append(
                lambda r, n=name, c=compare, d=day: bool(r.get(n)) and c(str(r[n])[:10], d)
            )
        else:
            raise QueryError(f"ODSQL query is malformed: {clause!r}")
    return lambda record: all(test(record) for test in tests)


def _int_param(params: dict[str, str], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except ValueError as exc:
        raise QueryError(f"Invalid value for parameter {name}") from exc


def _project(record: Record, select: list[str] | None) -> Record:
    if not select:
        return dict(record)
    return {name: record.get(name) for name in select}


def _select_list(params: dict[str, str]) -> list[str] | None:
    raw = params.get("select")
    if not raw:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def _matching(records: list[Record], params: dict[str, str], cache: dict | None) -> list[Record]:
    """Records matching ``where``, in ``order_by`` order (memoised per query: the pages of
    one slice filter the set once)."""
    key = (params.get("where"), params.get("order_by"))
    if cache is not None and key in cache:
        return cache[key]
    predicate = compile_where(params.get("where"))
    matches = [r for r in records if predicate(r)]
    order = params.get("order_by")
    if order:
        name, _, direction = order.partition(" ")
        matches.sort(key=lambda r: _text(r.get(name)) or "", reverse=direction.lower() == "desc")
    if cache is not None:
        if len(cache) > 64:
            cache.clear()
        cache[key] = matches
    return matches


def query_records(
    records: list[Record], params: dict[str, str], cache: dict | None = None
) -> dict[str, Any]:
    """The body of ``/records`` for these query parameters (QueryError → 400)."""
    limit = _int_param(params, "limit", 10)
    offset = _int_param(params, "offset", 0)
    if limit > MAX_PAGE_LIMIT or limit < 0:
        raise QueryError(f"Invalid value for limit: {limit} (must be between 0 and 100)")
    if offset < 0 or offset + limit > WINDOW:
        raise QueryError(
            f"Invalid value for offset + limit: {offset + limit} (must be at most {WINDOW})"
        )
    matches = _matching(records, params, cache)
    select = _select_list(params)
    group_by = params.get("group_by")
    if group_by:
        counts = Counter(_text(r.get(group_by)) for r in matches)
        groups = sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
        rows = [{group_by: key, "n": n} for key, n in groups]
        return {"total_count": len(rows), "results": rows[offset : offset + limit]}
    page = matches[offset : offset + limit]
    return {"total_count": len(matches), "results": [_project(r, select) for r in page]}


def _csv(rows: list[Record]) -> bytes:
    out = io.StringIO()
    names = list(dict.fromkeys(name for row in rows for name in row))
    writer = csv.DictWriter(out, fieldnames=names, delimiter=";")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items()}
        )
    return out.getvalue().encode()


def _arrow_column(values: list[Any]) -> Any:
    """One export column: its values' own Arrow type, or text when they disagree."""
    import pyarrow as pa

    kinds = {type(v) for v in values if v is not None}
    if kinds and kinds <= {int, float} and bool not in kinds:
        return pa.array(values, pa.float64() if float in kinds else pa.int64())
    if kinds == {dict} and all(set(v) <= {"lat", "lon"} for v in values if v is not None):
        return pa.array(values, pa.struct([("lon", pa.float64()), ("lat", pa.float64())]))
    if kinds == {list} and all(isinstance(i, str) for v in values if v for i in v):
        return pa.array(values, pa.list_(pa.string()))
    return pa.array(
        [None if v is None else json.dumps(v) if isinstance(v, dict | list) else str(v)
         for v in values],
        pa.string(),
    )  # fmt: skip


def _parquet(rows: list[Record]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = list(dict.fromkeys(name for row in rows for name in row))
    table = pa.table({name: _arrow_column([row.get(name) for row in rows]) for name in names})
    out = pa.BufferOutputStream()
    pq.write_table(table, out, compression="zstd", row_group_size=10_000)
    return out.getvalue().to_pybytes()


# ------------------------------------------------------------------ server


@dataclass
class Quota:
    """Calls allowed before the reset (None: no quota)."""

    limit: int | None = None
    used: int = 0
    reset_at: datetime = field(
        default_factory=lambda: (datetime.now(UTC) + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
    )

    def headers(self) -> dict[str, str]:
        if self.limit is None:
            return {}
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self.used)),
            "X-RateLimit-Reset": self.reset_at.isoformat(),
        }


@dataclass
class ApiRequest:
    path: str
    params: dict[str, str]
    status: int
    user_agent: str


class ExploreHandle:
    """The running server: its URL, the requests it answered, its data and quota."""

    def __init__(self, server: ThreadingHTTPServer, records: list[Record]) -> None:
        self.server = server
        self.lock = threading.Lock()
        self.requests: list[ApiRequest] = []
        self.quota = Quota()
        self.set_records(records)
        host, port = server.server_address[:2]
        self.root_url = f"http://{host}:{port}"
        self.base_url = f"{self.root_url}{API_PREFIX}"

    def set_records(self, records: Iterable[Record]) -> None:
        """Replace the dataset (night 2: changed, new and vanished records)."""
        with self.lock:
            self.records = list(records)
            self.cache: dict = {}

    def set_quota(self, limit: int | None, reset_at: datetime | None = None, used: int = 0) -> None:
        """Allow ``limit`` calls (``used`` of them spent) until ``reset_at``, then again."""
        with self.lock:
            self.quota = Quota(limit, used) if reset_at is None else Quota(limit, used, reset_at)

    def record_requests(self) -> list[ApiRequest]:
        return [r for r in self.requests if r.path.endswith("/records")]

    def answer(self, path: str, params: dict[str, str], agent: str) -> tuple[int, Any, dict]:
        with self.lock:
            quota = self.quota
            if quota.limit is not None and datetime.now(UTC) >= quota.reset_at:
                quota.used, quota.reset_at = 0, quota.reset_at + timedelta(days=1)
            headers = dict(quota.headers())
            if quota.limit is not None and quota.used >= quota.limit:
                status, body = 429, {"error_code": "TooManyRequests", "message": "quota"}
            else:
                quota.used += 1
                headers = dict(quota.headers())
                status, body = self._route(path, params)
            self.requests.append(ApiRequest(path, params, status, agent))
            return status, body, headers

    def _route(self, path: str, params: dict[str, str]) -> tuple[int, Any]:
        m = re.fullmatch(rf"{API_PREFIX}/catalog/datasets/([\w-]+)/(records|exports/\w+)", path)
        if not m:
            return 404, {"error_code": "NotFound", "message": path}
        dataset, kind = m.groups()
        records = self.records
        if dataset == PERSONAL_DATASET:
            records = [{**r, **_personal_fields(r)} for r in records]
        elif dataset != "data-es":
            return 404, {"error_code": "DatasetNotFound", "message": dataset}
        try:
            if kind == "records":
                cache = self.cache if dataset == "data-es" else None
                return 200, query_records(records, params, cache)
            predicate = compile_where(params.get("where"))
            rows = [r for r in records if predicate(r)]
            rows = [_project(r, _select_list(params)) for r in rows]
            if kind == "exports/json":
                return 200, rows
            if kind == "exports/csv":
                return 200, _csv(rows)
            if kind == "exports/parquet":
                return 200, _parquet(rows)
            return 400, {"error_code": "InvalidFormat", "message": kind}
        except QueryError as exc:
            return 400, {"error_code": "InvalidRESTParameterError", "message": str(exc)}


def _personal_fields(record: Record) -> Record:
    number = str(record.get("equip_numero") or "")
    return {
        "declarant_nom": "DUPONT Jean",
        "declarant_mail": f"gestion{number[-4:]}@mairie.example.fr",
        "declarant_tel": "01 23 45 67 89",
    }


def _make_handler(handle_ref: list[ExploreHandle]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body in separate writes: no 40 ms stalls

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            status, body, headers = handle_ref[0].answer(
                url.path, params, self.headers.get("User-Agent", "")
            )
            if isinstance(body, bytes):
                payload, content_type = body, _content_type(url.path)
            else:
                payload = json.dumps(body, ensure_ascii=False).encode()
                content_type = "application/json; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def _content_type(path: str) -> str:
    if path.endswith("/parquet"):
        return "application/vnd.apache.parquet"
    return "text/csv; charset=utf-8"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up is not the server's problem


def start_server(records: list[Record], port: int = 0) -> ExploreHandle:
    ref: list[ExploreHandle] = []
    server = _Server(("127.0.0.1", port), _make_handler(ref))
    handle = ExploreHandle(server, records)
    ref.append(handle)
    threading.Thread(target=server.serve_forever, name="data-es-api", daemon=True).start()
    return handle


@contextmanager
def serve_explore(records: list[Record], port: int = 0) -> Iterator[ExploreHandle]:
    """Serve ``records`` as the ``data-es`` dataset on 127.0.0.1 for the block."""
    handle = start_server(records, port)
    try:
        yield handle
    finally:
        handle.server.shutdown()
        handle.server.server_close()


def main(argv: list[str] | None = None) -> None:
    from ingestion.data_es.snapshot import load_snapshot

    parser = argparse.ArgumentParser(description="Serve the Data ES snapshot (Explore v2.1).")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--night2", action="store_true", help="serve the next night's snapshot")
    parser.add_argument("--quota", type=int, help="calls allowed before answering 429")
    parser.add_argument("--synthetic", type=int, help="serve N synthetic records instead")
    parser.add_argument("--changed", type=float, default=0.0, help="share changed each night")
    parser.add_argument(
        "--night", type=int, default=2, help="with --changed: the nights 2..NIGHT applied"
    )
    args = parser.parse_args(argv)
    if args.synthetic:
        from ingestion.data_es.snapshot.synthetic import synthetic_night

        records = synthetic_night(args.synthetic, args.changed, args.night)
    else:
        records = load_snapshot(night2=args.night2)
    with serve_explore(records, args.port) as api:
        api.set_quota(args.quota)
        print(f"Data ES on {api.base_url} ({len(records)} records)", file=sys.stderr, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
