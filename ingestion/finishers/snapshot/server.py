"""A small local finishers.com: serves a snapshot folder (or any page source) over HTTP.

Used by the tests, ``make demo`` and the benchmark. Like Next.js it answers with an
``ETag`` computed from the body and a ``Last-Modified``, and with ``304`` to a matching
``If-None-Match`` / ``If-Modified-Since``. Faults (errors, redirects, stalls mid-body)
are injected with :class:`OverrideSource`.

    with serve_site(SITE_DIR) as site:
        run_crawl(base_url=site.base_url)
        print(site.requests, site.bytes_sent)

CLI: ``python -m ingestion.finishers.snapshot.server --port 8765 [--site DIR]``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import sys
import threading
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from .build_snapshot import SITE_DIR

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


@dataclass
class PageResponse:
    """What the server answers for one path.

    ``stall_after_bytes`` injects a fault: send that many body bytes, then hang for
    ``stall_seconds`` (or until the server stops) before closing.
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stall_after_bytes: int | None = None
    stall_seconds: float = 60.0
    conditional: bool = True  # add ETag/Last-Modified and honour If-None-Match


@runtime_checkable
class PageSource(Protocol):
    """Anything that can answer a path (``/course/<slug>``, ``/sitemap/events.xml``...).

    Return a :class:`PageResponse` (or a ``(status, headers, body)`` tuple), or None
    for a 404.
    """

    def get(self, path: str) -> PageResponse | tuple[int, dict[str, str], bytes] | None: ...


class DirectorySource:
    """Serves a site folder: ``/course/<slug>`` → ``course/<slug>.html``.

    ``gzip_sitemap`` gzips sitemap bodies *without* a Content-Encoding header, as
    api.finishers.com has been seen doing.
    """

    def __init__(self, directory: Path | str, gzip_sitemap: bool = False) -> None:
        self.directory = Path(directory).resolve()
        self.gzip_sitemap = gzip_sitemap

    def _file(self, path: str) -> Path | None:
        rel = path.lstrip("/")
        candidates = [rel, f"{rel}.html"] if rel else ["index.html"]
        for candidate in candidates:
            file = (self.directory / candidate).resolve()
            if file.is_relative_to(self.directory) and file.is_file():
                return file
        return None

    def get(self, path: str) -> PageResponse | None:
        file = self._file(path)
        if file is None:
            return None
        body = file.read_bytes()
        if self.gzip_sitemap and path.startswith("/sitemap"):
            body = gzip.compress(body, mtime=0)
            ctype = "application/octet-stream"
        else:
            ctype = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        return PageResponse(
            200,
            body,
            {
                "Content-Type": ctype,
                "Last-Modified": formatdate(int(file.stat().st_mtime), usegmt=True),
            },
        )


class OverrideSource:
    """Wraps a source and answers some paths differently (fault injection).

    ``overrides[path]`` is a response, or a list of responses served one per request
    (then the wrapped source answers again).
    """

    def __init__(
        self, base: PageSource, overrides: dict[str, PageResponse | list[PageResponse]]
    ) -> None:
        self.base = base
        self.overrides = {k: list(v) if isinstance(v, list) else v for k, v in overrides.items()}
        self._lock = threading.Lock()

    def get(self, path: str) -> PageResponse | tuple[int, dict[str, str], bytes] | None:
        with self._lock:
            override = self.overrides.get(path)
            if isinstance(override, list):
                if override:
                    return override.pop(0)
            elif override is not None:
                return override
        return self.base.get(path)


REQUEST_LOG_SIZE = 10_000


