{{ config(unique_key='poi_id') }}

{%- set cleaned = ref('int_pois_cleaned') -%}
{%- set duplicates = ref('int_pois_duplicates') -%}

with

pois as (

    select * from {{ cleaned }}
    {%- if is_incremental() %}
        {%- set cutoff = incremental_cutoff('updated_at') %}
        {#- A POI's duplicate flag can move when another POI changes: re-emit it then.
            Found on the flags alone (two narrow columns), then read from the cleaned POIs
            by key: joined to every cleaned POI, the flags cost a night's select 0.9 s at
            100,000 events + 334,000 equipments, every description read (in_keys). -#}
        {%- set moved -%}
            select existing.poi_id from {{ this }} as existing
            left join {{ duplicates }} as duplicates
                on existing.poi_id = duplicates.poi_id
            where existing.duplicate_of_poi_id is distinct from duplicates.duplicate_of_poi_id
        {%- endset %}
        where updated_at >= {{ cutoff }}
        union all
        select * from {{ cleaned }}
        where
            coalesce(updated_at < {{ cutoff }}, true)
            and {{ in_keys('poi_id', moved) }}
    {%- endif %}

),

flagged as (

    select
        pois.*,
        duplicates.duplicate_of_poi_id
    from pois
    left join {{ duplicates }} as duplicates
        on pois.poi_id = duplicates.poi_id

)

select
    {{- contract_columns() }}
from flagged
