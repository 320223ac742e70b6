"""Child-process entry point: ``python -m bench.child STEP PARAMS_JSON OUT_JSON``.

Runs one step of ``bench.steps`` and writes ``{"status", "metrics" | "reason" | "error"}``
plus its own rusage; the parent reads the peak RSS of the whole child tree with wait4.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import traceback
from pathlib import Path


def main() -> None:
    step, params_file, out_file = sys.argv[1:4]
    params = json.loads(Path(params_file).read_text())
    started = time.perf_counter()
    try:
        from bench.steps import STEPS, StepSkipped

        try:
            result = {"status": "ok", "metrics": STEPS[step](params)}
        except StepSkipped as exc:
            result = {"status": "skipped", "reason": str(exc)}
    except Exception as exc:
        result = {
            "status": "failed",
            "reason": f"{type(exc).__name__}: {str(exc)[-2000:]}",
            "traceback": traceback.format_exc()[-4000:],
        }
    result["child_wall_s"] = round(time.perf_counter() - started, 3)
    result["self_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["children_maxrss_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )
    Path(out_file).write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
