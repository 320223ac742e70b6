"""The crawl's settings: politeness and limits of the fetcher, and how a run lands and
when it stops. Resolved by dlt (:mod:`ingestion.config`): ``SOURCES__FINISHERS__<FIELD>``,
the documented ``FINISHERS_*`` variables, ``[sources.finishers]`` in ``.dlt/config.toml``;
the defaults are the fields' (from :mod:`.settings`)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ingestion.config import setting_values, step_settings

from . import settings
from .fetcher import FetchConfig

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
STEP, PREFIX = "finishers", "FINISHERS_"
# FetchConfig fields whose documented variable is not FINISHERS_<FIELD>.
FETCH_ALIASES = {
    "crawl_delay_s": "FINISHERS_CRAWL_DELAY",
    "connect_timeout_s": "FINISHERS_CONNECT_TIMEOUT",
    "read_timeout_s": "FINISHERS_READ_TIMEOUT",
    "body_deadline_s": "FINISHERS_BODY_DEADLINE",
    "max_retry_delay_s": "FINISHERS_MAX_RETRY_DELAY",
}


@dataclass(frozen=True)
class CrawlSettings:
    """How a run lands its batches, re-checks pages, guards a bad night and budgets itself."""

    batch_size: int = settings.BATCH_SIZE
    batch_min_seconds: float = settings.BATCH_MIN_SECONDS
    lastmod_recheck_days: float = settings.LASTMOD_RECHECK_DAYS
    max_reject_share: float = settings.MAX_REJECT_SHARE
    max_unlist_share: float = settings.MAX_UNLIST_SHARE
    max_runtime_s: float = settings.MAX_RUNTIME_S  # 0: no time limit
    max_requests_per_run: int | None = None  # None: what fits in the time budget; 0: none


def fetch_config_from_env(base_url: str | None = None) -> FetchConfig:
    """The fetcher's settings for ``base_url`` (default: the configured one, else the site).

    Without a configured crawl delay it is 1.5 s, or 0 for a local snapshot server.
    """
    values = setting_values(FetchConfig, STEP, PREFIX, FETCH_ALIASES)
    base = (base_url or values.get("base_url") or settings.DEFAULT_BASE_URL).rstrip("/")
    local = urlsplit(base).hostname in LOOPBACK_HOSTS
    values.setdefault("crawl_delay_s", 0.0 if local else settings.DEFAULT_CRAWL_DELAY_S)
    values["concurrency"] = max(1, values.get("concurrency", settings.DEFAULT_CONCURRENCY))
    return FetchConfig(**{**values, "base_url": base})


def crawl_settings() -> CrawlSettings:
    return step_settings(CrawlSettings, STEP, PREFIX)
