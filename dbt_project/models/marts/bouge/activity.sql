-- depends_on: {{ ref('int_pois_cleaned') }}
{{ config(unique_key='activity_id') }}

{%- set activity_columns = [
    'activity_id', 'poi_id', 'original_id', 'name', 'sport', 'is_sport_unmapped',
    'discipline', 'distance_m', 'duration_min', 'elevation_gain_m', 'elevation_loss_m',
    'start_date', 'start_time', 'status', 'is_date_confirmed', 'min_price_eur',
    'registration_url', 'itra_points', 'is_kids_race', 'is_active', 'updated_at',
] -%}

{#- Read where used, not as a CTE: read twice, Postgres materialized every activity (a copy
    of 780,000 rows at 100,000 events + Data ES) instead of finding the night's by the
    `updated_at` index, and sorted them all to disk for the anti-join below (1.3 s of a
    night's select against 0.3 s this way, bench/BASELINE.md). -#}
{%- set current_activities = ref('int_activities_classified') -%}

with

batch as (

    {{ incremental_batch(current_activities, columns=activity_columns | join(', ')) }}

),

{% if is_incremental() %}

    {#- A race removed from its event has no raw row any more: when the event is re-landed,
        its activities that are no longer there turn inactive (kept, never deleted). -#}
    relanded_pois as (

        {{ relanded_pois() }}

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
                select 1 from {{ current_activities }} as current_activities
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
        {{ snapshot_tombstones('activity_snapshot', activity_columns, 'activity_id', current_activities) }}
    {% endif %}

)

select
    {{- contract_columns() }}
from activities
