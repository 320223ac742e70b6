{#- Stand-ins for the project's macros (dbt_project/macros), used ONLY by sqlfluff's jinja
    templater (.sqlfluff → load_macros_from_path): the real macros call adapter.dispatch and
    dbt's cross-database macros, which exist only inside dbt. Each stub renders a small
    SQL expression of the same shape. Add a stub when you add a macro used by a model. -#}

{% macro regexp_like(expression, pattern) -%}({{ expression }} ~ 'x'){%- endmacro %}
{% macro load_id_to_timestamp(load_id) -%}to_timestamp({{ load_id }}){%- endmacro %}
{% macro surrogate_key(expressions) -%}md5({{ expressions | join(' || ') }}){%- endmacro %}
{% macro incremental_cutoff(column, relation=none) -%}
    (select max({{ column }}) from this_mart)
{%- endmacro %}
{% macro snapshot_tombstones(snapshot_identifier, columns, unique_key, current_relation) -%}
{%- endmacro %}
{% macro clean_text(expression) -%}trim({{ expression }}){%- endmacro %}
{% macro unwrap_external_url(expression) -%}trim({{ expression }}){%- endmacro %}
{% macro distance_to_metres(distance, unit, title=none) -%}({{ distance }} * 1000){%- endmacro %}
{% macro duration_minutes(distance, unit) -%}({{ distance }} * 1){%- endmacro %}
{% macro plausible_elevation(elevation, distance_m, discipline) -%}({{ elevation }} * 1){%- endmacro %}
{% macro is_kids_race(distance_m, title) -%}({{ distance_m }} < 2000){%- endmacro %}
{% macro normalise_status(status) -%}lower({{ status }}){%- endmacro %}
{% macro iso_country_code(expression) -%}upper({{ expression }}){%- endmacro %}
{% macro valid_insee_code(expression) -%}upper({{ expression }}){%- endmacro %}
{% macro valid_postal_code(expression) -%}trim({{ expression }}){%- endmacro %}
{% macro round_half_up(expression=none) -%}floor({{ expression if expression is not none else caller() }}){%- endmacro %}
{% macro name_key(expression) -%}lower({{ expression }}){%- endmacro %}
{% macro distance_between_m(lat1, lon1, lat2, lon2) -%}({{ lat1 }} - {{ lat2 }}){%- endmacro %}
{% macro pair_overlap(candidates, items, item) -%}
    select c.pair_id, 1 as duplicate_total, 1 as keeper_total, 1 as shared
    from {{ candidates }} as c inner join {{ items }} as i on c.poi_id = i.poi_id
{%- endmacro %}
{% macro source_or_empty(source_name, table_name) -%}{{ source(source_name, table_name) }}{%- endmacro %}
{% macro column_names(relation) -%}{%- endmacro %}
{% macro dlt_loaded_at(source_name, table_name, optional=false) -%}(select * from {{ source(source_name, table_name) }}){%- endmacro %}
{% macro contract_columns(expressions={}) -%} * {%- endmacro %}
{% macro incremental_batch(relation, column='updated_at', columns='*') -%}select {{ columns }} from {{ relation }}{%- endmacro %}
{% macro relanded_pois() -%}select poi_id, updated_at from {{ ref('int_pois_cleaned') }}{%- endmacro %}
