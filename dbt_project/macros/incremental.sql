{#- The lower bound of an incremental batch: the newest `column` already in the mart minus
    `incremental_overlap_hours`. Rows re-read inside the overlap are replaced, not
    duplicated, by the delete+insert on the deterministic unique key. An empty mart
    (first run after a manual truncate) reads everything. -#}
{% macro incremental_cutoff(column, relation=this) -%}
    (
        select
            coalesce(
                max({{ column }}),
                cast('1900-01-01 00:00:00+00' as timestamp with time zone)
            ) - interval '{{ var("incremental_overlap_hours") }} hours'
        from {{ relation }}
    )
{%- endmacro %}

{#- Rows of the latest dbt snapshot version of `snapshot_identifier` whose key no longer
    comes from the sources, as inactive tombstones. Used on a full refresh of a mart whose
    raw rows can disappear (a race removed from its event): the rebuilt mart keeps the
    same content as the incremental one. Nothing on the very first build. -#}
{% macro snapshot_tombstones(snapshot_identifier, columns, unique_key, current_relation) -%}
    {%- if execute -%}
        {%- set history = adapter.get_relation(
            database=this.database,
            schema=generate_schema_name('snapshots', none),
            identifier=snapshot_identifier) -%}
        {%- if history is not none %}
    union all
    select
        {%- for column in columns %}
        {{ 'false' if column == 'is_active' else 'history.' ~ column }} as {{ column }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ history }} as history
    where
        history.dbt_valid_to is null
        and not exists (
            select 1 from {{ current_relation }} as current_rows
            where current_rows.{{ unique_key }} = history.{{ unique_key }}
        )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
