{#- Refresh the planner's statistics of the table or snapshot a node just wrote (a
    post-hook of every model and snapshot). Postgres plans on statistics that only
    autovacuum or ANALYZE gathers: dbt reads a table seconds after writing it, before
    autovacuum (when it is on at all) gets to it. Without them the planner takes every
    key for a non-unique one: at 100,000 events it estimated the incremental duplicate
    detection at 10^16 candidate pairs and merge-joined every POI (bench/BASELINE.md).
    A table written whole (first build, full refresh, `table`) is analyzed; one that a
    night merged into only when its statistics went stale (`statistics_are_stale`): a
    night replaces a few percent of the rows with rows of the same distribution, and
    the nights' cutoffs, past the statistics' newest value, are sized from the
    `updated_at` index's real end anyway, so a night does not pay a 30,000-row sample on
    every big table (a second on the 780,000 activities). The rows a night writes count
    from its commit, so the night that makes them stale is analyzed by the next one.
    DuckDB keeps its statistics itself. Views are skipped. -#}
{% macro analyze_table() -%}
    {{ return(adapter.dispatch('analyze_table')()) }}
{%- endmacro %}

{% macro default__analyze_table() -%}
{%- endmacro %}

{% macro postgres__analyze_table() -%}
    {%- if model.config.materialized in ['table', 'incremental', 'snapshot']
        and statistics_are_stale(this) -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}

{#- Whether the statistics of `relation` (a Postgres table) are stale: never analyzed;
    its live rows moved by more than `analyze_size_change_share` of the rows it was
    analyzed with; or more rows changed since (inserted, updated or deleted) than it had
    then: about ten nights of a 1 % change, whose delete+insert churns ~5 % each way. The
    rows of the build that analyzed it (a full refresh's every row) count in those
    changes too, at its commit, after the analyze: hence twice its rows. -#}
{% macro statistics_are_stale(relation) -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set stale = run_query(
        "select coalesce(stats.last_analyze, stats.last_autoanalyze) is null"
        ~ " or abs(stats.n_live_tup - tables.reltuples) > "
        ~ var('analyze_size_change_share') ~ " * greatest(tables.reltuples, 0)"
        ~ " or stats.n_mod_since_analyze > 2 * greatest(tables.reltuples, 0)"
        ~ " from pg_catalog.pg_class as tables"
        ~ " inner join pg_catalog.pg_namespace as schemas on tables.relnamespace = schemas.oid"
        ~ " left join pg_catalog.pg_stat_user_tables as stats on tables.oid = stats.relid"
        ~ " where schemas.nspname = '" ~ relation.schema ~ "'"
        ~ " and tables.relname = '" ~ relation.identifier ~ "'"
    ).columns[0].values() -%}
    {{ return(stale | length == 0 or stale[0] is none or stale[0]) }}
{%- endmacro %}

{#- The `indexes` configs (on `updated_at`, dbt_project.yml) are for Postgres, whose
    nightly reads find the night's rows by them. On DuckDB none is created: its zone maps
    already skip the row groups outside a night, and dbt-duckdb drops and re-creates an
    ART index around each table's rename, which fails when two threads rebuild tables at
    once ("Table with name ...__dbt_backup does not exist"). -#}
{% macro duckdb__get_create_index_sql(relation, index_dict) -%}
    {{ return(none) }}
{%- endmacro %}
