{{ config(severity='warn') }}

{#- The source's own INSEE code (`new_code`) against the offline geocoder's commune for
    the same point: one row (the figures) when they disagree for more than 1 % of the
    located installations. -#}

with

installations as (

    select
        original_id,
        source_insee_code
    from {{ ref('stg_data_es__installations') }}
    where latitude is not null and source_insee_code is not null

),

locations as (

    select
        original_id,
        insee_code,
        arrondissement_code
    from {{ ref('stg_geocoding__poi_locations') }}
    where source = 'data_es' and insee_code is not null

),

compared as (

    select
        count(*) as installations_compared,
        sum(
            case
                when installations.source_insee_code in (locations.insee_code, locations.arrondissement_code)
                    then 0
                else 1
            end
        ) as installations_disagreeing
    from installations
    inner join locations
        on installations.original_id = locations.original_id

)

select
    installations_compared,
    installations_disagreeing
from compared
where installations_disagreeing > 0.01 * installations_compared
