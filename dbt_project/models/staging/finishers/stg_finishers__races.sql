{#- One row per race still on its event page, cast and renamed; `loaded_at` as in
    stg_finishers__events. The title reads its no-break spaces here (clean_text): the
    intermediate models match distances in it ("10 km") before they clean it. -#}

select
    'finishers' as source,
    cast(id as text) as original_id,
    cast(event_id as text) as poi_original_id,
    cast(race_id as text) as race_id,
    {{ clean_text('coalesce(formatted_title, name)') }} as title,
    {{ clean_text('name') }} as race_name,
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
    loaded_at
from {{ dlt_loaded_at('raw_finishers', 'races') }} as races
where not coalesce(is_deleted, false)
