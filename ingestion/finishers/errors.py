"""Why a crawl cannot run (the CLI prints it in one line and exits 2)."""

from __future__ import annotations


class CrawlError(RuntimeError):
    """The run cannot proceed (warehouse or site map unreachable...)."""
