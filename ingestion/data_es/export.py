"""The bulk export read through Arrow: the whole set in one request, no window, no paging.

``/exports/parquet`` with the same explicit ``select`` as ``/records`` (no personal data),
streamed to a file, read back batch by batch with pyarrow (only the select list's
columns, whatever else the file holds). Each record goes through the same
:func:`.parsing.parse_record` as a page of ``/records`` (one rule set for both paths: a
record lands the same, whichever path read it); the rows then go back to dlt as Arrow
tables typed by :mod:`.columns`, which dlt writes as parquet (DuckDB) or CSV (Postgres
``COPY``) without its per-row normalisation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import settings
from .helpers import Api, DataEsError, _message

BATCH_ROWS = 10_000  # records read from the file at a time


def download(api: Api, folder: Path) -> Path:
    """Stream ``/exports/parquet`` (the select list only) to a file in ``folder``."""
    url = api.config.base_url + settings.EXPORT_PARQUET_PATH
    params = {"select": ",".join(settings.SELECT_FIELDS)}
    path = folder / f"{settings.DATASET_ID}.parquet"
    with api.session.get(url, params=params, stream=True) as response:
        if response.status_code != 200:
            raise DataEsError(
                f"{response.status_code} from {settings.EXPORT_PARQUET_PATH}: {_message(response)}"
            )
        with path.open("wb") as out:
            for chunk in response.iter_content(chunk_size=1 << 20):
                out.write(chunk)
    return path


def export_records(path: Path) -> Iterator[dict[str, Any]]:
    """The file's records as dicts (a geo point as ``{"lon", "lat"}``, a list as a list),
    only the select list's columns, ``BATCH_ROWS`` at a time."""
    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataEsError(f"unreadable parquet export: {exc}") from exc
    present = set(file.schema_arrow.names)
    if "equip_numero" not in present:
        raise DataEsError("the parquet export has no equip_numero column")
    names = [name for name in settings.SELECT_FIELDS if name in present]
    for batch in file.iter_batches(batch_size=BATCH_ROWS, columns=names):
        yield from batch.to_pylist()
