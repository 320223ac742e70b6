{#- Patterns shared by the incremental marts. -#}

{#- The mart's select list from its contract: every column of its YAML, in order, cast to
    its `data_type`. `expressions` maps a column to the SQL it is read from when that is
    not a column of the same name. A unit test's node has no contract (dbt builds it
    apart from the project's YAML): there the rows pass uncast, and dbt compares the
    expected columns after casting them to the actual ones. -#}
{% macro contract_columns(expressions={}) -%}
    {%- if model.columns %}
        {%- for name, column in model.columns.items() %}
    cast({{ expressions.get(name, name) }} as {{ column.data_type }}) as {{ name }}
            {{- ',' if not loop.last }}
        {%- endfor %}
    {%- else %}
    *
        {%- for name, expression in expressions.items() -%}
            , {{ expression }} as {{ name }}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}

{#- The rows of `relation` this run reads: all of them on a full build, those at or past
    the incremental cutoff of `column` on an incremental one. -#}
{% macro incremental_batch(relation, column='updated_at', columns='*') -%}
    select {{ columns }} from {{ relation }}
    {%- if is_incremental() %}
    where {{ column }} >= {{ incremental_cutoff(column) }}
    {%- endif %}
{%- endmacro %}

{#- POIs (re-)landed at or past the mart's cutoff (`poi_id`, `updated_at`): a mart whose rows
    hang off a POI re-reads what hangs off these. Incremental runs only. -#}
{% macro relanded_pois() -%}
    select
        poi_id,
        updated_at
    from {{ ref('int_pois_cleaned') }}
    where updated_at >= {{ incremental_cutoff('updated_at') }}
{%- endmacro %}
