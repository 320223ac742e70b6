"""Constants of the finishers.com source: site layout, politeness defaults, table names."""

from __future__ import annotations

CANONICAL_BASE_URL = "https://www.finishers.com"
DEFAULT_BASE_URL = CANONICAL_BASE_URL
SITEMAP_PATH = "/sitemap/events.xml"
ROBOTS_PATH = "/robots.txt"
EVENT_PATH_PREFIX = "/course/"
CLOUDINARY_IMAGE_URL = "https://res.cloudinary.com/kavval/image/upload/"

DEFAULT_USER_AGENT = "BougeBot/0.1 (+https://github.com/bouge/data-platform)"
DEFAULT_CRAWL_DELAY_S = 1.5
DEFAULT_CONCURRENCY = 1
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 20.0
# A page must be fully read within this budget, whatever the server trickles.
BODY_DEADLINE_S = 30.0
MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_SITEMAP_BYTES = 100 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_ATTEMPTS = 5
BACKOFF_FACTOR = 1.0
MAX_RETRY_DELAY_S = 120.0
# 403 is how finishers.com's CDN says "slow down", so it is retried like 429 and 5xx.
RETRY_STATUS_CODES = (403, 429, 500, 502, 503, 504)

# One dlt load per batch: a killed run loses at most one batch of fetches. A dlt run
# costs ~1 s whatever its size, so a fast crawl (local snapshot) lands at most every
# BATCH_MIN_SECONDS, in batches of up to MAX_BATCH_PAGES.
BATCH_SIZE = 200
BATCH_MIN_SECONDS = 3.0
MAX_BATCH_PAGES = 5000

# Refresh policy (see refresh_policy.py).
RECHECK_AFTER_HOURS = 20.0
STABLE_AFTER_DAYS = 30.0
STABLE_RECHECK_AFTER_HOURS = 7 * 24.0
# Pages with a site-map <lastmod> are trusted: re-checked when it moves, and otherwise
# once every LASTMOD_RECHECK_DAYS, on the night their slug hashes to.
LASTMOD_RECHECK_DAYS = 30.0

PIPELINE_NAME = "finishers"
DATASET_NAME = "raw_finishers"

# Keys of pageProps whose value changes without the event changing.
VOLATILE_KEYS = frozenset({"buildId", "__N_SSP", "__N_SSG", "_sentryTraceData", "_sentryBaggage"})

EXCERPT_CHARS = 500
