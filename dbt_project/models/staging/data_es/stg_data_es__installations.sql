{#- One row per Data ES installation: Bouge's POI. Its attributes come from its listed
    equipments (from all of them once none is listed, so an unlisted POI keeps its
    content); the name and address from the first equipment by id. Out of service or
    gone from the set → `is_listed = false`, hence an inactive POI.
    Incremental: a night re-aggregates only the installations with an equipment landed
    since the last build, from all of their equipments. -#}

with

equipments as (

    select * from {{ ref('stg_data_es__equipments') }}
    {%- if is_incremental() %}
        where installation_id in ({{ relanded_installations() }})
    {%- endif %}

),

listing as (

    select
        installation_id,
        bool_or(is_listed) as has_listed_equipment,
        {#- every equipment's: one unlisted changes the POI, so its load time moves it -#}
        max(loaded_at) as loaded_at
    from equipments
    group by installation_id

),

current_equipments as (

    select
        equipments.*,
        row_number() over (
            partition by equipments.installation_id order by equipments.equipment_id
        ) as rank_in_installation
    from equipments
    inner join listing
        on equipments.installation_id = listing.installation_id
    where equipments.is_listed or not listing.has_listed_equipment

),

aggregated as (

    select
        installation_id,
        count(*) as equipment_count,
        avg(latitude) as latitude,
        avg(longitude) as longitude,
        min(website_url) as website_url,
        bool_or(is_free_access) as is_free_access,
        bool_or(is_indoor) as has_indoor,
        bool_or(is_outdoor) as has_outdoor,
        bool_or(is_accessible_reduced_mobility) as is_accessible,
        bool_or(has_public_transport) as has_public_transport,
        bool_or(is_out_of_service) as is_out_of_service,
        string_agg(distinct type_family, ', ' order by type_family) as type_families,
        md5(string_agg(content_hash, ',' order by equipment_id)) as equipments_hash,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at
    from current_equipments
    group by installation_id

),

first_equipment as (

    select * from current_equipments
    where rank_in_installation = 1

)

select
    aggregated.installation_id as original_id,
    first_equipment.installation_display_name as name,
    aggregated.type_families as subtitle,
    first_equipment.commune_name as city,
    aggregated.latitude,
    aggregated.longitude,
    aggregated.website_url,
    aggregated.first_seen_at,
    aggregated.last_seen_at,
    listing.loaded_at,
    first_equipment.street_address,
    first_equipment.postal_code,
    first_equipment.insee_code as source_insee_code,
    first_equipment.department_code,
    aggregated.equipment_count,
    aggregated.is_free_access,
    aggregated.is_accessible,
    aggregated.has_public_transport,
    aggregated.is_out_of_service,
    'data_es' as source,
    'FR' as country_code,
    cast(null as text) as slug,
    cast(null as text) as url,
    cast(null as text) as description,
    cast(null as text) as description_html,
    cast(null as text) as region_name,
    cast(null as text) as department_name,
    cast(null as text) as registration_url,
    cast(null as text) as image_url,
    cast(null as text) as tags,
    cast(null as bigint) as edition_year,
    cast(null as text) as edition_status,
    cast(null as date) as start_date,
    cast(null as date) as end_date,
    md5(
        aggregated.equipments_hash
        || '|' || cast(listing.has_listed_equipment as text)
    ) as content_hash,
    listing.has_listed_equipment and not aggregated.is_out_of_service as is_listed,
    case when aggregated.latitude is not null then 'point' end as coordinates_precision,
    case
        when aggregated.has_indoor and aggregated.has_outdoor then 'indoor_and_outdoor'
        when aggregated.has_indoor then 'indoor'
        when aggregated.has_outdoor then 'outdoor'
    end as setting

from aggregated
inner join first_equipment
    on aggregated.installation_id = first_equipment.installation_id
inner join listing
    on aggregated.installation_id = listing.installation_id
