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

{#- The `indexes` configs (on `updated_at`, dbt_project.yml) are for Postgres, whose
    nightly reads find the night's rows by them. On DuckDB none is created: its zone maps
    already skip the row groups outside a night, and dbt-duckdb drops and re-creates an
    ART index around each table's rename, which fails when two threads rebuild tables at
    once ("Table with name ...__dbt_backup does not exist"). -#}
{% macro duckdb__get_create_index_sql(relation, index_dict) -%}
    {{ return(none) }}
{%- endmacro %}
