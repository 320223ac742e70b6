{{ config(severity='warn') }}

{#- The source's own INSEE code (`new_code`) against the offline geocoder's commune for
    the same point: one row (the figures) when they disagree for more than 1 % of the
    located installations. -#}

with

installations as (

    {#- An installation's `new_code` is the same on each of its equipments: read from the
        equipments (a projection of the raw rows), not from the installations, an
        aggregate that would be computed from them once more. -#}
    select
        installation_id as original_id,
        min(insee_code) as source_insee_code
    from {{ ref('stg_data_es__equipments') }}
    where latitude is not null and insee_code is not null
    group by installation_id

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
