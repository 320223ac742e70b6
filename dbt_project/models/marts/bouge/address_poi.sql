{{ config(unique_key='poi_id') }}

with

addresses as (

    select * from {{ ref('int_addresses_geocoded') }}
    {% if is_incremental() %}
        where updated_at >= {{ incremental_cutoff('updated_at') }}
    {% endif %}

)

select
    cast(address_id as text) as address_id,
    cast(poi_id as text) as poi_id,
    cast(updated_at as timestamp with time zone) as updated_at
from addresses
