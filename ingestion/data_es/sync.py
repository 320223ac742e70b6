"""One Data ES run: decide the mode, plan the slices, land them batch by batch, summarise.

- **export** (``auto``'s full read: the first run, then weekly) and **full** (the same,
  paged through ``/records``): the whole set; an equipment gone from it is re-landed
  ``is_listed = false`` (never deleted). The export is one download landed in parts.
- **delta** (nightly): ``equip_maj_date >= <cursor>``; the cursor (the newest meaningful
  ``equip_maj_date`` landed, never before 2025-03-31) lives in dlt's source state.

A batch of slices is one ``pipeline.run``; the slices it read are recorded in the same
state, committed with the batch. A run stopped by the quota or the budget keeps what it
landed and the next run resumes with the slices left (``slices_resumed``).
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import dlt
import requests

from ingestion.arrow_rows import (
    arrow_file_format,
    load_ids_on_arrow_rows,
    one_item_at_a_time,
    to_arrow,
)
from ingestion.run_record import run_record
from ingestion.warehouse import (
    Warehouse,
    WarehouseConfigError,
    current_warehouse,
)

from . import Page, data_es_source, export, settings
from .columns import ACTIVITY_COLUMNS, EQUIPMENT_COLUMNS, RUN_COLUMNS, TABLES
from .config import ApiConfig
from .helpers import (
    Api,
    DataEsError,
    PoliteSession,
    QuotaStop,
    Slice,
    plan_slices,
    slice_resources,
)
from .parsing import RecordRejected, parse_record

MODES = ("auto", "full", "delta", "export")
RECONCILING = ("full", "export")  # modes that read the whole set and unlist what vanished
PAGE_ROWS = 1000  # records per item handed to dlt
EXPORT_PAGE_ROWS = 5_000  # rows per Arrow table of the export path


_Record = run_record(
    "_Record",
    RUN_COLUMNS,
    run_id="",
    base_url="",
    mode="",
    status="running",
    rate_limit_remaining=None,
)


class SyncSummary(_Record):  # type: ignore[misc,valid-type]
    """One field per column of ``raw_data_es.ingest_runs`` (columns.RUN_COLUMNS)."""

    LABELS = """
        slices: slices planned
        slices_resumed: slices done by an earlier run
        slices_done: slices read
        splits: slices split past the window
        read: records read
        new: new equipments
        changed: changed equipments
        unchanged: unchanged equipments
        unlisted: unlisted (gone from the set)
        relisted: listed again
        rejected: rejected records
        field_rejects: fields nulled
        requests: HTTP requests
    """

    def table(self) -> str:
        cursor = f"{self.cursor_from or '-'} → {self.cursor_to or '-'}"
        title = f"data_es {self.mode} {self.run_id} — {self.status} — {self.base_url}"
        lines, width = self.counter_lines(title)
        lines.append(f"  {'equip_maj_date cursor':<{width}}{cursor:>10}")
        lines.append(self.duration_line(width))
        if self.detail:
            lines.append(f"  {self.detail}")
        return "\n".join(lines)


@dataclass
class Known:
    """What the warehouse holds of one equipment (to tell new / changed / vanished)."""

    content_hash: str | None
    is_listed: bool
    first_seen_at: Any
    dep_code: str | None
    new_code: str | None
    equip_type_famille: str | None

    def as_slice_row(self) -> dict[str, Any]:
        return {
            "dep_code": self.dep_code,
            "new_code": self.new_code,
            "equip_type_famille": self.equip_type_famille,
        }


_KNOWN_FIELDS = (
    "equip_numero",
    "content_hash",
    "is_listed",
    "first_seen_at",
    "dep_code",
    "new_code",
    "equip_type_famille",
)


def read_known(warehouse: Warehouse) -> dict[str, Known]:
    with warehouse.reader() as reader:
        rows = reader.select(settings.DATASET_NAME, "equipments", _KNOWN_FIELDS)
    return {
        r.pop("equip_numero"): Known(**{**r, "is_listed": r["is_listed"] is not False})
        for r in rows
    }


def read_full_rows(warehouse: Warehouse, ids: list[str]) -> list[dict[str, Any]]:
    """The landed rows of these equipments (to re-land them unlisted)."""
    with warehouse.reader() as reader:
        return reader.select_keys(
            settings.DATASET_NAME, "equipments", EQUIPMENT_COLUMNS, "equip_numero", ids
        )


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Cycle:
    """A full or delta read in progress, possibly over several runs (in dlt state)."""

    mode: str
    cursor_from: str | None
    started_at: str
    done: list[str] = field(default_factory=list)
    max_date: str | None = None


@dataclass
class _ExportPart:
    """Records of the export landed in one load; ``seen`` spans the whole export."""

    records: list[Any]
    seen: set[str]
    last: bool


class _Run:
    def __init__(
        self, mode: str, base_url: str | None, clock: Callable[[], datetime] | None, progress: bool
    ) -> None:
        if mode not in MODES:
            raise DataEsError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.requested_mode = mode
        self.clock = clock or _utcnow
        self.now = self.clock()
        self.progress = progress
        self.config = ApiConfig.resolve(base_url)
        self.session = PoliteSession(self.config)
        self.api = Api(self.config, self.session)
        self.summary = SyncSummary(
            run_id=uuid.uuid4().hex[:16], started_at=self.now, base_url=self.config.base_url
        )
        self.known: dict[str, Known] = {}
        self.by_department: dict[str | None, set[str]] = {}  # of the known equipments
        self.seen_in_run: set[str] = set()
        self.warehouse: Warehouse | None = None
        self.pipeline: Any = None
        self.file_format: str | None = None
        self.cycle: _Cycle | None = None
        self.state: dict[str, Any] = {}
        self.bar: Any = None

    # ------------------------------------------------------------------ setup

    def open_pipeline(self) -> None:
        try:
            self.warehouse = current_warehouse()
            self.pipeline = self.warehouse.pipeline(settings.PIPELINE_NAME, settings.DATASET_NAME)
        except WarehouseConfigError as exc:
            raise DataEsError(f"warehouse not configured: {exc}") from exc
        self.file_format = "jsonl" if self.warehouse.kind == "duckdb" else None
        try:
            self.pipeline.sync_destination()  # the state of the warehouse wins (new machine)
            if self.pipeline.has_pending_data:
                self.pipeline.normalize()
                self.pipeline.load()
            self.known = read_known(self.warehouse)
            for number, known in self.known.items():
                self.by_department.setdefault(known.dep_code, set()).add(number)
        except Exception as exc:
            raise DataEsError(
                f"warehouse unreachable ({self.warehouse.describe()}): {exc}"
            ) from exc
        self.state = dict(self.pipeline.state.get("sources", {}).get(settings.SOURCE_NAME, {}))

    def decide(self) -> None:
        """Resume the cycle in progress, else pick full or delta."""
        pending = self.state.get("cycle")
        mode = self.requested_mode
        if pending and mode in ("auto", pending["mode"]):
            self.cycle = _Cycle(**pending)
            return
        cursor = self.state.get("cursor")
        last_full = self.state.get("last_full_at")
        if mode == "auto":
            stale = last_full is None or self.now - datetime.fromisoformat(last_full) >= timedelta(
                days=self.config.full_reconciliation_days
            )
            mode = settings.FULL_READ_MODE if cursor is None or stale else "delta"
        if mode == "delta" and cursor is None:
            raise DataEsError("no delta before a first full read: run with --mode full")
        self.cycle = _Cycle(mode, None if mode in RECONCILING else cursor, self.now.isoformat())

    # ------------------------------------------------------------------ reading

    def reject(
        self,
        piece: Slice,
        reason: str,
        number: Any,
        detail: str,
        excerpt: str,
        severity: str = "record",
    ) -> dict[str, Any]:
        return {
            "run_id": self.summary.run_id,
            "slice": piece.key,
            "equip_numero": None if number is None else str(number),
            "reason": reason,
            "severity": severity,
            "detail": detail[:2000] or None,
            "excerpt": excerpt[: settings.EXCERPT_CHARS] or None,
            "rejected_at": self.clock(),
        }

    def take(self, piece: Slice, record: Any, page: Page, seen: set[str]) -> None:
        s = self.summary
        s.read += 1
        try:
            parsed = parse_record(record)
        except RecordRejected as exc:
            s.rejected += 1
            number = record.get("equip_numero") if isinstance(record, dict) else None
            page["rejects"].append(self.reject(piece, exc.reason, number, exc.detail, str(record)))
            return
        row = parsed.row
        number = row["equip_numero"]
        if number in self.seen_in_run:
            s.rejected += 1
            page["rejects"].append(
                self.reject(piece, "duplicate_id", number, "read twice in one run", str(record))
            )
            return
        self.seen_in_run.add(number)
        seen.add(number)
        self._track_cursor(row["equip_maj_date"])
        known = self.known.get(number)
        if known is None:
            s.new += 1
        elif known.content_hash != row["content_hash"]:
            s.changed += 1
        elif not known.is_listed:
            s.relisted += 1
        else:
            s.unchanged += 1
            return
        for issue in parsed.issues:  # reported when the record lands, not every night
            s.field_rejects += 1
            page["rejects"].append(
                self.reject(piece, issue.reason, number, issue.detail, issue.value, "field")
            )
        now = self.clock()
        landed = {
            **row,
            "first_seen_at": (known and known.first_seen_at) or now,
            "last_seen_at": now,
            "is_listed": True,
            "run_id": s.run_id,
        }
        page["equipments"].append(landed)
        if known is None or known.content_hash != row["content_hash"]:
            page["activities"].extend({**a, "is_deleted": False} for a in parsed.activities)
            if not parsed.activities:  # merge_key deletes the old ones; not inserted
                page["activities"].append(
                    {"equip_numero": number, "activity_code": "", "is_deleted": True}
                )
        self.by_department.setdefault(row["dep_code"], set()).add(number)
        self.known[number] = Known(
            row["content_hash"],
            True,
            landed["first_seen_at"],
            row["dep_code"],
            row["new_code"],
            row["equip_type_famille"],
        )

    def _track_cursor(self, day: date | None) -> None:
        if day is None or self.cycle is None:
            return
        text = day.isoformat()
        if not settings.CURSOR_FLOOR <= text <= self.now.date().isoformat():
            return  # a migration stamp, or a date in the future
        if self.cycle.max_date is None or text > self.cycle.max_date:
            self.cycle.max_date = text

    def vanished(self, piece: Slice, seen: set[str]) -> list[dict[str, Any]]:
        """Listed equipments of this slice that the full read did not return."""
        department = piece.filters[0].value if piece.filters else None
        candidates = self.by_department.get(department, ()) if piece.filters else self.known
        gone = [
            number
            for number in candidates
            for known in [self.known[number]]
            if known.is_listed
            and number not in seen
            and piece.holds(known.as_slice_row())
            and number not in self.seen_in_run
        ]
        assert self.warehouse is not None
        rows = read_full_rows(self.warehouse, gone)
        for row in rows:
            row.update(is_listed=False, run_id=self.summary.run_id)
            self.known[row["equip_numero"]].is_listed = False
        self.summary.unlisted += len(rows)
        return rows

    def pages(self, batch: list[Slice], part: _ExportPart | None = None) -> Iterator[Page]:
        """The dlt resource body of one batch: read its slices, record them in the state
        (an export is read in parts: the slice is done with its last part)."""
        assert self.cycle is not None
        state = dlt.current.source_state()
        arrow = self.cycle.mode == "export"
        size = EXPORT_PAGE_ROWS if arrow else PAGE_ROWS
        for piece in batch:
            seen: set[str] = part.seen if part else set()
            page: Page = {"equipments": [], "activities": [], "rejects": []}
            for record in part.records if part else self.records(piece):
                self.take(piece, record, page, seen)
                if self.bar is not None:
                    self.bar.update(1)
                if len(page["equipments"]) + len(page["rejects"]) >= size:
                    yield _as_arrow(page) if arrow else page
                    page = {"equipments": [], "activities": [], "rejects": []}
            if part and not part.last:
                yield _as_arrow(page)
                return
            if self.cycle.mode in RECONCILING:
                page["equipments"].extend(self.vanished(piece, seen))
            yield _as_arrow(page) if arrow else page
            self.cycle.done.append(piece.key)
            self.summary.slices_done += 1
            state["cycle"] = asdict(self.cycle)

    def records(self, piece: Slice) -> Iterator[Any]:
        """The slice's records: pages of dlt's REST API source, or the parquet export."""
        assert self.cycle is not None
        if self.cycle.mode == "export":
            with tempfile.TemporaryDirectory(prefix="data_es_export_") as folder:
                yield from export.export_records(export.download(self.api, Path(folder)))
            return
        if not piece.count:
            return
        for resource in slice_resources(self.api, piece):
            for item in resource:
                yield from item if isinstance(item, list) else [item]

    # ------------------------------------------------------------------ run

    def batches(self, slices: list[Slice]) -> list[list[Slice]]:
        out: list[list[Slice]] = []
        size = 0
        for piece in slices:
            if not out or size + piece.count > self.config.batch_records:
                out.append([])
                size = 0
            out[-1].append(piece)
            size += piece.count
        return out

    def run(self) -> SyncSummary:
        s = self.summary
        self.open_pipeline()
        self.decide()
        assert self.cycle is not None
        s.mode = self.cycle.mode
        s.cursor_from = (
            date.fromisoformat(self.cycle.cursor_from) if self.cycle.cursor_from else None
        )
        try:
            base_where = (
                f"equip_maj_date >= date'{self.cycle.cursor_from}'"
                if self.cycle.cursor_from
                else None
            )
            if self.cycle.mode == "export":  # one request, no window: one slice
                slices, s.splits = [Slice((), self.api.count(None))], 0
            else:
                split_top = self.cycle.mode == "full"
                slices, s.splits = plan_slices(self.api, base_where, split_top=split_top)
            s.slices = len(slices)
            done = set(self.cycle.done)
            todo = [p for p in slices if p.key not in done]
            s.slices_resumed = len(slices) - len(todo)
            self.start_bar(sum(p.count for p in todo))
            if self.cycle.mode == "export":
                self.land_export(slices[0])
            else:
                for batch in self.batches(todo):
                    self.land(batch)
            s.status = "ok"
        except QuotaStop as exc:
            s.status, s.detail = "stopped", f"{exc}; rerun to resume"
        except DataEsError as exc:
            s.status, s.detail = "failed", str(exc)
            raise
        finally:
            if self.bar is not None:
                self.bar.close()
            self.finish()
        return s

    def start_bar(self, total: int) -> None:
        if self.progress:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="rec", desc="data_es", file=sys.stderr)

    def land_export(self, piece: Slice) -> None:
        """The export, one download, landed ``batch_records`` at a time (one load each:
        the warehouse merges a part, never the whole set, at once)."""
        records = iter(self.records(piece))
        seen: set[str] = set()
        while True:
            chunk = list(itertools.islice(records, self.config.batch_records))
            last = len(chunk) < self.config.batch_records
            self.land([piece], _ExportPart(chunk, seen, last))
            if last:
                return

    def land(self, batch: list[Slice], part: _ExportPart | None = None) -> None:
        before = asdict(self.summary)
        file_format = self.file_format
        if self.cycle is not None and self.cycle.mode == "export":
            load_ids_on_arrow_rows()
            file_format = arrow_file_format(self.warehouse.kind if self.warehouse else "duckdb")
        try:
            with one_item_at_a_time():
                self.pipeline.run(
                    data_es_source(lambda: self.pages(batch, part)), loader_file_format=file_format
                )
        except Exception as exc:
            cause = _root_cause(exc)
            self.pipeline.abort_packages()
            for key, value in before.items():  # this batch did not land: do not count it
                setattr(self.summary, key, value)
            if isinstance(cause, QuotaStop | DataEsError):
                raise cause from exc
            if isinstance(cause, requests.HTTPError) and cause.response is not None:
                raise DataEsError(
                    f"{cause.response.status_code} from the API while reading "
                    f"{', '.join(p.key for p in batch)}: {cause.response.text[:200]}"
                ) from exc
            raise DataEsError(f"landing a batch failed: {cause}") from exc

    def finish(self) -> None:
        """Land the run record; a completed cycle moves the cursor (same state commit)."""
        s = self.summary
        s.finish(self.clock(), self.session.requests)
        s.rate_limit_remaining = self.session.remaining
        if self.pipeline is None:
            return
        cycle = self.cycle
        complete = s.status == "ok" and cycle is not None
        new_cursor = None
        if complete and cycle is not None:
            new_cursor = max(
                filter(None, [cycle.max_date, cycle.cursor_from, settings.CURSOR_FLOOR])
            )
            s.cursor_to = date.fromisoformat(new_cursor)
        row = s.row()
        missing = frozenset(TABLES) - self.landed_tables()

        def run_rows() -> Iterator[dict[str, Any]]:
            state = dlt.current.source_state()
            if complete and cycle is not None:
                state["cursor"] = new_cursor
                if cycle.mode in RECONCILING:
                    state["last_full_at"] = cycle.started_at
                state.pop("cycle", None)
            yield row

        source = data_es_source(missing_tables=missing)
        source.resources.add(
            dlt.resource(
                run_rows,
                name="ingest_runs",
                write_disposition="append",
                columns=TABLES["ingest_runs"],
            )
        )
        self.pipeline.run(source, loader_file_format=None)
        self.session.close()
        assert self.warehouse is not None
        self.warehouse.analyze(settings.DATASET_NAME)

    def landed_tables(self) -> set[str]:
        assert self.warehouse is not None
        with self.warehouse.reader() as reader:
            return reader.tables(settings.DATASET_NAME)


def _as_arrow(page: Page) -> dict[str, Any]:
    """The page's equipments and activities as Arrow tables (rejects stay rows: few)."""
    return {
        "equipments": to_arrow(page["equipments"], EQUIPMENT_COLUMNS),
        "activities": to_arrow(page["activities"], ACTIVITY_COLUMNS),
        "rejects": page["rejects"],
    }


def _root_cause(exc: BaseException) -> BaseException:
    seen = exc
    while True:
        nxt = seen.__cause__ or seen.__context__
        if isinstance(seen, QuotaStop | DataEsError | requests.HTTPError) or nxt is None:
            return seen
        seen = nxt


def run_sync(
    mode: str = "auto",
    base_url: str | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    progress: bool = False,
) -> SyncSummary:
    """Read Data ES into ``raw_data_es`` of the current warehouse (``DBT_TARGET``).

    ``mode``: ``auto`` (resume a stopped cycle, else delta, or full when the last full is
    a week old), ``full`` or ``delta``. ``clock`` returns the run's "now". Raises
    :class:`DataEsError` when the run cannot proceed; a quota or budget stop returns a
    summary with ``status = 'stopped'`` (rerun to resume).
    """
    started = time.monotonic()
    summary = _Run(mode, base_url, clock, progress).run()
    summary.duration_s = round(time.monotonic() - started, 3)
    return summary


__all__ = ["DataEsError", "SyncSummary", "run_sync"]
