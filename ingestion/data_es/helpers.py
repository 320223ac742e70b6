"""Source-specific plumbing: the polite HTTP session, the slices.

- :class:`PoliteSession` is the one door to the API: host allowlist, identifying
  User-Agent, request budget, ``X-RateLimit-*`` and 429 (wait for the reset when it is
  near, else stop with :class:`QuotaStop`, which the run turns into a resumable stop),
  retries on connection errors and 5xx.
- :func:`plan_slices` reads the set department by department after checking
  ``total_count``, and splits a slice above the 10,000 window by commune, then by type
  family; a slice that cannot go below the window is a :class:`SliceTooLarge` error.
- :func:`slice_resources` describes one slice to dlt's REST API source.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from dlt.sources.rest_api import RESTAPIConfig, rest_api_resources

from . import settings
from .config import ApiConfig
from .errors import DataEsError, QuotaStop, SliceTooLarge
from .parsing import normalise_code, normalise_department


def _parse_reset(value: str | None, now: float) -> float | None:
    """``X-RateLimit-Reset`` as a Unix time: an ISO date, an epoch or seconds from now."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return number if number > 1e9 else now + number


class PoliteSession(requests.Session):
    """Every request of a run goes through here (dlt's RESTClient uses it as its session)."""

    def __init__(self, config: ApiConfig, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__()
        self.config = config
        self.headers["User-Agent"] = config.user_agent
        self.requests = 0
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self.sleep = sleep

    def _reset_datetime(self) -> datetime | None:
        return datetime.fromtimestamp(self.reset_at, UTC) if self.reset_at else None

    def _wait_or_stop(self, why: str) -> None:
        now = time.time()
        wait = (self.reset_at - now) if self.reset_at else None
        if wait is not None and wait <= self.config.max_quota_wait_s:
            self.sleep(max(0.0, wait) + 0.5)
            self.remaining = None
            return
        when = self._reset_datetime()
        at = f", resets at {when:%Y-%m-%d %H:%M} UTC" if when else ""
        raise QuotaStop(f"{why} after {self.requests} requests{at}", when)

    def _check_target(self, url: str) -> None:
        parts = urlsplit(url)
        if (parts.hostname or "") not in self.config.allowed_hosts:
            raise DataEsError(f"refused a request to {parts.hostname}: not an allowed host")
        if any(f"/datasets/{name}/" in parts.path for name in settings.FORBIDDEN_DATASETS):
            raise DataEsError(f"refused {parts.path}: that dataset publishes personal data")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self._check_target(request.url or "")
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = (self.config.connect_timeout_s, self.config.read_timeout_s)
        attempt = 0
        while True:
            if self.requests >= self.config.request_budget:
                raise QuotaStop(f"request budget of {self.config.request_budget} spent")
            if self.remaining is not None and self.remaining < self.config.min_remaining:
                self._wait_or_stop("daily quota spent (X-RateLimit-Remaining 0)")
            self.requests += 1
            attempt += 1
            try:
                response = super().send(request, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= self.config.max_attempts:
                    raise DataEsError(f"API unreachable after {attempt} attempts: {exc}") from exc
                self.sleep(self.config.backoff_s * 2 ** (attempt - 1))
                continue
            self._read_rate_headers(response)
            if response.status_code == 429:
                self.remaining = 0
                self._wait_or_stop("daily quota spent (HTTP 429)")
                continue
            if response.status_code >= 500 and attempt < self.config.max_attempts:
                self.sleep(self.config.backoff_s * 2 ** (attempt - 1))
                continue
            return response

    def _read_rate_headers(self, response: requests.Response) -> None:
        remaining = response.headers.get("X-RateLimit-Remaining")
        if remaining is not None and remaining.strip().lstrip("-").isdigit():
            self.remaining = int(remaining)
        reset = _parse_reset(response.headers.get("X-RateLimit-Reset"), time.time())
        if reset is not None:
            self.reset_at = reset


# ------------------------------------------------------------------ slices

_NORMALISERS: dict[str, Callable[[Any], str | None]] = {
    "dep_code": normalise_department,
    "new_code": normalise_code,
    "equip_type_famille": lambda v: " ".join(str(v).split()) or None if v is not None else None,
}


@dataclass(frozen=True)
class Filter:
    """One split field: a normalised value and the spellings the API publishes for it."""

    field: str
    value: str | None
    spellings: tuple[str, ...] = ()

    def odsql(self) -> str:
        if self.value is None and not self.spellings:
            return f"{self.field} is null"
        quoted = ", ".join(f'"{s}"' for s in self.spellings)
        if len(self.spellings) == 1:
            return f'{self.field}="{self.spellings[0]}"'
        return f"{self.field} in ({quoted})"


@dataclass(frozen=True)
class Slice:
    filters: tuple[Filter, ...]
    count: int
    base_where: str | None = None

    @property
    def key(self) -> str:
        return (
            "/".join(f"{f.field}={f.value if f.value is not None else '∅'}" for f in self.filters)
            or "all"
        )

    def where(self) -> str | None:
        clauses = [f.odsql() for f in self.filters]
        if self.base_where:
            clauses.append(self.base_where)
        return " and ".join(clauses) or None

    def holds(self, stored: dict[str, Any]) -> bool:
        """Whether a landed row (normalised columns) belongs to this slice."""
        return all(stored.get(f.field) == f.value for f in self.filters)


class Api:
    """Counts and group-bys of ``/records`` through the polite session."""

    def __init__(self, config: ApiConfig, session: PoliteSession) -> None:
        self.config = config
        self.session = session
        self.url = config.base_url + settings.RECORDS_PATH

    def get(self, params: dict[str, Any]) -> dict[str, Any]:
        response = self.session.get(self.url, params=params)
        if response.status_code != 200:
            raise DataEsError(
                f"{response.status_code} from {settings.RECORDS_PATH} ({params}): "
                f"{_message(response)}"
            )
        try:
            return response.json()
        except ValueError as exc:
            raise DataEsError(f"unreadable JSON from {settings.RECORDS_PATH}: {exc}") from exc

    def count(self, where: str | None) -> int:
        params = {"select": "equip_numero", "limit": 1}
        if where:
            params["where"] = where
        return int(self.get(params)["total_count"])

    def groups(self, field: str, where: str | None) -> list[Filter | int]:
        """(Filter, count) of every value of ``field`` in ``where``, spellings merged."""
        merged: dict[str | None, tuple[list[str], int]] = {}
        offset = 0
        limit = self.config.page_limit
        while True:
            params: dict[str, Any] = {
                "select": f"{field}, count(*) as n",
                "group_by": field,
                "limit": limit,
                "offset": offset,
            }
            if where:
                params["where"] = where
            page = self.get(params)
            for row in page["results"]:
                raw = row.get(field)
                value = _NORMALISERS[field](raw)
                spellings, n = merged.get(value, ([], 0))
                if raw not in (None, ""):
                    spellings.append(str(raw))
                merged[value] = (spellings, n + int(row["n"]))
            offset += limit
            if offset >= int(page["total_count"]) or offset + limit > settings.WINDOW:
                break
        out: list[Any] = []
        for value, (spellings, n) in sorted(
            merged.items(), key=lambda kv: (kv[0] is None, kv[0] or "")
        ):
            if value is not None and len(spellings) == 0:
                continue
            out.append((Filter(field, value, tuple(spellings)), n))
        return out


def _message(response: requests.Response) -> str:
    try:
        return str(response.json().get("message"))[:200]
    except ValueError:
        return response.text[:200]


def plan_slices(
    api: Api, base_where: str | None, split_top: bool = True
) -> tuple[list[Slice], int]:
    """Slices that cover ``base_where`` each within the window, and the number of splits.

    A delta that fits in the window is one slice; the full set is read per department.
    """
    total = api.count(base_where)
    if not split_top and total <= settings.WINDOW:
        return [Slice((), total, base_where)], 0
    splits = 0
    slices: list[Slice] = []
    pending: list[Slice] = [Slice((), total, base_where)]
    while pending:
        parent = pending.pop(0)
        depth = len(parent.filters)
        if depth and parent.count <= settings.WINDOW:
            slices.append(parent)
            continue
        if depth >= len(settings.SPLIT_FIELDS):
            raise SliceTooLarge(
                f"slice {parent.key} matches {parent.count:,} records, above the "
                f"{settings.WINDOW:,} window of /records, and cannot be split further "
                "(use the export for a full refresh)"
            )
        field = settings.SPLIT_FIELDS[depth]
        children = [
            Slice((*parent.filters, f), n, base_where) for f, n in api.groups(field, parent.where())
        ]
        covered = sum(c.count for c in children)
        if covered != parent.count:
            raise DataEsError(
                f"slice {parent.key}: its {field} groups cover {covered:,} of "
                f"{parent.count:,} records (the data moved during planning: rerun)"
            )
        splits += depth > 0
        pending[0:0] = children
    return slices, splits


def slice_resources(api: Api, piece: Slice) -> list[Any]:
    """The dlt REST API resource reading one slice, page by page, ordered by equip_numero."""
    params: dict[str, Any] = {
        "select": ",".join(settings.SELECT_FIELDS),
        "order_by": settings.ORDER_BY,
    }
    where = piece.where()
    if where:
        params["where"] = where
    config: RESTAPIConfig = {
        "client": {"base_url": api.config.base_url, "session": api.session},
        "resources": [
            {
                "name": "records",
                "endpoint": {
                    "path": settings.RECORDS_PATH.lstrip("/"),
                    "params": params,
                    "data_selector": "results",
                    # no maximum_offset: a slice that grew past the window during the read
                    # gets the API's 400, never a silent truncation
                    "paginator": {
                        "type": "offset",
                        "limit": api.config.page_limit,
                        "total_path": "total_count",
                    },
                },
            }
        ],
    }
    return rest_api_resources(config)
