{{ config(unique_key='address_id') }}

with

addresses as (

    {{ incremental_batch(ref('int_addresses_geocoded')) }}

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
    {{- contract_columns({'precision': 'location_precision'}) }}
from deduplicated
where row_number_in_batch = 1
