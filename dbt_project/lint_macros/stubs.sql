{#- Stand-ins, used ONLY by sqlfluff's jinja templater (.sqlfluff → load_macros_from_path,
    read after dbt_project/macros, so a stand-in replaces the real macro of its name).
    The templater renders the real macros, except these: each needs dbt itself (the
    adapter, dbt's cross-database macros, the graph, a model's contract) or calls a macro
    of another file, which the templater cannot see. Each renders a small SQL expression
    of the same shape. -#}

{% macro regexp_like(expression, pattern) -%}({{ expression }} ~ 'x'){%- endmacro %}
{% macro surrogate_key(expressions) -%}md5({{ expressions | join(' || ') }}){%- endmacro %}
{% macro snapshot_tombstones(snapshot_identifier, columns, unique_key, current_relation) -%}
{%- endmacro %}
{% macro distance_to_metres(distance, unit, title=none) -%}({{ distance }} * 1000){%- endmacro %}
{% macro is_kids_race(distance_m, title) -%}({{ distance_m }} < 2000){%- endmacro %}
{% macro iso_country_code(expression) -%}upper({{ expression }}){%- endmacro %}
{% macro valid_insee_code(expression) -%}upper({{ expression }}){%- endmacro %}
{% macro valid_postal_code(expression) -%}trim({{ expression }}){%- endmacro %}
{% macro source_or_empty(source_name, table_name) -%}{{ source(source_name, table_name) }}{%- endmacro %}
{% macro column_names(relation) -%}{%- endmacro %}
{% macro dlt_loaded_at(source_name, table_name, optional=false, since_cutoff=false) -%}(select * from {{ source(source_name, table_name) }}){%- endmacro %}
{% macro contract_columns(expressions={}) -%} * {%- endmacro %}
{% macro night_rows(relation) -%}(select * from {{ relation }} where updated_at >= current_timestamp){%- endmacro %}
{% macro in_keys(column, keys_sql, max_keys=1000) -%}{{ column }} in ({{ keys_sql }}){%- endmacro %}
{% macro since_load_id(cutoff) -%}1700000000.000000{%- endmacro %}