class SiteHandle:
    """A running server: ``base_url`` and what it served (thread-safe counters).

    ``request_headers`` keeps the (path, headers) of the last ``request_log_size``
    requests only, so a long-running server does not grow with the requests it answers;
    the counters (``requests``, ``bytes_sent``, ``paths``, ``statuses``) count them all.
    """

    def __init__(
        self,
        server: ThreadingHTTPServer,
        source: PageSource,
        request_log_size: int = REQUEST_LOG_SIZE,
    ) -> None:
        self.server = server
        self.source = source
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.paths: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        # body bytes sent per first path segment (/course, /sitemap, /robots.txt): bounded
        self.bytes_by_prefix: Counter[str] = Counter()
        self.requests = 0
        self.bytes_sent = 0
        self.request_headers: deque[tuple[str, dict[str, str]]] = deque(maxlen=request_log_size)
        host, port = server.server_address[:2]
        self.base_url = f"http://{host}:{port}"

    def record(self, path: str, status: int, sent: int, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests += 1
            self.bytes_sent += sent
            self.paths[path] += 1
            self.statuses[status] += 1
            self.bytes_by_prefix["/" + path.lstrip("/").split("/", 1)[0]] += sent
            self.request_headers.append((path, headers))

    def reset_counters(self) -> None:
        with self._lock:
            self.paths.clear()
            self.statuses.clear()
            self.bytes_by_prefix.clear()
            self.requests = 0
            self.bytes_sent = 0
            self.request_headers.clear()

    def page_requests(self) -> int:
        """Requests for event pages (``/course/...``)."""
        with self._lock:
            return sum(n for p, n in self.paths.items() if p.startswith("/course/"))

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def _not_modified(request_headers: dict[str, str], headers: dict[str, str]) -> bool:
    inm = request_headers.get("if-none-match")
    if inm is not None:
        return headers.get("ETag") in {t.strip() for t in inm.split(",")} or inm.strip() == "*"
    ims, lm = request_headers.get("if-modified-since"), headers.get("Last-Modified")
    if ims and lm:
        try:
            return parsedate_to_datetime(lm) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def _make_handler(handle_ref: list[SiteHandle]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: without TCP_NODELAY each keep-alive
        # response waits ~40 ms on the client's delayed ACK
        disable_nagle_algorithm = True
        server_version = "FinishersSnapshot/1.0"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            return

        def do_GET(self) -> None:
            handle = handle_ref[0]
            path = urlsplit(self.path).path
            req_headers = {k.lower(): v for k, v in self.headers.items()}
            answer = handle.source.get(path)
            if answer is None:
                answer = PageResponse(404, b"Not Found", {"Content-Type": "text/plain"})
            elif isinstance(answer, tuple):
                status, headers, body = answer
                answer = PageResponse(status, body, dict(headers))
            headers = dict(answer.headers)
            body = answer.body
            status = answer.status
            if answer.conditional and status == 200:
                headers.setdefault("ETag", _etag(body))
                if _not_modified(req_headers, headers):
                    status, body = 304, b""
            length = len(body)
            stall = answer.stall_after_bytes
            if stall is not None:
                body = body[:stall]
            # counted before anything goes out: a client that has read even the status line
            # (and may give up on the body, e.g. to retry) sees the count
            handle.record(path, status, len(body), req_headers)
            self.send_response(status)
            for key, value in headers.items():
                if key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            try:
                self.wfile.write(body)
                self.wfile.flush()
                if stall is not None:
                    handle.stopping.wait(answer.stall_seconds)
                    self.close_connection = True
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        # clients that give up (timeouts, size caps) reset connections: not a server error
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


def start_server(
    source: PageSource | Path | str = SITE_DIR,
    port: int = 0,
    host: str = "127.0.0.1",
    gzip_sitemap: bool = False,
    request_log_size: int = REQUEST_LOG_SIZE,
) -> SiteHandle:
    """Start serving in a background thread; call ``handle.stop()`` when done."""
    if isinstance(source, str | Path):
        source = DirectorySource(source, gzip_sitemap=gzip_sitemap)
    ref: list[SiteHandle] = []
    server = _Server((host, port), _make_handler(ref))
    handle = SiteHandle(server, source, request_log_size)
    ref.append(handle)
    threading.Thread(target=server.serve_forever, name="finishers-site", daemon=True).start()
    return handle


@contextmanager
def serve_site(source: PageSource | Path | str = SITE_DIR, **options: Any) -> Iterator[SiteHandle]:
    """Serve a site folder or a :class:`PageSource` for the ``with`` block.

    ``options`` are :func:`start_server`'s: ``port``, ``host``, ``gzip_sitemap``,
    ``request_log_size``.
    """
    handle = start_server(source, **options)
    try:
        yield handle
    finally:
        handle.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a finishers.com snapshot locally.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--site", type=Path, default=SITE_DIR, help="site folder to serve")
    parser.add_argument("--gzip-sitemap", action="store_true")
    args = parser.parse_args(argv)
    handle = start_server(args.site, port=args.port, host=args.host, gzip_sitemap=args.gzip_sitemap)
    print(f"serving {args.site} on {handle.base_url} (Ctrl-C to stop)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        handle.stop()


if __name__ == "__main__":
    main()
