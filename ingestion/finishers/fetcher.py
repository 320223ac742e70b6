"""Polite HTTP for one host: allowlist, robots.txt, spacing, retries, capped streamed reads.

Retries and back-off (403/429/5xx, ``Retry-After``) are dlt's ``requests`` helper
``Client``; this module adds what it does not do: redirects followed by hand so that no
other host is ever contacted, a delay between requests shared by all threads, and a
body read that is bounded in time *and* size so a stalling server cannot hang the run.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from dlt.sources.helpers.requests import Client

from . import settings
from .config import CrawlConfig

FetchConfig = CrawlConfig  # the fetcher reads the politeness and limit fields

TRANSIENT_STATUSES = frozenset(settings.RETRY_STATUS_CODES) | {408}


@dataclass
class FetchResult:
    """Outcome of one GET (after redirects and retries)."""

    url: str
    status: int | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None  # rejects reason: timeout, too_large, foreign_host, http_500...
    detail: str = ""
    transient: bool = False  # True: a failed fetch, retried next run

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200


class SiteUnreachable(RuntimeError):
    """The site (robots.txt or site map) cannot be read: the run cannot proceed."""


class _Spacer:
    """At least ``delay`` seconds between the starts of two requests, across threads."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        if self.delay <= 0:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.delay
        if start > now:
            time.sleep(start - now)


class Fetcher:
    """GETs on the base URL's host only, counting requests and bytes."""

    def __init__(self, config: FetchConfig) -> None:
        self.config = config
        base = urlsplit(config.base_url)
        self.host = base.netloc.lower()
        self.base_url = f"{base.scheme}://{base.netloc}"
        self.requests = 0
        self.bytes = 0
        self._count_lock = threading.Lock()
        self._spacer = _Spacer(config.crawl_delay_s)
        self.robots: urllib.robotparser.RobotFileParser | None = None
        self.client = Client(
            request_timeout=(config.connect_timeout_s, config.read_timeout_s),
            raise_for_status=False,
            max_connections=max(4, config.concurrency * 2),
            status_codes=settings.RETRY_STATUS_CODES,
            request_max_attempts=config.max_attempts,
            request_backoff_factor=config.backoff_factor,
            request_max_retry_delay=config.max_retry_delay_s,
            respect_retry_after_header=True,
            session_attrs={
                "headers": requests.structures.CaseInsensitiveDict(
                    {
                        "User-Agent": config.user_agent,
                        "Accept": "text/html,application/xml;q=0.9,*/*;q=0.8",
                        "Accept-Encoding": "gzip, deflate",
                    }
                ),
                "hooks": {"response": [self._count_response]},
            },
        )

    def _count_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        with self._count_lock:
            self.requests += 1

    def _count_bytes(self, n: int) -> None:
        with self._count_lock:
            self.bytes += n

    # ------------------------------------------------------------------ policy

    def is_own_host(self, url: str) -> bool:
        return urlsplit(url).netloc.lower() == self.host

    def load_robots(self) -> None:
        """Read robots.txt (4xx: everything allowed, 401/403: nothing allowed)."""
        rp = urllib.robotparser.RobotFileParser(self.base_url + settings.ROBOTS_PATH)
        result = self.get(self.base_url + settings.ROBOTS_PATH, check_robots=False)
        if result.ok and result.body is not None:
            rp.parse(result.body.decode("utf-8", "replace").splitlines())
        elif result.status in (401, 403):
            rp.disallow_all = True
        elif result.status is not None and 400 <= result.status < 500:
            rp.allow_all = True
        else:
            raise SiteUnreachable(
                f"cannot read {self.base_url}{settings.ROBOTS_PATH}: "
                f"{result.error} {result.detail}".strip()
            )
        self.robots = rp
        robots_delay = rp.crawl_delay(self.config.user_agent)
        if robots_delay is not None and float(robots_delay) > self._spacer.delay:
            self._spacer.delay = float(robots_delay)

    def allowed(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(self.config.user_agent, url)

    # ------------------------------------------------------------------ fetching

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        check_robots: bool = True,
    ) -> FetchResult:
        """GET ``url`` (conditionally when a validator is given), never leaving the host."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        limit = max_bytes or self.config.max_body_bytes
        for _ in range(settings.MAX_REDIRECTS + 1):
            if not self.is_own_host(url):
                return FetchResult(url, error="foreign_host", detail=f"refused to fetch {url}")
            if check_robots and not self.allowed(url):
                return FetchResult(url, error="robots_disallowed", detail=url)
            self._spacer.wait()
            try:
                response = self.client.get(url, headers=headers, allow_redirects=False, stream=True)
            except requests.Timeout as exc:
                return FetchResult(url, error="timeout", detail=str(exc)[:300], transient=True)
            except requests.RequestException as exc:
                return FetchResult(
                    url, error="connection_error", detail=str(exc)[:300], transient=True
                )
            with response:
                if response.is_redirect or response.status_code in (301, 302, 303, 307, 308):
                    location = response.headers.get("Location")
                    if not location:
                        return FetchResult(url, response.status_code, error="bad_redirect")
                    url = urljoin(url, location)
                    continue
                return self._finish(url, response, limit)
        return FetchResult(url, error="too_many_redirects")

    def _finish(self, url: str, response: requests.Response, limit: int) -> FetchResult:
        status = response.status_code
        result = FetchResult(
            url,
            status,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )
        if status == 304:
            return result
        if status != 200:
            result.error = f"http_{status}"
            result.transient = status in TRANSIENT_STATUSES
            result.detail = response.reason or ""
            return result
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            result.error, result.detail = "too_large", f"Content-Length {declared} > {limit}"
            return result
        try:
            result.body = self._read_body(response, limit)
        except _BodyError as exc:
            result.error, result.detail, result.transient = exc.reason, exc.detail, exc.transient
        return result

    def _read_body(self, response: requests.Response, limit: int) -> bytes:
        deadline = time.monotonic() + self.config.body_deadline_s
        chunks: list[bytes] = []
        total = 0
        raw = response.raw
        try:
            while True:
                if time.monotonic() > deadline:
                    raise _BodyError(
                        "timeout", f"body not read within {self.config.body_deadline_s}s", True
                    )
                chunk = raw.read1(64 * 1024, decode_content=True)
                if not chunk:
                    break
                total += len(chunk)
                self._count_bytes(len(chunk))
                if total > limit:
                    raise _BodyError("too_large", f"body over {limit} bytes", False)
                chunks.append(chunk)
        except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
            raise _BodyError("timeout", f"body read stalled: {exc}"[:300], True) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _BodyError("connection_error", f"body read failed: {exc}"[:300], True) from None
        return b"".join(chunks)

    def close(self) -> None:
        self.client.session.close()


class _BodyError(Exception):
    def __init__(self, reason: str, detail: str, transient: bool) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.transient = reason, detail, transient
