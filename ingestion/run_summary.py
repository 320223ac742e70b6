"""Markdown summary of the latest ingestion, for the nightly job summary or a terminal.

Reads, from the warehouse ``DBT_TARGET`` selects (``ingestion.warehouse``):
the last ``raw_finishers.ingest_runs`` row, that run's ``raw_finishers.rejects`` by reason,
the last run of ``raw_geocoding.geocoding_runs`` when that table exists, the last Data ES
run with its geocoding agreement figure, and, if given,
the dbt results of a ``run_results.json``.

    python -m ingestion.run_summary                 # or: python ingestion/run_summary.py
    python -m ingestion.run_summary --run-results target/run_results.json >> "$GITHUB_STEP_SUMMARY"

Exit status 0 when a summary was printed (also "no run recorded yet"), 1 when the
warehouse could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # run as a file too: the repo root is importable only once main runs
    from ingestion.warehouse_reader import WarehouseReader

# The crawl counters of ingest_runs (ingestion/README.md), in the order the crawl meets them.
CRAWL_COUNTERS = (
    "discovered",
    "selected",
    "fetched",
    "not_modified",
    "skipped_fresh",
    "new",
    "changed",
    "unchanged",
    "unlisted",
    "rejected",
    "failed",
    "requests",
    "bytes",
)
HEADLINE = ("new", "changed", "rejected")
MAX_REJECT_REASONS = 10
MAX_DBT_FAILURES = 20


def _columns(reader: WarehouseReader, schema: str, table: str) -> set[str]:
    """The table's columns; empty when it does not exist (yet)."""
    return set(reader.columns(schema, table))


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


def _bytes(value: Any) -> str:
    if value is None:
        return "–"
    size = float(value)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    return str(value)  # pragma: no cover


def _duration(seconds: Any) -> str:
    if seconds is None:
        return "–"
    total = round(float(seconds))
    minutes, secs = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def _cell(value: Any) -> str:
    return "–" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def _ingest_section(reader: WarehouseReader) -> list[str]:
    columns = _columns(reader, "raw_finishers", "ingest_runs")
    if not columns:
        return ["_No crawl recorded yet (`raw_finishers.ingest_runs` does not exist)._"]
    order = "started_at desc nulls last" if "started_at" in columns else "_dlt_load_id desc"
    runs = reader.records(f"select * from raw_finishers.ingest_runs order by {order} limit 1")
    if not runs:
        return ["_No crawl recorded yet (`raw_finishers.ingest_runs` is empty)._"]
    run = runs[0]

    lines = [
        f"### Crawl `{run.get('run_id')}`: {run.get('status') or 'unknown status'}",
        "",
        f"Started {run.get('started_at')} · took {_duration(run.get('duration_s'))} · "
        f"{run.get('base_url') or ''}".rstrip(" ·"),
        "",
        " · ".join(f"**{_number(run.get(name))}** {name}" for name in HEADLINE),
        "",
        *([f"**Anomaly, run stopped:** {_cell(run['anomaly'])}", ""] if run.get("anomaly") else []),
        "| counter | value |",
        "|---|---:|",
    ]
    extra = sorted(
        name
        for name, value in run.items()
        if name not in CRAWL_COUNTERS
        and not name.startswith("_dlt")
        and name not in ("duration_s", "run_id")
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    )
    for name in (*CRAWL_COUNTERS, *extra):
        if name in run:
            shown = _bytes(run[name]) if name == "bytes" else _number(run[name])
            lines.append(f"| {name} | {shown} |")

    reject_columns = _columns(reader, "raw_finishers", "rejects")
    if {"run_id", "reason"} <= reject_columns and "run_id" in columns:
        severity = "severity" if "severity" in reject_columns else "null"
        reasons = reader.records(
            f"select reason, {severity} as severity, count(*) as n "
            "from raw_finishers.rejects "
            "where run_id = (select run_id from raw_finishers.ingest_runs "
            f"order by {order} limit 1) "
            "group by 1, 2 order by n desc, reason",
        )
        if reasons:
            lines += ["", "| reject reason | severity | rows |", "|---|---|---:|"]
            for row in reasons[:MAX_REJECT_REASONS]:
                lines.append(
                    f"| {_cell(row['reason'])} | {_cell(row['severity'])} | {_number(row['n'])} |"
                )
            if len(reasons) > MAX_REJECT_REASONS:
                rest = sum(int(row["n"]) for row in reasons[MAX_REJECT_REASONS:])
                lines.append(f"| _{len(reasons) - MAX_REJECT_REASONS} more reasons_ | | {rest} |")
    return lines


