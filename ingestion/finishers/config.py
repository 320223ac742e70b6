"""The crawl's settings, one object: politeness and limits of the fetcher, how a run lands,
re-checks, guards a bad night and budgets itself. Resolved by dlt (:mod:`ingestion.config`):
``SOURCES__FINISHERS__<FIELD>``, the documented ``FINISHERS_*`` variables,
``[sources.finishers]`` in ``.dlt/config.toml``; the defaults are the fields'."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ingestion.config import setting_values

from . import settings

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
STEP, PREFIX = "finishers", "FINISHERS_"
# Fields whose documented variable is not FINISHERS_<FIELD>.
ALIASES = {
    "crawl_delay_s": "FINISHERS_CRAWL_DELAY",
    "connect_timeout_s": "FINISHERS_CONNECT_TIMEOUT",
    "read_timeout_s": "FINISHERS_READ_TIMEOUT",
    "body_deadline_s": "FINISHERS_BODY_DEADLINE",
    "max_retry_delay_s": "FINISHERS_MAX_RETRY_DELAY",
}


@dataclass(frozen=True)
class CrawlConfig:
    base_url: str = settings.DEFAULT_BASE_URL
    user_agent: str = settings.DEFAULT_USER_AGENT
    crawl_delay_s: float = settings.DEFAULT_CRAWL_DELAY_S  # 0 against a local server
    concurrency: int = settings.DEFAULT_CONCURRENCY
    connect_timeout_s: float = settings.CONNECT_TIMEOUT_S
    read_timeout_s: float = settings.READ_TIMEOUT_S
    body_deadline_s: float = settings.BODY_DEADLINE_S
    max_body_bytes: int = settings.MAX_BODY_BYTES
    max_attempts: int = settings.MAX_ATTEMPTS
    backoff_factor: float = settings.BACKOFF_FACTOR
    max_retry_delay_s: float = settings.MAX_RETRY_DELAY_S
    # how a run lands its batches, re-checks pages, guards a bad night, budgets itself
    batch_size: int = settings.BATCH_SIZE
    batch_min_seconds: float = settings.BATCH_MIN_SECONDS
    duckdb_memory_limit: str = settings.DUCKDB_MEMORY_LIMIT  # the crawl's; dbt: the profile's
    lastmod_recheck_days: float = settings.LASTMOD_RECHECK_DAYS
    max_reject_share: float = settings.MAX_REJECT_SHARE
    max_unlist_share: float = settings.MAX_UNLIST_SHARE
    max_runtime_s: float = settings.MAX_RUNTIME_S  # 0: no time limit
    max_requests_per_run: int | None = None  # None: what fits in the time budget; 0: none


def fetch_config_from_env(base_url: str | None = None) -> CrawlConfig:
    """The crawl's settings for ``base_url`` (default: the configured one, else the site).

    Without a configured crawl delay it is 1.5 s, or 0 for a local snapshot server.
    """
    values = setting_values(CrawlConfig, STEP, PREFIX, ALIASES)
    base = (base_url or values.get("base_url") or settings.DEFAULT_BASE_URL).rstrip("/")
    local = urlsplit(base).hostname in LOOPBACK_HOSTS
    values.setdefault("crawl_delay_s", 0.0 if local else settings.DEFAULT_CRAWL_DELAY_S)
    values["concurrency"] = max(1, values.get("concurrency", settings.DEFAULT_CONCURRENCY))
    return CrawlConfig(**{**values, "base_url": base})
