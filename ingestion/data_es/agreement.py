"""Geocoding agreement: Data ES's own INSEE code against the offline geocoder's commune.

The figure of the run summary (``python -m ingestion.run_summary``); the dbt test
``assert_data_es_geocoding_agreement`` warns when the disagreement passes 1 %.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.warehouse_reader import WarehouseReader

from .settings import DATASET_NAME, SOURCE_NAME

# The first located equipment (by id) of each installation, as in the staging model.
AGREEMENT_SQL = f"""
with firsts as (
    select inst_numero, min(equip_numero) as equip_numero
    from {DATASET_NAME}.equipments
    where latitude is not null and is_listed
    group by inst_numero
)
select
    count(*) as compared,
    coalesce(sum(case when e.new_code in (l.insee_code, l.arrondissement_code)
                      then 0 else 1 end), 0) as disagreeing
from firsts as f
inner join {DATASET_NAME}.equipments as e on e.equip_numero = f.equip_numero
inner join raw_geocoding.poi_locations as l
    on l.source = '{SOURCE_NAME}' and l.original_id = f.inst_numero
where l.insee_code is not null and e.new_code is not null
"""


@dataclass(frozen=True)
class Agreement:
    compared: int
    disagreeing: int

    @property
    def share(self) -> float:
        return self.disagreeing / self.compared if self.compared else 0.0

    def describe(self) -> str:
        return (
            f"source INSEE code vs offline geocoder: {self.disagreeing:,} of "
            f"{self.compared:,} located installations disagree ({self.share:.1%})"
        )


def geocoding_agreement(reader: WarehouseReader) -> Agreement:
    """The figure, read from the warehouse (both tables must exist)."""
    (row,) = reader.records(AGREEMENT_SQL)
    return Agreement(int(row["compared"] or 0), int(row["disagreeing"] or 0))
