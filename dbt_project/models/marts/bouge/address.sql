{{ config(unique_key='address_id') }}

with

addresses as (

    select * from {{ ref('int_addresses_geocoded') }}
    {% if is_incremental() %}
        where updated_at >= {{ incremental_cutoff('updated_at') }}
    {% endif %}

),

deduplicated as (

    {#- Several POIs can share one address: keep one row per address_id in the batch. -#}
    select
        *,
        row_number() over (
            partition by address_id
            order by geocoded_at desc, updated_at desc, poi_id asc
        ) as row_number_in_batch
    from addresses

)

select
    cast(address_id as text) as address_id,
    cast(label as text) as label,
    cast(street as text) as street,
    cast(postal_code as text) as postal_code,
    cast(city as text) as city,
    cast(insee_code as text) as insee_code,
    cast(arrondissement_code as text) as arrondissement_code,
    cast(department_code as text) as department_code,
    cast(department_name as text) as department_name,
    cast(region as text) as region,
    cast(country_code as text) as country_code,
    cast(latitude as double precision) as latitude,
    cast(longitude as double precision) as longitude,
    cast(location_precision as text) as precision,
    cast(commune_precision as text) as commune_precision,
    cast(commune_distance_m as double precision) as commune_distance_m,
    cast(geocoder as text) as geocoder,
    cast(geocoded_at as timestamp with time zone) as geocoded_at,
    cast(updated_at as timestamp with time zone) as updated_at
from deduplicated
where row_number_in_batch = 1
