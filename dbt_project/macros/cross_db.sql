{#- Portable SQL helpers: DuckDB (dev) and Postgres (prod) differ on these. -#}

{#- True when `expression` contains a match of the POSIX-ish `pattern` (partial match).
    DuckDB's `~` is a full match, Postgres's a partial one: never use `~` directly. -#}
{% macro regexp_like(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_like', 'bouge')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_like(expression, pattern) -%}
    ({{ expression }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regexp_like(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{#- dlt's `_dlt_load_id` is the load's start as a Unix epoch string ("1732800000.123456"). -#}
{% macro load_id_to_timestamp(load_id) -%}
    to_timestamp(cast({{ load_id }} as double precision))
{%- endmacro %}

{#- Deterministic key: hash of the given expressions, null-safe, '|'-separated. -#}
{% macro surrogate_key(expressions) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- do parts.append("coalesce(cast(" ~ expression ~ " as text), '')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
