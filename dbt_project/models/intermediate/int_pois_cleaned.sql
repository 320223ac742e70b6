{#- Incremental: a night re-reads only the POIs landed since the last build (the staging
    views behind int_pois_unioned are computed once, not once per model and data test
    that reads the cleaned POIs). A POI is never deleted at its source, only unlisted. -#}
{{ config(unique_key='poi_id') }}

with

pois as (

    select * from {{ ref('int_pois_unioned') }}
    {%- if is_incremental() %}
        {%- set cutoff = incremental_cutoff('updated_at') %}
        where
            loaded_at >= {{ cutoff }}
            {%- set first_load_id = since_load_id(cutoff) %}
            {%- if first_load_id is not none %}
                {#- a literal on a raw column, which DuckDB filters inside the scan of
                    the raw events under the staging view: the night's events, not all
                    of them joined to their loads (0.34 s) -#}
                and coalesce(load_id >= '{{ first_load_id }}', true)
            {%- endif %}
    {%- endif %}

),

cleaned as (

    select
        {{ surrogate_key(['source', 'original_id']) }} as poi_id,
        source,
        original_id,
        slug,
        url,
        {#- Text arrives as plain text / sanitized HTML: the sources' parsers clean it
            with ingestion.html_text (SQL has no HTML parser). -#}
        {{ clean_text('name') }} as name,
        {{ clean_text('subtitle') }} as subtitle,
        nullif(trim(description), '') as description,
        nullif(trim(description_html), '') as description_html,
        {{ iso_country_code('country_code') }} as country_code,
        {{ clean_text('region_name') }} as region_name,
        {{ clean_text('department_name') }} as department_name,
        {{ clean_text('city') }} as city,
        latitude,
        longitude,
        coordinates_precision,
        {#- Links arrive unwrapped and http(s) only: the parsers check them. -#}
        nullif(trim(website_url), '') as website_url,
        nullif(trim(registration_url), '') as registration_url,
        image_url,
        nullif(trim(tags), '') as tags,
        edition_year,
        {{ normalise_status('edition_status') }} as edition_status,
        start_date,
        end_date,
        content_hash,
        is_listed as is_active,
        first_seen_at,
        last_seen_at,
        loaded_at as updated_at,
        {#- place attributes (null for sources that do not give them) -#}
        street_address,
        postal_code,
        source_insee_code,
        equipment_count,
        is_free_access,
        setting,
        is_accessible,
        has_public_transport,
        is_out_of_service

    from pois

)

select * from cleaned
