"""dbt's own command line, with one change: a free thread takes, of the nodes ready to run,
the one with the longest chain of nodes still waiting on it.

    python -m ingestion.dbt_runner build [dbt's options]     # what `dbt build` does

dbt hands every node to its thread pool the moment the node is ready, and the pool runs
them first come, first served. So the tests of a short branch, ready a moment earlier, go
before the next model of the long chain that bounds the run, and that chain waits for a
thread. On a night at 100,000 events + 334,000 equipments on DuckDB's 2 threads, the POI
chain (staging, cleaned, located, duplicates, `poi`, its snapshot) waited 1.9 s of its
6.5 s that way (bench/BASELINE.md).

The usual remedy is list scheduling by the longest path left, counted here in nodes: hold
the ready nodes until a thread is free, then hand it the one with the longest chain. dbt
has no setting for it (a node's priority is dbt-core#10632), so this patches dbt-core 1.11
(pinned in pyproject.toml), in this process only: how its `GraphQueue` scores a node
(`_get_scores`), and a count of free threads, set by the task's `run_queue` to the pool's
size, that the queue's `get` waits on and its `mark_done` gives back. The dependencies,
the test edges of `build`, the results and the exit status are dbt's.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

MODULE = "ingestion.dbt_runner"


def command(*args: str) -> list[str]:
    """``dbt <args>`` through this runner, as a subprocess's command line (this module
    imports dbt only when it runs, not when a caller imports it for this)."""
    return [sys.executable, "-m", MODULE, *args]


def longest_chain_first(graph: Any) -> dict[str, int]:
    """Each node's score (dbt hands out the lowest first): minus the number of nodes on
    the longest path from it to the end of ``graph`` (a networkx DiGraph), itself
    included. Ties go by name, as in dbt (models before tests)."""
    from dbt.graph.queue import GraphQueue

    chain: dict[str, int] = {}
    for level in reversed(list(GraphQueue._grouped_topological_sort(graph))):
        for node in level:
            chain[node] = 1 + max((chain[child] for child in graph.successors(node)), default=0)
    return {node: -length for node, length in chain.items()}


def install() -> None:
    """Patch this process's dbt: scores by :func:`longest_chain_first`, and a node handed
    out only when one of the pool's threads is free."""
    from dbt.graph.queue import GraphQueue
    from dbt.task.runnable import GraphRunnableTask

    get, mark_done, run_queue = GraphQueue.get, GraphQueue.mark_done, GraphRunnableTask.run_queue

    def scores(_queue: Any, graph: Any) -> dict[str, int]:
        return longest_chain_first(graph)

    def get_when_free(queue: Any, *args: Any, **kwargs: Any) -> Any:
        free = getattr(queue, "free_threads", None)
        if free is not None:
            free.acquire()
        return get(queue, *args, **kwargs)

    def mark_done_and_free(queue: Any, node_id: str) -> None:
        mark_done(queue, node_id)  # the node's successors are queued before its thread frees
        free = getattr(queue, "free_threads", None)
        if free is not None:
            free.release()

    def run_queue_with_free_threads(task: Any, pool: Any) -> None:
        if task.job_queue is not None:
            task.job_queue.free_threads = threading.Semaphore(pool.max_threads)  # type: ignore[attr-defined]
        run_queue(task, pool)

    GraphQueue._get_scores = scores  # type: ignore[method-assign]
    GraphQueue.get = get_when_free  # type: ignore[method-assign]
    GraphQueue.mark_done = mark_done_and_free  # type: ignore[method-assign]
    GraphRunnableTask.run_queue = run_queue_with_free_threads  # type: ignore[method-assign]


def main() -> None:
    from dbt.cli.main import cli

    install()
    sys.exit(cli())


if __name__ == "__main__":
    main()
