"""Shared plumbing of the online providers: spacing, retries, Retry-After, failure reasons.

geopy's ``RateLimiter`` spaces calls but retries with a fixed wait and ignores the
``retry_after`` that ``GeocoderRateLimited`` carries, so this module does the equivalent
with Retry-After obeyed: at most one request per ``min_delay_s``, a 429 waits what the
server asked (capped), 5xx and timeouts back off exponentially, and after ``max_retries``
the failure is returned with its reason (`http_429`, `http_5xx`, `timeout`, ...), never
swallowed into a silent None. After several look-ups failed in a row, or a Retry-After
longer than ``max_retry_after_s``, the provider is left alone for the rest of the run.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from geopy.adapters import AdapterHTTPError, RequestsAdapter
from geopy.exc import (
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.geocoders.base import Geocoder

from ingestion.geocoding.normalize import point_key, query_key, round_coordinate
from ingestion.geocoding.result import GeocodedPoint, to_json

if TYPE_CHECKING:
    from ingestion.geocoding.config import GeocodingConfig

# urllib3 must not retry behind our back: every attempt is counted and spaced here.
ADAPTER_FACTORY = partial(RequestsAdapter, max_retries=0)


class ProviderFailure(Exception):
    """A look-up that failed for good; ``reason`` goes to the `reason` column."""

    def __init__(self, reason: str, detail: str, attempts: int):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.attempts = attempts


def failure_reason(error: BaseException) -> str:
    """`http_429`, `http_5xx`, `http_4xx`, `timeout`, `unavailable`, `invalid_response`."""
    cause = error.__cause__
    if isinstance(cause, AdapterHTTPError):
        status = cause.status_code
        if status == 429:
            return "http_429"
        return "http_5xx" if status >= 500 else f"http_{status}"
    if isinstance(error, GeocoderRateLimited):
        return "http_429"
    if isinstance(error, GeocoderTimedOut):
        return "timeout"
    if isinstance(error, GeocoderUnavailable):
        return "unavailable"
    if isinstance(error, GeocoderParseError):
        return "invalid_response"
    if isinstance(error, GeocoderQueryError):
        return "invalid_query"
    return "error"


_RETRYABLE = {"http_429", "http_5xx", "timeout", "unavailable"}


@dataclass
class CallPolicy:
    min_delay_s: float
    max_retries: int
    backoff_s: float
    max_retry_after_s: float
    max_failures_in_a_row: int = 5


class PoliteCaller:
    """Calls a geopy method with spacing, retries and Retry-After; counts HTTP requests."""

    def __init__(
        self,
        policy: CallPolicy,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.policy = policy
        self._sleep = sleep
        self._clock = clock
        self._last_call: float | None = None
        self.requests = 0
        self.waited_s = 0.0
        self._failures_in_a_row = 0
        # Set once the provider is clearly down or asked for a long pause: the remaining
        # look-ups of the run fail at once (`circuit_open`) and are retried next run.
        self.circuit_open: str | None = None

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.waited_s += seconds
            self._sleep(seconds)

    def _space(self) -> None:
        # Counted from the end of the previous request: the server sees gaps >= min_delay_s
        # whatever the latency of each request.
        if self._last_call is not None:
            self._wait(self.policy.min_delay_s - (self._clock() - self._last_call))

    def __call__(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, int]:
        """(geopy result, attempts); raises ProviderFailure once retries are exhausted."""
        if self.circuit_open:
            raise ProviderFailure("circuit_open", f"provider stopped: {self.circuit_open}", 0)
        attempt = 0
        while True:
            attempt += 1
            self._space()
            self.requests += 1
            try:
                result = method(*args, **kwargs)
            except (GeopyError, GeocoderServiceError) as error:
                self._last_call = self._clock()
                reason = failure_reason(error)
                delay = self.policy.backoff_s * 2 ** (attempt - 1)
                if isinstance(error, GeocoderRateLimited) and error.retry_after is not None:
                    delay = float(error.retry_after)
                    if delay > self.policy.max_retry_after_s:  # come back much later: stop
                        self.circuit_open = f"Retry-After {delay:.0f} s"
                        raise ProviderFailure(reason, str(error), attempt) from error
                if reason not in _RETRYABLE or attempt > self.policy.max_retries:
                    if reason in _RETRYABLE:
                        self._failures_in_a_row += 1
                        if self._failures_in_a_row >= self.policy.max_failures_in_a_row:
                            self.circuit_open = f"{self._failures_in_a_row} failures in a row"
                    raise ProviderFailure(reason, str(error), attempt) from error
                self._wait(delay)
            else:
                self._last_call = self._clock()
                self._failures_in_a_row = 0
                return result, attempt


class GeopyProvider(ABC):
    """An online provider: a geopy geocoder called politely, answers parsed into points.

    Subclasses set ``name`` (also the prefix of their settings in the configuration:
    ``<name>_domain``, ``<name>_scheme``, ``<name>_min_delay_s``), ``version``,
    ``geocoder_class`` and how to read one answer (``parse``).
    """

    name: str
    version: str
    geocoder_class: type[Geocoder]
    reverse_options: ClassVar[dict[str, Any]] = {}

    def __init__(self, config: GeocodingConfig):
        def setting(key: str) -> Any:
            return getattr(config, f"{self.name}_{key}")

        self.geocoder = self.geocoder_class(
            domain=setting("domain"),
            scheme=setting("scheme"),
            timeout=config.timeout_s,
            user_agent=config.user_agent,
            adapter_factory=ADAPTER_FACTORY,
        )
        self.caller = PoliteCaller(config.call_policy(setting("min_delay_s")))

    @property
    def requests(self) -> int:
        return self.caller.requests

    @abstractmethod
    def parse(self, point: GeocodedPoint, raw: dict[str, Any]) -> GeocodedPoint:
        """Fill ``point`` from the provider's raw answer for one location."""

    def reverse(self, latitude: float, longitude: float) -> GeocodedPoint:
        point = self._reverse_point(latitude, longitude)
        coordinates = (point.query_latitude, point.query_longitude)
        return self._run(point, self.geocoder.reverse, coordinates, **self.reverse_options)

    def _reverse_point(self, latitude: float, longitude: float) -> GeocodedPoint:
        lat, lon = round_coordinate(latitude), round_coordinate(longitude)
        return GeocodedPoint(
            point_key=point_key(self.name, lat, lon),
            provider=self.name,
            provider_version=self.version,
            kind="reverse",
            status="failed",
            query_latitude=lat,
            query_longitude=lon,
        )

    def _search_point(self, query: str) -> GeocodedPoint:
        return GeocodedPoint(
            point_key=query_key(self.name, query),
            provider=self.name,
            provider_version=self.version,
            kind="search",
            status="failed",
            query=query,
        )

    def _run(self, point: GeocodedPoint, method: Any, *args: Any, **kwargs: Any) -> GeocodedPoint:
        try:
            location, point.attempts = self.caller(method, *args, **kwargs)
        except ProviderFailure as failure:
            point.status, point.reason, point.attempts = "failed", failure.reason, failure.attempts
            point.payload = to_json({"error": failure.detail})
            return point
        if location is None:
            point.status, point.reason = "not_found", "not_found"
            return point
        point.status = "ok"
        point.payload = to_json(location.raw)  # the raw answer is kept with the point
        return self.parse(point, location.raw)
