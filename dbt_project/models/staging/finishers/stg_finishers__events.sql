{#- When each dlt load committed. A load package resumed after a crash keeps its old
    `_dlt_load_id`, so the load id alone could fall before the incremental cutoff:
    `loaded_at` is the commit time (`_dlt_loads.inserted_at`, the latest one if the
    commit was recorded twice), and the load id's time only while the load is unfinished. -#}

with

loads as (

    select
        load_id,
        max(inserted_at) as committed_at
    from {{ source('raw_finishers', '_dlt_loads') }}
    group by load_id

),

source as (

    select
        events.*,
        loads.committed_at
    from {{ source('raw_finishers', 'events') }} as events
    left join loads
        on events._dlt_load_id = loads.load_id

),

renamed as (

    select
        'finishers' as source,
        cast(id as text) as original_id,
        cast(short_id as text) as short_id,
        cast(slug as text) as slug,
        cast(url as text) as url,
        trim(name) as name,
        trim(subtitle) as subtitle,
        cast(description_text as text) as description,
        cast(description_html as text) as description_html,
        cast(first_edition_year as bigint) as first_edition_year,
        cast(country_code as text) as country_code,
        cast(country_name as text) as country_name,
        cast(region_name as text) as region_name,
        cast(department_name as text) as department_name,
        cast(city as text) as city,
        cast(latitude as double precision) as latitude,
        cast(longitude as double precision) as longitude,
        cast(coordinates_precision as text) as coordinates_precision,
        cast(website_url as text) as website_url,
        cast(registration_url as text) as registration_url,
        cast(facebook_url as text) as facebook_url,
        cast(tags as text) as tags,
        cast(image_url as text) as image_url,
        cast(edition_year as bigint) as edition_year,
        cast(edition_status as text) as edition_status,
        cast(edition_start_date as date) as start_date,
        cast(edition_end_date as date) as end_date,
        cast(page_slug as text) as page_slug,
        cast(content_hash as text) as content_hash,
        coalesce(cast(is_listed as boolean), true) as is_listed,
        cast(first_seen_at as timestamp with time zone) as first_seen_at,
        cast(last_seen_at as timestamp with time zone) as last_seen_at,
        cast(content_changed_at as timestamp with time zone) as content_changed_at,
        coalesce(
            cast(committed_at as timestamp with time zone),
            {{ load_id_to_timestamp('_dlt_load_id') }}
        ) as loaded_at

    from source

)

select * from renamed
