{#- Refresh the planner's statistics of the table or snapshot a node just wrote (a
    post-hook of every model and snapshot). Postgres plans on statistics that only
    autovacuum or ANALYZE gathers: dbt reads a table seconds after writing it, before
    autovacuum (when it is on at all) gets to it. Without them the planner takes every
    key for a non-unique one: at 100,000 events it estimated the incremental duplicate
    detection at 10^16 candidate pairs and merge-joined every POI (bench/BASELINE.md).
    DuckDB keeps its statistics itself. Views are skipped. -#}
{% macro analyze_table() -%}
    {{ return(adapter.dispatch('analyze_table')()) }}
{%- endmacro %}

{% macro default__analyze_table() -%}
{%- endmacro %}

{% macro postgres__analyze_table() -%}
    {%- if model.config.materialized in ['table', 'incremental', 'snapshot'] -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
