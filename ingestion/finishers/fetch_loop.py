"""The fetch loop: a thread pool GETs the pages in order, the caller handles each answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from .budget import RunBudget
from .fetcher import Fetcher, FetchResult
from .refresh_policy import Action, Decision, PageState
from .sitemap import SitemapEntry

Todo = tuple[SitemapEntry, PageState | None, Decision]


def fetch_all(
    fetcher: Fetcher,
    todo: Sequence[Todo],
    *,
    workers: int,
    budget: RunBudget,
    handle: Callable[[SitemapEntry, PageState | None, FetchResult], bool],
    progress: bool = False,
) -> list[Todo]:
    """Fetch ``todo`` in order and ``handle`` each answer (in this thread) until done, the
    budget is spent or ``handle`` returns True (stop); return the entries not taken."""
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="page", desc="finishers", dynamic_ncols=True)

    def fetch(entry: SitemapEntry, old: PageState | None, decision: Decision) -> FetchResult:
        conditional = decision.action is Action.CHECK and old is not None
        return fetcher.get(
            entry.url,
            etag=old.etag if conditional and old else None,
            last_modified=old.last_modified if conditional and old else None,
        )

    workers = max(1, workers)
    taken = 0
    stop = False
    in_flight: dict[Future[FetchResult], tuple[SitemapEntry, PageState | None]] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
        try:
            while True:
                while not stop and len(in_flight) < workers * 2 and taken < len(todo):
                    if budget.spent(fetcher.requests) and taken:
                        stop = True  # the budget is spent: land what was fetched
                        break
                    entry, old, decision = todo[taken]
                    taken += 1
                    in_flight[pool.submit(fetch, entry, old, decision)] = (entry, old)
                if not in_flight:
                    break
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    entry, old = in_flight.pop(future)
                    stopped = handle(entry, old, future.result())
                    if bar is not None:
                        bar.update(1)
                    if stopped:
                        return todo[taken:]
        finally:
            for future in in_flight:
                future.cancel()
            if bar is not None:
                bar.close()
    return todo[taken:]
