{#- One row per installation × activity (an activity offered by several of its
    equipments counts once), from its listed equipments: what "where can I swim near me"
    reads. The seed maps `discipline` (the folded activity code) to a Bouge sport.
    `loaded_at` is the latest load time of the equipments offering it.
    Incremental (delete+insert on the installation): a night re-aggregates the activities
    of the installations with an equipment landed since the last build, from all of their
    equipments. An installation left with no activity is emitted as one row with a null
    `original_id`, which the post-hook deletes: its old rows go, as in a full rebuild. -#}
{{ config(
    post_hook="{% if is_incremental() %}delete from {{ this }} where original_id is null{% endif %}",
) }}

with

{%- if is_incremental() %}

    relanded as (

        {{ relanded_installations() }}

    ),

{%- endif %}

activities as (

    select
        cast(activities.inst_numero as text) as installation_id,
        cast(activities.activity_code as text) as activity_code,
        trim(activities.activity_name) as activity_name,
        {#- landed with its equipment: the equipment's last load time -#}
        equipments.loaded_at
    from {{ source_or_empty('raw_data_es', 'equipment_activities') }} as activities
    inner join {{ ref('stg_data_es__equipments') }} as equipments
        on activities.equip_numero = equipments.equipment_id
    where
        not coalesce(activities.is_deleted, false)
        and equipments.is_listed
        {%- if is_incremental() %}
            and equipments.installation_id in (
                select relanded.installation_id from relanded
            )
        {%- endif %}

),

per_installation as (

    select
        installation_id,
        activity_code,
        min(activity_name) as activity_name,
        max(loaded_at) as loaded_at
    from activities
    group by installation_id, activity_code
    {%- if is_incremental() %}
        union all
        -- a re-landed installation with no activity left: its placeholder (null code)
        select
            relanded.installation_id,
            cast(null as text) as activity_code,
            cast(null as text) as activity_name,
            cast(null as timestamp with time zone) as loaded_at
        from relanded
        where not exists (
            select 1 from activities
            where activities.installation_id = relanded.installation_id
        )
    {%- endif %}

)

select
    installation_id as poi_original_id,
    activity_name as title,
    activity_code as discipline,
    loaded_at,
    'data_es' as source,
    cast(null as text) as status,
    cast(null as date) as start_date,
    cast(null as text) as start_time,
    cast(null as double precision) as distance,
    cast(null as text) as distance_unit,
    cast(null as double precision) as elevation_gain,
    cast(null as double precision) as elevation_loss,
    cast(null as bigint) as itra_points,
    cast(null as double precision) as min_price_eur,
    cast(null as text) as registration_url,
    {#- null for a placeholder -#}
    installation_id || '|' || activity_code as original_id
from per_installation
