{#- Custom schemas are used verbatim (staging, intermediate, bouge, snapshots): the same
    names in dev (DuckDB) and prod (Postgres), no `<target>_` prefix. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
