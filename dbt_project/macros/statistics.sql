{#- Refresh the planner's statistics of the table or snapshot a node just wrote (a
    post-hook of every model and snapshot). Postgres plans on statistics that only
    autovacuum or ANALYZE gathers: dbt reads a table seconds after writing it, before
    autovacuum (when it is on at all) gets to it. Without them the planner takes every
    key for a non-unique one: at 100,000 events it estimated the incremental duplicate
    detection at 10^16 candidate pairs and merge-joined every POI (bench/BASELINE.md).
    A table built whole (no statistics yet), a `--full-refresh` and the weekly
    `full_tests` run analyze every column. An incremental run analyzes the columns a
    night's rows are found and matched by (`analyzed_columns`): the rest of a table's
    distribution does not move in a night, and sampling every column of a wide table
    took 0.5–0.9 s a node (0.2 for the keys). Those columns are sampled at
    `night_statistics_target` (a histogram of that many buckets): ANALYZE reads 300 rows
    per bucket, and at the default 100 it read 30,000 rows of each table a night, 0.1–0.3 s
    a node at 100,000 events against 12–19 ms at 10 (bench/BASELINE.md). A night's rows,
    a few percent of a table, are still estimated in thousands from 10 buckets.
    DuckDB keeps its statistics itself. Views are skipped. -#}
{% macro analyze_table() -%}
    {{ return(adapter.dispatch('analyze_table')()) }}
{%- endmacro %}

{% macro default__analyze_table() -%}
{%- endmacro %}

{% macro postgres__analyze_table() -%}
    {%- if model.config.materialized in ['table', 'incremental', 'snapshot'] -%}
        {%- set columns = analyzed_columns() -%}
        {%- if columns -%}
            set local default_statistics_target = {{ var('night_statistics_target') }};
            analyze {{ this }} ({{ columns | join(', ') }})
        {%- else -%}
            analyze {{ this }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The columns an incremental run of this node analyzes: its `unique_key` (what the
    delete+insert and the next nodes match on), the column its night's rows are found by
    (`night_column`: `updated_at`, else `loaded_at`), the columns of its `indexes` (a
    model's own cutoff column), and a snapshot's `dbt_scd_id` and `dbt_valid_to` (dbt's
    merge). Leaving the night's column out is what makes a plan go wrong: its newest
    values past the histogram, the planner expects one row of a night's thousands (a
    nested loop over a whole mart, 180 s for one relationship test). None (every
    column) on a full refresh, on the weekly `full_tests` run, and for a table that has
    no statistics yet (built whole). -#}
{% macro analyzed_columns() -%}
    {%- if not execute or flags.FULL_REFRESH or var('full_tests')
        or model.config.materialized not in ['incremental', 'snapshot'] -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set has_statistics -%}
        select 1 from pg_stats
        where schemaname = '{{ this.schema }}' and tablename = '{{ this.identifier }}'
        limit 1
    {%- endset -%}
    {%- if run_query(has_statistics) | length == 0 -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set key = model.config.unique_key -%}
    {%- set columns = [key] if key is string else (key or []) | list -%}
    {%- set night = night_column(model) -%}
    {%- if night -%}
        {%- do columns.append(night) -%}
    {%- endif -%}
    {%- if model.config.materialized == 'snapshot' -%}
        {%- do columns.extend(['dbt_scd_id', 'dbt_valid_to']) -%}
    {%- endif -%}
    {%- for index in model.config.indexes or [] -%}
        {%- do columns.extend(index.columns) -%}
    {%- endfor -%}
    {{ return(columns | unique | list) }}
{%- endmacro %}

{#- Pre-hook of every model and snapshot: no JIT compilation for the node's statements
    on Postgres. Postgres compiles a query to machine code once its estimated cost
    passes `jit_above_cost`, which most of this project's statements do at full size;
    compiling cost more than it saved: 2.2 s of `int_pois_duplicates`' 5.6 s select on a
    night at 100,000 events, and a full refresh took 82.9 s without JIT against 89.7
    with it (bench/BASELINE.md). For this node's transaction only. -#}
{% macro no_jit() -%}
    {{ return(adapter.dispatch('no_jit')()) }}
{%- endmacro %}

{% macro default__no_jit() -%}
{%- endmacro %}

{% macro postgres__no_jit() -%}
    set local jit = off
{%- endmacro %}

{#- Pre-hook of `int_pois_duplicates`: no nested-loop joins on Postgres, for that node's
    transaction only. The planner cannot estimate its candidate pairs (same day, same
    numbers, same or neighbouring place, one seen first): at 10,000 events it expected one
    pair for 3,146, and joined every later step (the trigrams, the races, their overlaps)
    to it in nested loops that ran an aggregate again for each pair. The full refresh
    took 7 min instead of 1 s for that select (bench/BASELINE.md). With hash joins the
    plan no longer depends on that estimate. Nothing on DuckDB. -#}
{% macro no_nested_loops() -%}
    {{ return(adapter.dispatch('no_nested_loops')()) }}
{%- endmacro %}

{% macro default__no_nested_loops() -%}
{%- endmacro %}

{% macro postgres__no_nested_loops() -%}
    set local enable_nestloop = off
{%- endmacro %}

{#- The `indexes` configs (`updated_at`, `loaded_at`: dbt_project.yml) are for Postgres, whose
    nightly reads find the night's rows by them. On DuckDB none is created: its zone maps
    already skip the row groups outside a night, and dbt-duckdb drops and re-creates an
    ART index around each table's rename, which fails when two threads rebuild tables at
    once ("Table with name ...__dbt_backup does not exist"). -#}
{% macro duckdb__get_create_index_sql(relation, index_dict) -%}
    {{ return(none) }}
{%- endmacro %}
