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

    select flagged.* from flagged
    {% if is_incremental() %}
        {#- A POI's duplicate flag can move when another POI changes: re-emit it then.
            A join, not `or exists (...)`: Postgres runs a correlated subquery under an
            OR once per row, a scan of the whole mart each time. -#}
        left join {{ this }} as existing
            on flagged.poi_id = existing.poi_id
        where
            flagged.updated_at >= {{ incremental_cutoff('updated_at') }}
            or (
                existing.poi_id is not null
                and existing.duplicate_of_poi_id is distinct from flagged.duplicate_of_poi_id
            )
    {% endif %}

)

select
    {{- contract_columns() }}
from pois
