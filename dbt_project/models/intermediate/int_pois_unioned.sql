{#- Every source's POIs in one shape. Adding a source = one line in `poi_sources`
    (its staging model exposes these columns). -#}
{%- set poi_sources = [
    ref('stg_finishers__events'),
    ref('stg_data_es__installations'),
] -%}

{%- set poi_columns = [
    'source', 'original_id', 'slug', 'url', 'name', 'subtitle', 'description',
    'description_html',
    'country_code', 'region_name', 'department_name', 'city', 'latitude', 'longitude',
    'coordinates_precision', 'website_url', 'registration_url', 'image_url', 'tags',
    'edition_year', 'edition_status', 'start_date', 'end_date', 'content_hash',
    'is_listed', 'first_seen_at', 'last_seen_at', 'loaded_at',
] -%}

{#- Columns only some sources fill (a place's attributes; `load_id`, the dlt load id of a
    source whose POIs are raw rows, read through a view): a source whose staging model
    lacks one gives a typed null. -#}
{%- set optional_poi_columns = {
    'load_id': 'text',
    'street_address': 'text', 'postal_code': 'text', 'source_insee_code': 'text',
    'equipment_count': 'bigint', 'is_free_access': 'boolean', 'setting': 'text',
    'is_accessible': 'boolean', 'has_public_transport': 'boolean',
    'is_out_of_service': 'boolean',
} -%}

{% for poi_source in poi_sources %}
    {%- set present = column_names(poi_source) -%}
    {%- set selected = [] -%}
    {%- for column, data_type in optional_poi_columns.items() -%}
        {%- do selected.append(
            column if column in present else 'cast(null as ' ~ data_type ~ ') as ' ~ column
        ) -%}
    {%- endfor %}
    select {{ (poi_columns + selected) | join(', ') }} from {{ poi_source }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
