{#- Every source's POIs in one shape. Adding a source = one line in `poi_sources`
    (its staging model exposes these columns). -#}
{%- set poi_sources = [
    ref('stg_finishers__events'),
] -%}

{%- set poi_columns = [
    'source', 'original_id', 'slug', 'url', 'name', 'subtitle', 'description',
    'description_html',
    'country_code', 'region_name', 'department_name', 'city', 'latitude', 'longitude',
    'coordinates_precision', 'website_url', 'registration_url', 'image_url', 'tags',
    'edition_year', 'edition_status', 'start_date', 'end_date', 'content_hash',
    'is_listed', 'first_seen_at', 'last_seen_at', 'loaded_at',
] -%}

{% for poi_source in poi_sources %}
    select {{ poi_columns | join(', ') }} from {{ poi_source }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
