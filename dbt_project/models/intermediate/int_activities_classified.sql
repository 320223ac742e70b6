with

activities as (

    select * from {{ ref('int_activities_unioned') }}

),

pois as (

    select * from {{ ref('int_pois_cleaned') }}

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
        {{ unwrap_external_url('measured.registration_url') }} as registration_url,
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
