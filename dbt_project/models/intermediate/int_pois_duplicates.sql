{#- POIs judged to be the same event as an earlier POI (listed twice, under two slugs or by
    two sources). Flagged, never deleted: the app hides a POI whose `duplicate_of_poi_id`
    is set. Two POIs are the same event when all of these hold (thresholds in
    dbt_project.yml, unit-tested on true and false pairs):
    - the same start date;
    - the same commune (INSEE code), or start points within `duplicate_max_distance_m`
      (a neighbouring commune);
    - similar names: the same numbers ("10 km" is not "20 km", "Trail 1" not "Trail 2")
      and a Jaccard similarity of the character trigrams of `name_key` of at least
      `duplicate_min_name_similarity`;
    - similar race lists: at least `duplicate_min_race_overlap` of the shorter list's
      distances (whole km; timed races by minutes) in the other (two empty lists agree).
    The POI kept is the one seen first (`first_seen_at`, then `poi_id`), which never
    changes once both exist; a duplicate points to the first-seen POI it matches. -#}

with

pois as (

    select
        pois.poi_id,
        pois.start_date,
        coalesce(pois.first_seen_at, pois.updated_at) as seen_at,
        {{ name_key('pois.name') }} as name_key,
        regexp_replace(pois.name, '[^0-9]', '', 'g') as name_numbers,
        coalesce(addresses.latitude, pois.latitude) as latitude,
        coalesce(addresses.longitude, pois.longitude) as longitude,
        addresses.insee_code
    from {{ ref('int_pois_cleaned') }} as pois
    left join {{ ref('int_addresses_geocoded') }} as addresses
        on pois.poi_id = addresses.poi_id
    where pois.start_date is not null and pois.name is not null

),

candidates as (

    {#- Same date and same or neighbouring place; `keeper` was seen first. -#}
    select
        duplicate.poi_id,
        keeper.poi_id as keeper_poi_id,
        keeper.seen_at as keeper_seen_at,
        duplicate.poi_id || '|' || keeper.poi_id as pair_id
    from pois as duplicate
    inner join pois as keeper
        on
            duplicate.start_date = keeper.start_date
            and duplicate.name_numbers = keeper.name_numbers
            and (
                duplicate.seen_at > keeper.seen_at
                or (duplicate.seen_at = keeper.seen_at and duplicate.poi_id > keeper.poi_id)
            )
    where
        duplicate.insee_code = keeper.insee_code
        or {{ distance_between_m(
            'duplicate.latitude', 'duplicate.longitude', 'keeper.latitude', 'keeper.longitude'
        ) }} <= {{ var('duplicate_max_distance_m') }}

),

paired as (

    select candidates.poi_id from candidates
    union
    select candidates.keeper_poi_id from candidates

),

numbers as (

    select n from generate_series(1, 200) as numbers (n)

),

grams as (

    select distinct
        pois.poi_id,
        substr(pois.name_key, numbers.n, 3) as gram
    from pois
    inner join numbers
        on numbers.n <= greatest(length(pois.name_key) - 2, 1)
    where pois.poi_id in (select paired.poi_id from paired)

),

name_overlap as (

    {{ pair_overlap('candidates', 'grams', 'gram') }}

),

races as (

    select distinct
        poi_id,
        coalesce(
            cast({{ round_half_up('distance_m / 1000.0') }} as bigint) || ' km',
            cast(duration_min as bigint) || ' min'
        ) as race_key
    from {{ ref('int_activities_classified') }}
    where
        (distance_m is not null or duration_min is not null)
        and poi_id in (select paired.poi_id from paired)

),

race_overlap as (

    {{ pair_overlap('candidates', 'races', 'race_key') }}

),

scored as (

    select
        candidates.poi_id,
        candidates.keeper_poi_id,
        candidates.keeper_seen_at,
        1.0 * name_overlap.shared
        / (name_overlap.duplicate_total + name_overlap.keeper_total - name_overlap.shared)
            as name_similarity,
        case
            when race_overlap.duplicate_total = 0 and race_overlap.keeper_total = 0 then 1.0
            when race_overlap.duplicate_total = 0 or race_overlap.keeper_total = 0 then 0.0
            else
                1.0 * race_overlap.shared
                / least(race_overlap.duplicate_total, race_overlap.keeper_total)
        end as race_overlap
    from candidates
    inner join name_overlap
        on candidates.pair_id = name_overlap.pair_id
    inner join race_overlap
        on candidates.pair_id = race_overlap.pair_id

),

judged as (

    select
        *,
        row_number() over (
            partition by poi_id order by keeper_seen_at asc, keeper_poi_id asc
        ) as keeper_rank
    from scored
    where
        name_similarity >= {{ var('duplicate_min_name_similarity') }}
        and race_overlap >= {{ var('duplicate_min_race_overlap') }}

)

select
    poi_id,
    keeper_poi_id as duplicate_of_poi_id,
    name_similarity,
    race_overlap
from judged
where keeper_rank = 1
