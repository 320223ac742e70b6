{#- Incremental on `poi_id`: a night re-reads the POIs and the locations landed since the
    last build. A re-landed POI (or location) that has no located point any more is
    emitted with a null `address_id`: the delete+insert removes its old row and the
    post-hook deletes the null one, so the table holds what a full rebuild would.
    The view is read twice, not through one CTE: Postgres would compute such a CTE whole
    (every location) before keeping the night's POIs. -#}
{{ config(
    unique_key='poi_id',
    post_hook="{% if is_incremental() %}delete from {{ this }} where address_id is null{% endif %}",
) }}

with

locations as (

    select * from {{ ref('stg_geocoding__poi_locations') }}
    where latitude is not null and longitude is not null

),

pois as (

    {{ pois_landed_with(ref('stg_geocoding__poi_locations')) }}

),

normalised as (

    select
        pois.poi_id,
        {{ clean_text('locations.label') }} as geocoded_label,
        coalesce(
            {{ clean_text("coalesce(locations.housenumber || ' ', '') || locations.street") }},
            {{ clean_text('pois.street_address') }}
        ) as street,
        coalesce(
            {{ valid_postal_code('locations.postal_code') }},
            {{ valid_postal_code('pois.postal_code') }}
        ) as postal_code,
        coalesce({{ clean_text('locations.commune_name') }}, pois.city) as city,
        {{ valid_insee_code('locations.insee_code') }} as insee_code,
        {{ valid_insee_code('locations.arrondissement_code') }} as arrondissement_code,
        upper(trim(locations.department_code)) as department_code,
        coalesce({{ clean_text('locations.department_name') }}, pois.department_name) as department_name,
        coalesce({{ clean_text('locations.region_name') }}, pois.region_name) as region,
        coalesce(
            {{ iso_country_code('locations.country_code') }},
            pois.country_code,
            case when locations.insee_code is not null then 'FR' end
        ) as country_code,
        locations.latitude,
        locations.longitude,
        coalesce(locations.location_precision, pois.coordinates_precision) as location_precision,
        locations.commune_match as commune_precision,
        {{ round_half_up('locations.commune_distance_m') }} as commune_distance_m,
        locations.geocoder,
        locations.geocoded_at,
        {{ later_of('locations.loaded_at', 'pois.updated_at') }} as updated_at

    from locations
    inner join pois
        on
            locations.source = pois.source
            and locations.original_id = pois.original_id

),

labelled as (

    select
        *,
        coalesce(
            geocoded_label,
            street || ', ' || postal_code || ' ' || city,
            postal_code || ' ' || city,
            city || ', ' || country_code,
            country_code
        ) as label
    from normalised

)

select
    {{ surrogate_key([
        'label', 'street', 'postal_code', 'city', 'insee_code', 'country_code',
        'cast(cast(latitude as numeric(9, 5)) as text)',
        'cast(cast(longitude as numeric(9, 5)) as text)', 'location_precision',
    ]) }} as address_id,
    poi_id,
    label,
    street,
    postal_code,
    city,
    insee_code,
    arrondissement_code,
    department_code,
    department_name,
    region,
    country_code,
    latitude,
    longitude,
    location_precision,
    commune_precision,
    commune_distance_m,
    geocoder,
    geocoded_at,
    updated_at
from labelled
{%- if is_incremental() %}

    union all

    {{ placeholder_rows('pois', 'labelled', 'address_id', [
        'label', 'street', 'postal_code', 'city', 'insee_code', 'arrondissement_code',
        'department_code', 'department_name', 'region', 'country_code', 'latitude',
        'longitude', 'location_precision', 'commune_precision', 'commune_distance_m',
        'geocoder', 'geocoded_at',
    ], types={
        'latitude': 'double precision', 'longitude': 'double precision',
        'commune_distance_m': 'double precision', 'geocoded_at': 'timestamp with time zone',
    }, default_type='text') }}
{%- endif %}
