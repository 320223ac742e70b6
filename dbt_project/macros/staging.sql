{#- A raw table of a dlt pipeline, every column, with `loaded_at`: when its dlt load
    committed. A load package resumed after a crash keeps its old `_dlt_load_id`, so the
    load id alone could fall before the incremental cutoff: `loaded_at` is the commit time
    (`_dlt_loads.inserted_at`, the latest one if the commit was recorded twice), and the
    load id's time only while the load is unfinished. `optional`: a source not landed yet
    reads as empty (source_or_empty). -#}
{% macro dlt_loaded_at(source_name, table_name, optional=false) -%}
    {%- set read = source_or_empty if optional else source -%}
    (
        select
            landed.*,
            coalesce(
                cast(loads.committed_at as timestamp with time zone),
                {{ load_id_to_timestamp('landed._dlt_load_id') }}
            ) as loaded_at
        from {{ read(source_name, table_name) }} as landed
        left join (
            select
                dlt_loads.load_id,
                max(dlt_loads.inserted_at) as committed_at
            from {{ read(source_name, '_dlt_loads') }} as dlt_loads
            group by dlt_loads.load_id
        ) as loads
            on landed._dlt_load_id = loads.load_id
    )
{%- endmacro %}
