{#- One row per geocoded POI location, cast and renamed; `loaded_at` is the commit time of
    its dlt load (dlt_loaded_at). -#}

select
    cast(source as text) as source,
    cast(original_id as text) as original_id,
    cast(latitude as double precision) as latitude,
    cast(longitude as double precision) as longitude,
    cast(precision as text) as location_precision,
    cast(insee_code as text) as insee_code,
    cast(arrondissement_code as text) as arrondissement_code,
    cast(commune_name as text) as commune_name,
    cast(postal_code as text) as postal_code,
    cast(department_code as text) as department_code,
    cast(department_name as text) as department_name,
    cast(region_code as text) as region_code,
    cast(region_name as text) as region_name,
    cast(country_code as text) as country_code,
    cast(label as text) as label,
    cast(street as text) as street,
    cast(housenumber as text) as housenumber,
    cast(match as text) as commune_match,
    cast(match_distance_m as double precision) as commune_distance_m,
    cast(geocoder as text) as geocoder,
    cast(status as text) as geocoding_status,
    cast(reason as text) as geocoding_reason,
    cast(department_mismatch as boolean) as is_department_mismatch,
    cast(geocoded_at as timestamp with time zone) as geocoded_at,
    loaded_at
from {{ dlt_loaded_at('raw_geocoding', 'poi_locations') }} as poi_locations
