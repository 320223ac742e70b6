{#- One row per POI with what duplicate detection compares, and nothing else: its start
    date, name and the digits of its name, its commune and point (the geocoded address's,
    else the source's), when it was first seen, and the latest load of the POI or its
    location (`updated_at`). A night's duplicate detection reads every POI as a possible
    keeper: from `int_pois_cleaned`, whose rows carry the descriptions (221 MB at 100,000
    events and 334,000 equipments on Postgres), that read was half of its night.
    Incremental (delete+insert on `poi_id`): a night rewrites the POIs re-landed or
    re-located since the last build, and those whose geocoded address is gone. -#}
{{ config(unique_key='poi_id') }}

with

{%- if is_incremental() %}

    batch as (

        {{ pois_updated_in([ref('int_pois_cleaned'), ref('int_addresses_geocoded')]) }}
        union
        -- a location that lost its point: its address row is deleted, not re-dated
        select located.poi_id from {{ this }} as located
        where
            located.address_id is not null
            and not exists (
                select 1 from {{ ref('int_addresses_geocoded') }} as addresses
                where addresses.poi_id = located.poi_id
            )

    ),

{%- endif %}

pois as (

    select * from {{ ref('int_pois_cleaned') }}
    {%- if is_incremental() %}
        where poi_id in (select batch.poi_id from batch)
    {%- endif %}

)

select
    pois.poi_id,
    pois.start_date,
    pois.name,
    regexp_replace(pois.name, '[^0-9]', '', 'g') as name_numbers,
    addresses.address_id,
    addresses.insee_code,
    coalesce(addresses.latitude, pois.latitude) as latitude,
    coalesce(addresses.longitude, pois.longitude) as longitude,
    coalesce(pois.first_seen_at, pois.updated_at) as seen_at,
    {{ later_of('addresses.updated_at', 'pois.updated_at') }} as updated_at
from pois
left join {{ ref('int_addresses_geocoded') }} as addresses
    on pois.poi_id = addresses.poi_id
