-- depends_on: {{ ref('int_pois_cleaned') }}
-- depends_on: {{ ref('stg_geocoding__poi_locations') }}
{{ config(
    unique_key='poi_id',
    post_hook="delete from {{ this }} where address_id is null",
) }}

with

addresses as (

    {{ incremental_batch(ref('int_addresses_geocoded')) }}

),

{% if is_incremental() %}

    {#- A POI (or its location) re-landed without a location any more has no row in
        int_addresses_geocoded, so delete+insert would keep its old link. Such a POI is
        emitted with a null address_id: the delete+insert removes its old link, and the
        post-hook deletes the null row in the same transaction. A full refresh simply has
        no row for it. A re-landed POI that still has a location is always in the batch
        (its address's updated_at is at least the POI's). -#}
    relanded_pois as (

        {{ relanded_pois() }}

        union all

        select
            pois.poi_id,
            locations.loaded_at as updated_at
        from {{ ref('stg_geocoding__poi_locations') }} as locations
        inner join {{ ref('int_pois_cleaned') }} as pois
            on
                locations.source = pois.source
                and locations.original_id = pois.original_id
        where locations.loaded_at >= {{ incremental_cutoff('updated_at') }}

    ),

    unlocated as (

        select
            cast(null as text) as address_id,
            relanded_pois.poi_id,
            max(relanded_pois.updated_at) as updated_at
        from relanded_pois
        where
            not exists (
                select 1 from addresses
                where addresses.poi_id = relanded_pois.poi_id
            )
        group by relanded_pois.poi_id

    ),

{% endif %}

links as (

    select
        address_id,
        poi_id,
        updated_at
    from addresses
    {% if is_incremental() %}
        union all
        select
            address_id,
            poi_id,
            updated_at
        from unlocated
    {% endif %}

)

select
    {{- contract_columns() }}
from links
