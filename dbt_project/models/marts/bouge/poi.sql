{{ config(unique_key='poi_id') }}

with

flagged as (

    select
        pois.*,
        duplicates.duplicate_of_poi_id
    from {{ ref('int_pois_cleaned') }} as pois
    left join {{ ref('int_pois_duplicates') }} as duplicates
        on pois.poi_id = duplicates.poi_id

),

pois as (

    select * from flagged
    {% if is_incremental() %}
        {#- A POI's duplicate flag can move when another POI changes: re-emit it then. -#}
        where
            updated_at >= {{ incremental_cutoff('updated_at') }}
            or exists (
                select 1 from {{ this }} as existing
                where
                    existing.poi_id = flagged.poi_id
                    and existing.duplicate_of_poi_id is distinct from flagged.duplicate_of_poi_id
            )
    {% endif %}

)

select
    {{- contract_columns() }}
from pois
