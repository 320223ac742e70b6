{#- The source table, or an empty typed relation while it has not been landed yet: a
    warehouse where a source was never ingested still builds (its staging reads as empty).
    The types are the `data_type`s declared in the source's YAML. -#}
{% macro source_or_empty(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {#- a unit test's fixture (no schema) is a relation that exists -#}
    {%- if execute and relation.schema is not none and load_relation(relation) is none -%}
        {%- set node = graph.sources.values()
            | selectattr('source_name', 'equalto', source_name)
            | selectattr('name', 'equalto', table_name)
            | first -%}
        (select
        {%- for name, column in node.columns.items() %}
            cast(null as {{ column.data_type }}) as {{ adapter.quote(name) }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
        where 1 = 0)
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- The column names of a relation, once it exists (empty while dbt only parses). -#}
{% macro column_names(relation) -%}
    {%- if execute -%}
        {{ return(adapter.get_columns_in_relation(relation) | map(attribute='name') | list) }}
    {%- endif -%}
    {{ return([]) }}
{%- endmacro %}

{#- Every dlt load committed in the warehouse: the `_dlt_loads` tables the sources declare
    whose raw schema exists, `columns` of each, as one relation aliased `loads`; none
    before any load. -#}
{% macro landed_dlt_loads(columns) -%}
    {%- set reads = [] -%}
    {%- for node in graph.sources.values() if node.name == '_dlt_loads' -%}
        {%- set loads = load_relation(source(node.source_name, node.name)) -%}
        {%- if loads is not none -%}
            {%- do reads.append('select ' ~ columns ~ ' from ' ~ loads) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('(' ~ reads | join(' union all ') ~ ') as loads' if reads else none) }}
{%- endmacro %}
