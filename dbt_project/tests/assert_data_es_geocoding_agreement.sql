{{ config(severity='warn') }}

{#- The source's own INSEE code (`new_code`) against the offline geocoder's commune for
    the same point: one row (the figures) when they disagree for more than 1 % of the
    located installations compared. On an incremental build, those of which the night
    landed an equipment or the location (`night_rows`); every one on a full run. -#}
{%- set equipments_relation = ref('stg_data_es__equipments') %}
{%- set locations_relation = ref('stg_geocoding__poi_locations') %}
{%- set landed_equipments = night_rows(equipments_relation) %}
{%- set night = landed_equipments != equipments_relation | string %}

with

{%- if night %}

    landed as (

        select equipments.installation_id as original_id
        from {{ landed_equipments }} as equipments
        union
        select locations.original_id from {{ night_rows(locations_relation) }} as locations
        where locations.source = 'data_es'

    ),

{%- endif %}

installations as (

    {#- An installation's `new_code` is the same on each of its equipments: read from the
        equipments (a projection of the raw rows), not from the installations, an
        aggregate that would be computed from them once more. -#}
    select
        installation_id as original_id,
        min(insee_code) as source_insee_code
    from {{ equipments_relation }}
    where
        latitude is not null and insee_code is not null
        {%- if night %}
            and installation_id in (select landed.original_id from landed)
        {%- endif %}
    group by installation_id

),

locations as (

    select
        original_id,
        insee_code,
        arrondissement_code
    from {{ locations_relation }}
    where
        source = 'data_es' and insee_code is not null
        {%- if night %}
            and original_id in (select landed.original_id from landed)
        {%- endif %}

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
