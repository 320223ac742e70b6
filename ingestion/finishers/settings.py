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

# One dlt load per batch: a killed run loses at most one batch of fetches. A load's memory
# follows its rows: a crawl lands every BATCH_SIZE pages, so its peak does not grow with
# the catalogue (at 100,000 events, 200-page batches peaked 17 MB higher; landing at most
# every 3 s, as a fast local crawl once did to save dlt's ~1 s a run, let a batch grow to
# 700 pages and the night's peak by 80 MB: issue 13). BATCH_MIN_SECONDS > 0 brings that
# back (batches of up to MAX_BATCH_PAGES): faster on a local snapshot, larger in memory.
BATCH_SIZE = 100
BATCH_MIN_SECONDS = 0.0
# On DuckDB the warehouse runs inside the crawl's process, and its buffer pool caches what
# the crawl reads and merges up to its cap: the profile's 512MB is dbt's. The crawl reads
# its state once and merges 100-page batches, so it caps DuckDB far lower, with one DuckDB
# thread and one dlt load job at a time (lander.py), landed as insert_values: at 64MB,
# loads run side by side on two threads ran out of memory at 100,000 events, and a jsonl
# load needs two 32 MiB read buffers. Issue 13: a night at 100,000 events peaked at 694 MB
# under the profile's cap, 370 MB under 192MB, 269–300 MB with these (227–251 MB at 10,000).
DUCKDB_MEMORY_LIMIT = "64MB"
DUCKDB_THREADS = 1
# The crawl's checkpoints do not vacuum, until its tables hold this many row groups
# (compaction.py: a load no longer rewrites the events landed before).
DUCKDB_MAX_VACUUM_TASKS = 0
DUCKDB_MAX_ROW_GROUPS = 64
LOAD_WORKERS = 1
MAX_BATCH_PAGES = 5000

# Refresh policy (see refresh_policy.py). A "night" is at least NIGHT_HOURS after the
# previous check, so a nightly run that starts a little earlier still counts as the next night.
NIGHT_HOURS = 20.0
# The former fixed rule without a lastmod (kept for the benchmark's comparison only).
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

# Adaptive re-check without a lastmod (adaptive.py): a page's change rate is learned from
# its content-hash history, with a prior worth PRIOR_DAYS of observation at PRIOR_CHANGES
# changes (a new page: one change a month). A page is re-checked once the probability that
# it changed since its last check reaches RECHECK_PROBABILITY, within [1, MAX_INTERVAL]
# nights; events starting within UPCOMING_DAYS are re-checked every night, within SOON_DAYS
# every SOON_INTERVAL nights at most. An edition that is over waits EDITION_OVER nights
# until NEW_EDITION_DUE_DAYS after its start, when the organiser may publish the next one.
PRIOR_CHANGES = 0.5
PRIOR_DAYS = 15.0
RECHECK_PROBABILITY = 0.25
MAX_INTERVAL_NIGHTS = 7
UPCOMING_DAYS = 30
SOON_DAYS = 90
SOON_INTERVAL_NIGHTS = 3
EDITION_OVER_INTERVAL_NIGHTS = 14
NEW_EDITION_DUE_DAYS = 300

# Failed pages back off across nights (backoff.py): the first failure is retried on the next
# run, then after 1, 2, 4... nights, at most BACKOFF_MAX_NIGHTS. A page answering 404/410
# on GONE_AFTER_NIGHTS consecutive nights is recorded as gone (unlisted, never deleted) and
# asked again every BACKOFF_MAX_NIGHTS.
BACKOFF_MAX_NIGHTS = 16
GONE_AFTER_NIGHTS = 3

# Budgets of one run (budget.py). The crawl stops taking pages after MAX_RUNTIME_S; the
# request budget defaults to REQUEST_SHARE_OF_RUNTIME of that time at the crawl delay.
# See README "Production": 2 h of crawl + geocoding + dbt + docs in the 180-min job.
MAX_RUNTIME_S = 7200.0
REQUEST_SHARE_OF_RUNTIME = 0.9

# Guards of a bad night (guards.py).
MAX_UNLIST_SHARE = 0.2
MAX_REJECT_SHARE = 0.2
REJECT_GUARD_MIN_PAGES = 20  # the share is judged once this many pages were downloaded
