"""finishers.com → ``raw_finishers``: a dlt source over one batch of crawled pages.

Data flows discover (:mod:`.sitemap`) → fetch (:mod:`.fetcher`, :mod:`.refresh_policy`)
→ parse (:mod:`.parser`) → outcome (:mod:`.outcome`) → these resources, landed batch by
batch by :mod:`.lander` for :mod:`.crawl` (``run_crawl``, also behind
``python -m ingestion.finishers``). Tables and columns: :mod:`.columns` and
ingestion/README.md.
"""

from __future__ import annotations

from .crawl import CrawlAnomaly, CrawlError, CrawlSummary, run_crawl
from .source import finishers_source

__all__ = ["CrawlAnomaly", "CrawlError", "CrawlSummary", "finishers_source", "run_crawl"]
