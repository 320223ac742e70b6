"""The run's settings, one object resolved by dlt (:mod:`ingestion.config`):
``SOURCES__DATA_ES__<FIELD>`` in the environment or ``[sources.data_es] <field>`` in
``.dlt/config.toml``; the defaults are the fields'."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ingestion.config import first_broken, setting_values

from . import settings
from .errors import DataEsError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class ApiConfig:
    base_url: str = settings.CANONICAL_BASE_URL
    user_agent: str = settings.DEFAULT_USER_AGENT
    page_limit: int = settings.MAX_PAGE_LIMIT
    # Politeness: ~5,000 anonymous calls a day per IP, reset at 00:00 UTC.
    request_budget: int = 4_000  # calls per run, leaving a margin of the daily quota
    max_quota_wait_s: float = 120.0  # a 429 whose reset is further away stops the run
    min_remaining: int = 1  # stop before X-RateLimit-Remaining reaches 0
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    max_attempts: int = 4  # connection errors and 5xx
    backoff_s: float = 1.0  # first retry delay (doubles)
    # One dlt load per batch of slices: a run stopped by the quota loses at most one batch.
    batch_records: int = 20_000
    # A full read marks what vanished as unlisted; one is forced when the last is this old.
    full_reconciliation_days: float = 7.0

    def __post_init__(self) -> None:
        first_broken(
            DataEsError,
            (
                1 <= self.page_limit <= settings.MAX_PAGE_LIMIT,
                f"page_limit={self.page_limit}: the API allows 1 to {settings.MAX_PAGE_LIMIT}",
            ),
            (
                (urlsplit(self.base_url).hostname or "") in self.allowed_hosts,
                f"base_url={self.base_url!r}: only {settings.CANONICAL_BASE_URL} or a local "
                "server (127.0.0.1) may be read",
            ),
            (self.batch_records >= 1, f"batch_records={self.batch_records}: at least 1"),
        )

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return frozenset({urlsplit(settings.CANONICAL_BASE_URL).hostname or ""}) | LOOPBACK_HOSTS

    @classmethod
    def resolve(cls, base_url: str | None = None) -> ApiConfig:
        """The configured settings; ``base_url`` (the CLI's ``--base-url``) wins."""
        values = setting_values(cls, settings.PIPELINE_NAME, prefix="")
        url = base_url or values.get("base_url") or settings.CANONICAL_BASE_URL
        return cls(**{**values, "base_url": url.rstrip("/")})
