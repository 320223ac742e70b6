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
    changes once both exist; a duplicate points to the first-seen POI it matches.

    One row per POI (`duplicate_of_poi_id` null when it duplicates none), incremental: a
    night scores only the pairs its batch (the POIs landed, located or classified again
    since the last build) can change. The batch and the POIs that point to one of them
    today are re-judged against every POI. A POI that a batch POI now matches as an
    earlier POI is judged between its keeper of yesterday (still valid: it is not in the
    batch) and the batch POIs it matches; its pairs with the other POIs did not change. -#}
{{ config(unique_key='poi_id', pre_hook='{{ no_nested_loops() }}') }}

{#- Only dated, named POIs can be the same event. Read where used, not as a CTE: Postgres
    materializes a CTE read more than once, and a CTE's rows have no statistics. Without
    them the planner took `poi_id` for a column of 200 distinct values and a night's
    5,000 re-judged POIs for 65 million, then sorted and merge-joined every POI
    (2.6–2.7 s for the night's select at 100,000 events; 2.2 s this way). -#}
{%- set located = ref('int_pois_located') -%}
{%- set pois = '(select * from ' ~ located
    ~ ' where start_date is not null and name is not null)' %}

with

{%- if is_incremental() %}

    batch as (

        {{ pois_updated_in([ref('int_pois_located'), ref('int_activities_classified')]) }}

    ),

    rejudged as (

        select batch.poi_id from batch
        union
        select existing.poi_id from {{ this }} as existing
        inner join batch
            on existing.duplicate_of_poi_id = batch.poi_id

    ),

    rejudged_pois as materialized (

        {#- `materialized` (here and in `batch_pois`): computed first, so that the planner
            joins these few POIs to every POI, not every POI to every POI before keeping
            their pairs (Postgres inlines a CTE read once, then orders the joins on a guess
            of the number of candidate pairs) -#}
        select pois.* from {{ pois }} as pois
        inner join rejudged
            on pois.poi_id = rejudged.poi_id

    ),

    batch_pois as materialized (

        select pois.* from {{ pois }} as pois
        inner join batch
            on pois.poi_id = batch.poi_id

    ),

{%- endif %}

candidates as (

    {#- Same date and same or neighbouring place; `keeper` was seen first. -#}
    select
        duplicate.poi_id,
        keeper.poi_id as keeper_poi_id,
        keeper.seen_at as keeper_seen_at,
        duplicate.poi_id || '|' || keeper.poi_id as pair_id
    from {{ 'rejudged_pois' if is_incremental() else pois }} as duplicate
    inner join {{ pois }} as keeper
        on {{ same_event_place_and_day('duplicate', 'keeper') }}
    {%- if is_incremental() %}
        union all
        -- the POIs not re-judged that a batch POI matches as an earlier POI
        select
            duplicate.poi_id,
            keeper.poi_id as keeper_poi_id,
            keeper.seen_at as keeper_seen_at,
            duplicate.poi_id || '|' || keeper.poi_id as pair_id
        from {{ pois }} as duplicate
        inner join batch_pois as keeper
            on {{ same_event_place_and_day('duplicate', 'keeper') }}
        where not exists (
            select 1 from rejudged
            where rejudged.poi_id = duplicate.poi_id
        )
    {%- endif %}

),

paired as (

    select candidates.poi_id from candidates
    union
    select candidates.keeper_poi_id from candidates

),

name_keys as materialized (

    {#- computed for the paired POIs only (a night pairs a few of them), and once each:
        inlined, Postgres computed the key again for each of its trigrams -#}
    select
        poi_id,
        {{ name_key('name') }} as name_key
    from {{ pois }} as pois
    where poi_id in (select paired.poi_id from paired)

),

grams as (

    {#- one position per trigram of each key (a lateral series: joined to a fixed series
        of 200, Postgres filtered 2.5 million rows for a night's 230,000 trigrams) -#}
    select distinct
        name_keys.poi_id,
        substr(name_keys.name_key, positions.n, 3) as gram
    from name_keys
    cross join
        lateral generate_series(1, greatest(length(name_keys.name_key) - 2, 1)) as positions (n)

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

{%- if is_incremental() %}

    kept as (

        {#- yesterday's keeper of a POI not re-judged that a batch POI matches: that
            pair did not change -#}
        select
            existing.poi_id,
            existing.duplicate_of_poi_id as keeper_poi_id,
            keeper.seen_at as keeper_seen_at,
            existing.name_similarity,
            existing.race_overlap
        from {{ this }} as existing
        inner join {{ pois }} as keeper
            on existing.duplicate_of_poi_id = keeper.poi_id
        where
            existing.poi_id in (select candidates.poi_id from candidates)
            {#- `not in`, a hashed subplan: as `not exists`, Postgres expected one row
                of a night's thousands and compared every pair (0.45 s of 2.7) -#}
            and existing.poi_id not in (select rejudged.poi_id from rejudged)

    ),

    judged_pois as (

        {#- the POIs this night gives a row: re-judged, or matched by a batch POI -#}
        select rejudged.poi_id from rejudged
        union
        select candidates.poi_id from candidates

    ),

{%- endif %}

judged as (

    select
        *,
        row_number() over (
            partition by poi_id order by keeper_seen_at asc, keeper_poi_id asc
        ) as keeper_rank
    from (
        select * from scored
        where
            name_similarity >= {{ var('duplicate_min_name_similarity') }}
            and race_overlap >= {{ var('duplicate_min_race_overlap') }}
        {%- if is_incremental() %}
            union all
            select * from kept  -- the same five columns
        {%- endif %}
    ) as matches

),

race_times as (

    {#- the latest load of a judged POI's races: with its own and its location's, what
        the POI was judged from, and the cutoff of the next night's batch -#}
    select
        poi_id,
        max(updated_at) as updated_at
    from {{ ref('int_activities_classified') }}
    {%- if is_incremental() %}
        where poi_id in (select judged_pois.poi_id from judged_pois)
    {%- endif %}
    group by poi_id

)

select
    all_pois.poi_id,
    judged.keeper_poi_id as duplicate_of_poi_id,
    judged.name_similarity,
    judged.race_overlap,
    {{ later_of('race_times.updated_at', 'all_pois.updated_at') }} as updated_at
from {{ located }} as all_pois
left join judged
    on all_pois.poi_id = judged.poi_id and judged.keeper_rank = 1
left join race_times
    on all_pois.poi_id = race_times.poi_id
{%- if is_incremental() %}
    inner join judged_pois
        on all_pois.poi_id = judged_pois.poi_id
{%- endif %}
