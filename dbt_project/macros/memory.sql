{#- DuckDB: a lower memory cap while a snapshot builds (a pre-hook of the snapshots; their
    post-hook puts the profile's cap back; nothing on Postgres). A snapshot's first build
    copies its whole mart: `poi`'s two texts are 530 MB at 100,000 events, more than
    dbt's cap (profiles.yml, 512 MB). DuckDB runs inside dbt's process, which holds more
    by the end of a full refresh, and that statement took the process 110 MB above every
    other node: 903 MB, against 724 MB for a whole full refresh at 10,000 events
    (bench/BASELINE.md). Under `snapshot_memory_limit` DuckDB writes the copy out
    sooner, in the same time (6.7 s alone, at 256 MB as at 512 MB). A night's snapshot
    compares a few thousand rows, far below either cap. -#}
{% macro snapshot_memory_limit() -%}
    {{ return(adapter.dispatch('snapshot_memory_limit')()) }}
{%- endmacro %}

{% macro default__snapshot_memory_limit() -%}
{%- endmacro %}

{% macro duckdb__snapshot_memory_limit() -%}
    set memory_limit = '{{ var("snapshot_memory_limit") }}'
{%- endmacro %}

{% macro profile_memory_limit() -%}
    {{ return(adapter.dispatch('profile_memory_limit')()) }}
{%- endmacro %}

{% macro default__profile_memory_limit() -%}
{%- endmacro %}

{% macro duckdb__profile_memory_limit() -%}
    {%- set limit = (target.get('settings') or {}).get('memory_limit') -%}
    {%- if limit -%}
        set memory_limit = '{{ limit }}'
    {%- else -%}
        reset memory_limit
    {%- endif -%}
{%- endmacro %}
