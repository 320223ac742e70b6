{#- One row per Data ES equipment, cast and renamed; `loaded_at` is the commit time of its
    dlt load (dlt_loaded_at; empty while Data ES was never landed).
    Incremental (delete+insert on the equipment): the sync merges each equipment on its
    number and never deletes one (a gone equipment is landed again, unlisted), so a night
    reads only the rows landed since the last build. -#}

select
    cast(equip_numero as text) as equipment_id,
    cast(inst_numero as text) as installation_id,
    cast(inst_nom as text) as installation_name,
    coalesce(cast(inst_display_name as text), cast(inst_nom as text)) as installation_display_name,
    coalesce(cast(equip_display_name as text), cast(equip_nom as text)) as equipment_name,
    cast(equip_type_name as text) as type_name,
    cast(equip_type_code as text) as type_code,
    cast(equip_type_famille as text) as type_family,
    cast(latitude as double precision) as latitude,
    cast(longitude as double precision) as longitude,
    cast(inst_adresse as text) as street_address,
    cast(inst_cp as text) as postal_code,
    cast(new_code as text) as insee_code,
    cast(new_name as text) as commune_name,
    upper(cast(dep_code as text)) as department_code,
    cast(equip_url as text) as website_url,
    cast(equip_acc_libre as boolean) as is_free_access,
    cast(equip_nature as text) as nature,
    case
        when equip_nature in ('Intérieur', 'Découvrable') then true
        when equip_nature is not null then false
    end as is_indoor,
    case
        when equip_nature in ('Découvert', 'Site naturel', 'Découvrable') then true
        when equip_nature is not null then false
    end as is_outdoor,
    cast(equip_saison as boolean) as is_seasonal,
    coalesce(cast(inst_hs_bool as boolean), false) as is_out_of_service,
    cast(equip_maj_date as date) as source_updated_on,
    cast(equip_rnb as text) as rnb_id,
    cast(equip_acces_handi_mobilite as boolean) as is_accessible_reduced_mobility,
    cast(inst_acc_handi_bool as boolean) as is_installation_accessible,
    cast(inst_trans_bool as boolean) as has_public_transport,
    cast(content_hash as text) as content_hash,
    coalesce(cast(is_listed as boolean), true) as is_listed,
    cast(first_seen_at as timestamp with time zone) as first_seen_at,
    cast(last_seen_at as timestamp with time zone) as last_seen_at,
    loaded_at
from {{ dlt_loaded_at('raw_data_es', 'equipments', optional=true, since_cutoff=true) }} as equipments
{%- if is_incremental() %}
    where loaded_at >= {{ incremental_cutoff('loaded_at') }}
{%- endif %}
