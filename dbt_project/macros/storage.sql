{#- How DuckDB writes a night (on-run-start; nothing on Postgres). A night rewrites a few
    thousand rows of each table by delete+insert. By default DuckDB writes such an insert
    to new blocks of its own before the commit ("optimistic writes"): every table a night
    changes gains a small row group, and the checkpoint that follows merges them back
    ("vacuum"). That checkpoint, at the commit of whichever node passes the WAL's
    threshold, cost a night 2.3–3.1 s on the critical path at 100,000 events + 334,000
    equipments, two thirds of it vacuuming (bench/BASELINE.md). On an incremental run:
    - optimistic writes off: the night's rows go through the WAL (13 MB a night instead
      of 66), and are written once, at the checkpoint;
    - vacuum off, except on the weekly `full_tests` run: the week's small row groups and
      deleted rows stay until that run's checkpoint merges them.
    A `--full-refresh` writes whole tables, which optimistic writes are for: it keeps
    DuckDB's defaults (with them off, its peak RSS went from 903 to 988 MB). -#}
{% macro night_write_settings() -%}
    {{ return(adapter.dispatch('night_write_settings')()) }}
{%- endmacro %}

{% macro default__night_write_settings() -%}
{%- endmacro %}

{% macro duckdb__night_write_settings() -%}
    {%- if execute and not flags.FULL_REFRESH -%}
        set enable_optimistic_write = false
        {%- if not var('full_tests') %};
        set max_vacuum_tasks = 0
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
