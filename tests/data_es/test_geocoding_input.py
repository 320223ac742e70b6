"""What the geocoder reads of Data ES: one point per installation, else its commune's centre."""

from __future__ import annotations

from contextlib import closing

from ingestion.data_es.snapshot import load_snapshot
from ingestion.data_es.snapshot.server import ExploreHandle
from ingestion.data_es.sync import run_sync
from ingestion.geocoding.gazetteer import load_gazetteer
from ingestion.geocoding.helpers import read_installations
from ingestion.warehouse import Warehouse, current_warehouse


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


def test_an_installation_keeps_its_point_whatever_order_its_equipments_come_back_in(
    api: ExploreHandle, duckdb_env: dict[str, str]
) -> None:
    """A merge moves re-landed rows (Postgres returns them reordered): an installation's
    mean point must not move by a last bit, else its location row is re-landed for nothing."""
    api.set_records(load_snapshot())
    run_sync()
    warehouse = current_warehouse()
    before = {p.original_id: (p.latitude, p.longitude) for p in read_installations(warehouse)}
    crowded = [n for n, count in _equipment_counts(warehouse).items() if count >= 3 and n in before]
    assert crowded, "the snapshot has installations of three or more located equipments"
    for order in ("desc", "asc"):
        _rewrite_equipments(warehouse, order)
        after = {p.original_id: (p.latitude, p.longitude) for p in read_installations(warehouse)}
        assert after == before, order  # exactly: the row hash is computed from these floats


def _equipment_counts(warehouse: Warehouse) -> dict[str, int]:
    with warehouse.reader() as reader:
        rows = reader.records(
            "select inst_numero, count(*) as n from raw_data_es.equipments "
            "where latitude is not null group by inst_numero"
        )
    return {r["inst_numero"]: int(r["n"]) for r in rows}


def _rewrite_equipments(warehouse: Warehouse, order: str) -> None:
    """The same rows, stored again in another physical order (by latitude)."""
    with closing(warehouse.connect()) as conn:
        conn.execute(
            "create temp table shuffled as select * from raw_data_es.equipments "
            f"order by latitude {order}, equip_numero {order}"
        )
        conn.execute("delete from raw_data_es.equipments")
        conn.execute("insert into raw_data_es.equipments select * from shuffled")
        conn.execute("drop table shuffled")


def test_installations_read_a_few_equipments_a_page_are_those_of_one_read(
    api: ExploreHandle, warehouse_env: dict[str, str]
) -> None:
    """The equipments are read a page at a time: an installation whose equipments a page
    boundary cuts is still one POI, with the mean point of all its equipments."""
    api.set_records(load_snapshot())
    run_sync()
    warehouse = current_warehouse()
    whole = list(read_installations(warehouse, page=100_000))
    assert len(whole) == 125
    assert max(_equipment_counts(warehouse).values()) >= 3  # cut by pages of 2
    for page in (2, 7):
        assert list(read_installations(warehouse, page=page)) == whole, page
