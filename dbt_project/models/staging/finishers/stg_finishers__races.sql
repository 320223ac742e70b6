{#- One row per race still on its event page, cast and renamed; `loaded_at` as in
    stg_finishers__events. The title reads its no-break spaces here (clean_text): the
    intermediate models match distances in it ("10 km") before they clean it.
    A table, incremental (delete+insert on the event): the crawl lands every race of an
    event it re-lands, in one load, and its merge on the event deletes the old ones. A
    night reads only the races landed since the last build and replaces all the rows of
    their events; as a view, a night's `int_activities_classified` cleaned the titles of
    every race of the catalogue, twice. An event re-landed with no race left gives one row
    with a null `original_id`, which the post-hook deletes: its old races go, as in a
    full rebuild. -#}
{{ config(
    post_hook="{% if is_incremental() %}delete from {{ this }} where original_id is null{% endif %}",
) }}

with

{%- if is_incremental() %}

    emptied_events as (

        {#- events re-landed since the last build with no race left (a tombstone) -#}
        select events.id as event_id
        from {{ dlt_loaded_at('raw_finishers', 'events', since_cutoff=true) }} as events
        where
            events.loaded_at >= {{ incremental_cutoff('loaded_at') }}
            and not exists (
                select 1 from {{ source('raw_finishers', 'races') }} as kept
                where kept.event_id = events.id
            )

    ),

{%- endif %}

races as (

    select landed.* from {{ dlt_loaded_at('raw_finishers', 'races', since_cutoff=true) }} as landed
    where
        not coalesce(landed.is_deleted, false)
        {%- if is_incremental() %}
            and landed.loaded_at >= {{ incremental_cutoff('loaded_at') }}
        {%- endif %}

)

select
    'finishers' as source,
    cast(races.id as text) as original_id,
    cast(
        {{ 'coalesce(races.event_id, emptied_events.event_id)' if is_incremental() else 'races.event_id' }}
        as text
    ) as poi_original_id,
    cast(races.race_id as text) as race_id,
    {{ clean_text('coalesce(races.formatted_title, races.name)') }} as title,
    {{ clean_text('races.name') }} as race_name,
    lower(trim(races.discipline)) as discipline,
    cast(races.status as text) as status,
    cast(races.date as date) as start_date,
    cast(races.end_date as date) as end_date,
    cast(races.time as text) as start_time,
    cast(races.end_time as text) as end_time,
    cast(races.distance as double precision) as distance,
    lower(trim(races.distance_unit)) as distance_unit,
    cast(races.elevation_gain as double precision) as elevation_gain,
    cast(races.elevation_loss as double precision) as elevation_loss,
    cast(races.itra_points as bigint) as itra_points,
    cast(races.min_price as double precision) as min_price_eur,
    cast(races.registration_url as text) as registration_url,
    cast(races.last_edition_finisher_count as bigint) as last_edition_finisher_count,
    cast(races.is_most_popular as boolean) as is_most_popular,
    cast(races.activities as text) as legs_json,
    cast(races.content_hash as text) as content_hash,
    races.loaded_at
from races
{% if is_incremental() -%}
    -- an emptied event: one row, its race's columns null
    full outer join emptied_events
        on false
{%- endif %}
