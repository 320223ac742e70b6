"""Politeness and limits of the fetcher, from the ``FINISHERS_*`` environment variables."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from ingestion.env import env_float

from . import settings
from .fetcher import FetchConfig

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def fetch_config_from_env(base_url: str | None = None) -> FetchConfig:
    """Politeness and limits from ``FINISHERS_*`` environment variables.

    Without ``FINISHERS_CRAWL_DELAY`` the delay is 1.5 s, or 0 for a local snapshot server.
    """
    base = (base_url or os.environ.get("FINISHERS_BASE_URL") or settings.DEFAULT_BASE_URL).rstrip(
        "/"
    )
    local = urlsplit(base).hostname in LOOPBACK_HOSTS
    default_delay = 0.0 if local else settings.DEFAULT_CRAWL_DELAY_S
    return FetchConfig(
        base_url=base,
        user_agent=os.environ.get("FINISHERS_USER_AGENT") or settings.DEFAULT_USER_AGENT,
        crawl_delay_s=env_float("FINISHERS_CRAWL_DELAY", default_delay),
        concurrency=max(1, int(env_float("FINISHERS_CONCURRENCY", settings.DEFAULT_CONCURRENCY))),
        connect_timeout_s=env_float("FINISHERS_CONNECT_TIMEOUT", settings.CONNECT_TIMEOUT_S),
        read_timeout_s=env_float("FINISHERS_READ_TIMEOUT", settings.READ_TIMEOUT_S),
        body_deadline_s=env_float("FINISHERS_BODY_DEADLINE", settings.BODY_DEADLINE_S),
        max_body_bytes=int(env_float("FINISHERS_MAX_BODY_BYTES", settings.MAX_BODY_BYTES)),
        max_attempts=int(env_float("FINISHERS_MAX_ATTEMPTS", settings.MAX_ATTEMPTS)),
        backoff_factor=env_float("FINISHERS_BACKOFF_FACTOR", settings.BACKOFF_FACTOR),
        max_retry_delay_s=env_float("FINISHERS_MAX_RETRY_DELAY", settings.MAX_RETRY_DELAY_S),
    )
