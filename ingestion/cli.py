"""What every ingestion CLI shares: its parser, and one line and an exit status per error.

Exit status: 0 done; 2 cannot run (a bad setting, the site or the warehouse unreachable...);
3 anomaly (a guard stopped the run); 130 interrupted (landed batches are kept).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Protocol

from ingestion.env import EnvSettingError

CANNOT_RUN, ANOMALY, INTERRUPTED = 2, 3, 130


class Summary(Protocol):
    def table(self) -> str: ...


def step_parser(
    module: str | None, doc: str | None, progress: bool = False
) -> argparse.ArgumentParser:
    """The parser of ``python -m <module>``, described by the first line of its ``doc``;
    ``progress`` adds ``--no-progress`` (no progress bar)."""
    description = doc.strip().splitlines()[0] if doc else None
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=description)
    if progress:
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def run_step(
    name: str,
    run: Callable[[], Summary],
    *,
    cannot_run: tuple[type[BaseException], ...] = (),
    anomaly: tuple[type[BaseException], ...] = (),
    resumable: bool = True,
) -> int:
    """Run one step, print its summary table; an expected error is one line on stderr.

    ``cannot_run`` (and :class:`EnvSettingError`) exit 2, ``anomaly`` exits 3; with
    ``resumable``, Ctrl-C says that the landed batches are kept and exits 130.
    """
    try:
        summary = run()
    except anomaly as exc:
        print(f"{name}: anomaly, run stopped: {exc}", file=sys.stderr)
        return ANOMALY
    except (*cannot_run, EnvSettingError) as exc:
        print(f"{name}: cannot run: {exc}", file=sys.stderr)
        return CANNOT_RUN
    except KeyboardInterrupt:
        if not resumable:
            raise
        print(f"{name}: interrupted; landed batches are kept, rerun to resume", file=sys.stderr)
        return INTERRUPTED
    print(summary.table())
    return 0
