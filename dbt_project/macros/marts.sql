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

{#- The `not_null` constraints of the marts' contracts, in force on tables built before
    they were declared (on-run-start). A contract's constraints are written when dbt
    creates a table, which an incremental mart's later runs never do: this adds those
    missing to an existing mart (`alter column ... set not null`, which fails the run if
    a null is already there). Once in force, a night costs one catalog query; the marts'
    `not_null` columns then need no data test, the warehouse refuses a null row. -#}
{% macro not_null_constraints_in_force() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set declared = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model'
        and node.config.contract.enforced -%}
        {%- for column in node.columns.values()
            if 'not_null' in column.constraints | map(attribute='type') | list -%}
            {%- do declared.append((node.schema, node.alias or node.name, column.name)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not declared -%}
        {{ return('') }}
    {%- endif -%}
    {%- set schemas = declared | map(attribute=0) | unique | list -%}
    {%- set nullable = run_query(
        "select table_schema, table_name, column_name from information_schema.columns"
        ~ " where is_nullable = 'YES' and table_catalog = current_database()"
        ~ " and table_schema in ('" ~ schemas | join("', '") ~ "')"
    ) -%}
    {%- set statements = [] -%}
    {%- for row in nullable.rows if (row[0], row[1], row[2]) in declared -%}
        {%- set relation = api.Relation.create(
            database=target.database, schema=row[0], identifier=row[1]) -%}
        {%- do statements.append(
            'alter table ' ~ relation ~ ' alter column ' ~ adapter.quote(row[2]) ~ ' set not null') -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}
