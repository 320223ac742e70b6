{{ config(unique_key='poi_id') }}

with

flagged as (

    select
        pois.*,
        duplicates.duplicate_of_poi_id
    from {{ ref('int_pois_cleaned') }} as pois
    left join {{ ref('int_pois_duplicates') }} as duplicates
        on pois.poi_id = duplicates.poi_id

),

pois as (

    select * from flagged
    {% if is_incremental() %}
        {#- A POI's duplicate flag can move when another POI changes: re-emit it then. -#}
        where
            updated_at >= {{ incremental_cutoff('updated_at') }}
            or exists (
                select 1 from {{ this }} as existing
                where
                    existing.poi_id = flagged.poi_id
                    and existing.duplicate_of_poi_id is distinct from flagged.duplicate_of_poi_id
            )
    {% endif %}

)

select
    cast(poi_id as text) as poi_id,
    cast(source as text) as source,
    cast(original_id as text) as original_id,
    cast(slug as text) as slug,
    cast(name as text) as name,
    cast(subtitle as text) as subtitle,
    cast(description as text) as description,
    cast(description_html as text) as description_html,
    cast(url as text) as url,
    cast(website_url as text) as website_url,
    cast(registration_url as text) as registration_url,
    cast(image_url as text) as image_url,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date,
    cast(edition_year as bigint) as edition_year,
    cast(edition_status as text) as edition_status,
    cast(tags as text) as tags,
    cast(content_hash as text) as content_hash,
    cast(is_active as boolean) as is_active,
    cast(duplicate_of_poi_id as text) as duplicate_of_poi_id,
    cast(equipment_count as bigint) as equipment_count,
    cast(is_free_access as boolean) as is_free_access,
    cast(setting as text) as setting,
    cast(is_accessible as boolean) as is_accessible,
    cast(has_public_transport as boolean) as has_public_transport,
    cast(is_out_of_service as boolean) as is_out_of_service,
    cast(first_seen_at as timestamp with time zone) as first_seen_at,
    cast(last_seen_at as timestamp with time zone) as last_seen_at,
    cast(updated_at as timestamp with time zone) as updated_at
from pois
