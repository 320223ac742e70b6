{#- Commit time of each dlt load (see stg_finishers__events). -#}

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
        races.*,
        loads.committed_at
    from {{ source('raw_finishers', 'races') }} as races
    left join loads
        on races._dlt_load_id = loads.load_id
    where not coalesce(races.is_deleted, false)

),

renamed as (

    select
        'finishers' as source,
        cast(id as text) as original_id,
        cast(event_id as text) as poi_original_id,
        cast(race_id as text) as race_id,
        trim(coalesce(formatted_title, name)) as title,
        trim(name) as race_name,
        lower(trim(discipline)) as discipline,
        cast(status as text) as status,
        cast(date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(time as text) as start_time,
        cast(end_time as text) as end_time,
        cast(distance as double precision) as distance,
        lower(trim(distance_unit)) as distance_unit,
        cast(elevation_gain as double precision) as elevation_gain,
        cast(elevation_loss as double precision) as elevation_loss,
        cast(itra_points as bigint) as itra_points,
        cast(min_price as double precision) as min_price_eur,
        cast(registration_url as text) as registration_url,
        cast(last_edition_finisher_count as bigint) as last_edition_finisher_count,
        cast(is_most_popular as boolean) as is_most_popular,
        cast(activities as text) as legs_json,
        cast(content_hash as text) as content_hash,
        coalesce(
            cast(committed_at as timestamp with time zone),
            {{ load_id_to_timestamp('_dlt_load_id') }}
        ) as loaded_at

    from source

)

select * from renamed