def _geocoding_section(reader: WarehouseReader) -> list[str]:
    columns = _columns(reader, "raw_geocoding", "geocoding_runs")
    if not columns:
        return []
    # One row per provider per run: the latest run is the latest run_id, or the latest load.
    if "run_id" in columns:
        order = next(
            (f"{c} desc nulls last" for c in ("started_at", "finished_at") if c in columns),
            "_dlt_load_id desc",
        )
        where = (
            f"run_id = (select run_id from raw_geocoding.geocoding_runs order by {order} limit 1)"
        )
    else:
        where = "_dlt_load_id = (select max(_dlt_load_id) from raw_geocoding.geocoding_runs)"
    rows = reader.records(f"select * from raw_geocoding.geocoding_runs where {where}")
    if not rows:
        return []
    shown = [c for c in rows[0] if not c.startswith("_dlt") and c != "run_id"]
    if "provider" in shown:
        rows.sort(key=lambda row: str(row["provider"]))
    lines = [
        f"### Geocoding `{rows[0].get('run_id', rows[0].get('_dlt_load_id'))}`",
        "",
        "| " + " | ".join(shown) + " |",
        "|" + "|".join("---:" if _is_number(rows[0][c]) else "---" for c in shown) + "|",
    ]
    for row in rows:
        lines.append(
            "| "
            + " | ".join(_number(row[c]) if _is_number(row[c]) else _cell(row[c]) for c in shown)
            + " |"
        )
    return lines


def _data_es_section(reader: WarehouseReader) -> list[str]:
    """The last Data ES run and the geocoding agreement figure (when it has run)."""
    if not _columns(reader, "raw_data_es", "ingest_runs"):
        return []
    runs = reader.records(
        "select * from raw_data_es.ingest_runs order by started_at desc nulls last limit 1"
    )
    if not runs:
        return []
    run = runs[0]
    counters = ("read", "new", "changed", "unlisted", "rejected", "requests")
    lines = [
        f"### Data ES `{run.get('run_id')}` ({run.get('mode')}): {run.get('status')}",
        "",
        " · ".join(f"**{_number(run.get(name))}** {name}" for name in counters),
    ]
    if run.get("detail"):
        lines += ["", _cell(run["detail"])]
    if _columns(reader, "raw_geocoding", "poi_locations"):
        from ingestion.data_es.agreement import geocoding_agreement

        lines += ["", f"Geocoding agreement: {geocoding_agreement(reader).describe()}."]
    return lines


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _dbt_section(run_results: Path) -> list[str]:
    if not run_results.is_file():
        return [f"_dbt: no `{run_results}` (dbt did not run)._"]
    data = json.loads(run_results.read_text())
    results = data.get("results", [])
    statuses = Counter(str(result.get("status")) for result in results)
    failed = [r for r in results if r.get("status") in ("error", "fail")]
    command = (data.get("args") or {}).get("which", "build")
    lines = [
        f"### dbt {command}: {'FAILED' if failed else 'ok'}",
        "",
        " · ".join(f"**{n}** {status}" for status, n in sorted(statuses.items())) or "no nodes run",
    ]
    if failed:
        lines += ["", "| node | status | message |", "|---|---|---|"]
        for result in failed[:MAX_DBT_FAILURES]:
            message = (result.get("message") or "").strip().splitlines()
            lines.append(
                f"| `{result.get('unique_id')}` | {result.get('status')} | "
                f"{_cell(message[0] if message else '')} |"
            )
        if len(failed) > MAX_DBT_FAILURES:
            lines.append(f"| _{len(failed) - MAX_DBT_FAILURES} more_ | | |")
    return lines


def render(reader: WarehouseReader, target: str, run_results: Path | None = None) -> str:
    """The whole summary, as markdown."""
    sections = [[f"## Bouge ingestion summary ({target})"], _ingest_section(reader)]
    sections.append(_geocoding_section(reader))
    sections.append(_data_es_section(reader))
    if run_results is not None:
        sections.append(_dbt_section(run_results))
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--run-results",
        type=Path,
        help="a dbt run_results.json to summarise too (e.g. target/run_results.json)",
    )
    args = parser.parse_args(argv)

    from ingestion.warehouse import current_warehouse

    warehouse = current_warehouse()
    # The target and the engine only: the host name stays out of a published summary.
    target = f"{warehouse.target}, {warehouse.kind}"
    try:
        with warehouse.reader() as reader:
            markdown = render(reader, target, args.run_results)
    except Exception as exc:
        # The details (they may name the host) go to the log, where CI masks secrets.
        print(f"run_summary: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"## Bouge ingestion summary ({target})\n")
        print(f"**Could not read the warehouse** ({type(exc).__name__}): see the job log.")
        return 1
    sys.stdout.write(markdown)
    return 0


if __name__ == "__main__":
    if not __package__:  # run as a file: make the repo root importable
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
