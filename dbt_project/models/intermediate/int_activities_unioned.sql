{#- Every source's activities (races, classes, ...) in one shape. Adding a source = one
    line in `activity_sources`. -#}
{%- set activity_sources = [
    ref('stg_finishers__races'),
    ref('stg_data_es__activities'),
] -%}

{%- set activity_columns = [
    'source', 'original_id', 'poi_original_id', 'title', 'discipline', 'status',
    'start_date', 'start_time', 'distance', 'distance_unit', 'elevation_gain',
    'elevation_loss', 'itra_points', 'min_price_eur', 'registration_url', 'loaded_at',
] -%}

{% for activity_source in activity_sources %}
    select {{ activity_columns | join(', ') }} from {{ activity_source }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
