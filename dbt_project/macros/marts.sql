{#- The marts' select lists, written once: in their YAML contracts. -#}

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
