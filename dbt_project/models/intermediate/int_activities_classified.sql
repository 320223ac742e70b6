{#- Incremental on `poi_id`: a night re-reads every current activity of the POIs that were
    re-landed or have an activity re-landed since the last build, and replaces all the
    rows of those POIs (delete+insert on `poi_id`), so an activity gone from its source
    goes from here too, as in a full rebuild. A POI left with no activity is emitted as
    one row with a null `activity_id`, which the post-hook deletes. An activity's POI
    never changes (its id is the source's race, or installation and activity code).
    The view is read twice, not through one CTE: Postgres would compute such a CTE whole
    (every activity) before keeping the night's POIs. -#}
{{ config(
    unique_key='poi_id',
    post_hook="{% if is_incremental() %}delete from {{ this }} where activity_id is null{% endif %}",
) }}

with

pois as (

    {{ pois_landed_with(ref('int_activities_unioned'), 'poi_original_id') }}

),

activities as (

    select all_activities.* from {{ ref('int_activities_unioned') }} as all_activities
    {% if is_incremental() %}
        inner join pois
            on
                all_activities.source = pois.source
                and all_activities.poi_original_id = pois.original_id
    {% endif %}

),

sport_disciplines as (

    select * from {{ ref('sport_disciplines') }}

),

measured as (

    select
        activities.*,
        {{ distance_to_metres('activities.distance', 'activities.distance_unit', 'activities.title') }}
            as distance_m,
        {{ duration_minutes('activities.distance', 'activities.distance_unit') }} as duration_min
    from activities

),

classified as (

    select
        {{ surrogate_key(['measured.source', 'measured.original_id']) }} as activity_id,
        pois.poi_id,
        measured.source,
        measured.original_id,
        {{ clean_text('measured.title') }} as name,
        coalesce(sport_disciplines.sport, 'other') as sport,
        sport_disciplines.sport is null as is_sport_unmapped,
        measured.discipline,
        measured.distance_m,
        measured.duration_min,
        {{ plausible_elevation('measured.elevation_gain', 'measured.distance_m', 'measured.discipline') }}
            as elevation_gain_m,
        {{ plausible_elevation('measured.elevation_loss', 'measured.distance_m', 'measured.discipline') }}
            as elevation_loss_m,
        measured.start_date,
        measured.start_time,
        {{ normalise_status('measured.status') }} as status,
        {{ normalise_status('measured.status') }} = 'confirmed' as is_date_confirmed,
        measured.min_price_eur,
        nullif(trim(measured.registration_url), '') as registration_url,
        measured.itra_points,
        {{ is_kids_race('measured.distance_m', 'measured.title') }} as is_kids_race,
        pois.is_active,
        {{ later_of('measured.loaded_at', 'pois.updated_at') }} as updated_at

    from measured
    inner join pois
        on
            measured.source = pois.source
            and measured.poi_original_id = pois.original_id
    left join sport_disciplines
        on
            measured.source = sport_disciplines.source
            and measured.discipline = sport_disciplines.discipline

)

select * from classified
{%- if is_incremental() %}

    union all

    {{ placeholder_rows('pois', 'classified', 'activity_id', [
        'source', 'original_id', 'name', 'sport', 'is_sport_unmapped', 'discipline',
        'distance_m', 'duration_min', 'elevation_gain_m', 'elevation_loss_m',
        'start_date', 'start_time', 'status', 'is_date_confirmed', 'min_price_eur',
        'registration_url', 'itra_points', 'is_kids_race', 'is_active',
    ]) }}
{%- endif %}
