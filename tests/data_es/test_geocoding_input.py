"""What the geocoder reads of Data ES: one point per installation, else its commune's centre."""

from __future__ import annotations

from ingestion.data_es.snapshot import load_snapshot
from ingestion.data_es.snapshot.server import ExploreHandle
from ingestion.data_es.sync import run_sync
from ingestion.geocoding.gazetteer import load_gazetteer
from ingestion.geocoding.helpers import read_installations
from ingestion.warehouse import current_warehouse


def test_installations_without_coordinates_get_their_commune_by_insee_code(
    api: ExploreHandle, duckdb_env: dict[str, str]
) -> None:
    records = load_snapshot()
    sizes: dict[str, int] = {}
    for r in records:
        sizes[r["inst_numero"]] = sizes.get(r["inst_numero"], 0) + 1
    alone = next(r for r in records if r["new_code"] == "2B096" and sizes[r["inst_numero"]] == 1)
    alone.update(equip_coordonnees=None, equip_x=None, equip_y=None)
    api.set_records(records)
    run_sync()
    pois = {p.original_id: p for p in read_installations(current_warehouse())}
    assert len(pois) == 125 and all(p.source == "data_es" for p in pois.values())
    centre = pois[alone["inst_numero"]]
    assert centre.precision == "city"
    hit = load_gazetteer().locate(centre.latitude, centre.longitude)
    assert hit.commune is not None and hit.commune.insee_code == "2B096"  # Corte
    located = [p for p in pois.values() if p.precision == "point"]
    assert len(located) == 124 and all(p.latitude is not None for p in located)
