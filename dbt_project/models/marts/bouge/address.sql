{#- An address no POI is located at any more (an installation or event that moved) is
    removed on an incremental run too, as a full rebuild would not have it: the marts
    only hold what the app can link to. Its history stays in the POI snapshot. -#}
{{ config(
    unique_key='address_id',
    post_hook="{% if is_incremental() %}delete from {{ this }} as kept where not exists (select 1 from {{ ref('int_addresses_geocoded') }} as current_addresses where current_addresses.address_id = kept.address_id){% endif %}",
) }}

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
