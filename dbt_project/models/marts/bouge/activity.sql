-- depends_on: {{ ref('int_pois_cleaned') }}
{{ config(unique_key='activity_id') }}

{%- set activity_columns = [
    'activity_id', 'poi_id', 'original_id', 'name', 'sport', 'is_sport_unmapped',
    'discipline', 'distance_m', 'duration_min', 'elevation_gain_m', 'elevation_loss_m',
    'start_date', 'start_time', 'status', 'is_date_confirmed', 'min_price_eur',
    'registration_url', 'itra_points', 'is_kids_race', 'is_active', 'updated_at',
] -%}

with

current_activities as (

    select * from {{ ref('int_activities_classified') }}

),

batch as (

    select {{ activity_columns | join(', ') }}
    from current_activities
    {% if is_incremental() %}
        where updated_at >= {{ incremental_cutoff('updated_at') }}
    {% endif %}

),

{% if is_incremental() %}

    {#- A race removed from its event has no raw row any more: when the event is re-landed,
        its activities that are no longer there turn inactive (kept, never deleted). -#}
    relanded_pois as (

        select
            poi_id,
            updated_at
        from {{ ref('int_pois_cleaned') }}
        where updated_at >= {{ incremental_cutoff('updated_at') }}

    ),

    removed as (

        select
            {%- for column in activity_columns %}
                {%- if column == 'is_active' %}
                    false as is_active,
                {%- elif column == 'updated_at' %}
                    relanded_pois.updated_at
                {%- else %}
                    existing.{{ column }},
                {%- endif %}
            {%- endfor %}
        from {{ this }} as existing
        inner join relanded_pois
            on existing.poi_id = relanded_pois.poi_id
        where
            existing.is_active
            and not exists (
                select 1 from current_activities
                where current_activities.activity_id = existing.activity_id
            )

    ),

{% endif %}

activities as (

    select * from batch
    {% if is_incremental() %}
        union all
        select * from removed
    {% else %}
        {{ snapshot_tombstones('activity_snapshot', activity_columns, 'activity_id', 'current_activities') }}
    {% endif %}

)

select
    cast(activity_id as text) as activity_id,
    cast(poi_id as text) as poi_id,
    cast(original_id as text) as original_id,
    cast(name as text) as name,
    cast(sport as text) as sport,
    cast(is_sport_unmapped as boolean) as is_sport_unmapped,
    cast(discipline as text) as discipline,
    cast(distance_m as double precision) as distance_m,
    cast(duration_min as double precision) as duration_min,
    cast(elevation_gain_m as double precision) as elevation_gain_m,
    cast(elevation_loss_m as double precision) as elevation_loss_m,
    cast(start_date as date) as start_date,
    cast(start_time as text) as start_time,
    cast(status as text) as status,
    cast(is_date_confirmed as boolean) as is_date_confirmed,
    cast(min_price_eur as double precision) as min_price_eur,
    cast(registration_url as text) as registration_url,
    cast(itra_points as bigint) as itra_points,
    cast(is_kids_race as boolean) as is_kids_race,
    cast(is_active as boolean) as is_active,
    cast(updated_at as timestamp with time zone) as updated_at
from activities
