{#- DuckDB: a lower memory cap while a snapshot builds (the snapshots' pre-hook sets
    `snapshot_memory_limit`, their post-hook the profile's cap back; nothing on
    Postgres). A snapshot's first build copies its whole mart: `poi`'s two texts are 530
    MB at 100,000 events, more than dbt's cap (profiles.yml, 512 MB). DuckDB runs inside
    dbt's process, which holds more by the end of a full refresh, and that statement
    took the process up to 950 MB, above every other node. Under `snapshot_memory_limit`
    (384 MB) DuckDB writes the copy out sooner: a full refresh at 100,000 events +
    334,000 equipments peaked at 759–812 MB in six runs, against 801–954 MB in five
    without, for 0.7 s more in the snapshot and about 1.5 s more in all
    (bench/BASELINE.md). A night's snapshot compares a few thousand rows, far below
    either cap. -#}
{% macro memory_limit(limit=none) -%}
    {{ return(adapter.dispatch('memory_limit')(limit)) }}
{%- endmacro %}

{% macro default__memory_limit(limit=none) -%}
{%- endmacro %}

{% macro duckdb__memory_limit(limit=none) -%}
    {%- set limit = limit or (target.get('settings') or {}).get('memory_limit') -%}
    {%- if limit -%}
        set memory_limit = '{{ limit }}'
    {%- else -%}
        reset memory_limit
    {%- endif -%}
{%- endmacro %}
