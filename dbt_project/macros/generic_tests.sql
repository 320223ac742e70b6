{#- Generic data test: every non-null value matches its regular expression: of the
    column and `pattern`, or, on a model, of each of `columns` (a list, with `pattern`, or a
    mapping of column to pattern). One query and one node for all the columns (a night
    runs a node per test): a failing row names its first failing column and value. -#}
{% test matches_pattern(model, column_name=none, pattern=none, columns=none) %}

    {%- set failures = [] %}
    {%- for column in columns or [column_name] %}
        {%- set column_pattern = columns[column] if columns is mapping else pattern %}
        {%- do failures.append((column, 'not ' ~ regexp_like(column, column_pattern))) %}
    {%- endfor %}
    {{ failing_columns(model, failures) }}

{% endtest %}

{#- Generic data test: the column (or the combination of `columns`) identifies a row: no
    row has it null (any of `columns`), no two rows share it. `unique` and `not_null` in
    one query and one node: a night runs a node per test, and dbt's own work per node
    costs as much as a night's query on the warehouse. -#}
{% test primary_key(model, column_name=none, columns=none) %}

    {%- set keys = columns or [column_name] %}

    select
        {{ keys | join(', ') }},
        count(*) as n_records
    from {{ model }}
    group by {{ keys | join(', ') }}
    having
        count(*) > 1
        {%- for key in keys %}
            or {{ key }} is null
        {%- endfor %}

{% endtest %}

{#- Generic data test: no markup in a text column (`column_name`, or on a model each of
    `columns`): no `<` followed by a letter, `/`, `!` or `?` (ingestion.html_text.MARKUP).
    In `html_columns`, the sanitizer's allowlist (bare p, br, ul, ol, li, strong, em; a
    with an http(s) href and rel="nofollow noopener") is removed first: anything else left
    is a failure. One query and one node for all the columns (a night runs a node per
    test): a failing row names its first failing column and value. -#}
{% test no_markup(model, column_name=none, columns=none, html_columns=[]) %}

    {#- what may follow a `<` in sanitized HTML -#}
    {%- set allowed = [
        '/?(p|br|ul|ol|li|strong|em)>',
        'a( href="https?://[^"<>]*")? rel="nofollow noopener">',
        '/a>',
    ] -%}
    {%- set failures = [] %}
    {%- for column in columns or ([column_name] if column_name else []) %}
        {%- do failures.append((column, regexp_like(column, '<[A-Za-z/!?]'))) %}
    {%- endfor %}
    {%- for column in html_columns %}
        {%- set stripped = "regexp_replace(" ~ column ~ ", '<"
            ~ allowed | join('|<') ~ "', '', 'g')" %}
        {%- do failures.append((column, tag_outside(column, allowed) ~ ' and '
            ~ regexp_like(stripped, '<[A-Za-z/!?]'))) %}
    {%- endfor %}
    {{ failing_columns(model, failures) }}

{% endtest %}

{#- The rows of `model` that fail a column's condition, with the first failing column and
    its value: `failures` is a list of (column, SQL true when the value fails). A null
    value fails no condition (the conditions are null). -#}
{% macro failing_columns(model, failures) -%}
    select
        failing_column,
        case failing_column
            {%- for column, failing in failures %}
                when '{{ column }}' then cast({{ column }} as text)
            {%- endfor %}
        end as failing_value
    from (
        select
            *,
            case
                {%- for column, failing in failures %}
                    when {{ failing }} then '{{ column }}'
                {%- endfor %}
            end as failing_column
        from {{ model }}
    ) as checked
    where failing_column is not null
{%- endmacro %}

{#- A cheap first pass of `no_markup` on `html_columns`: `column` has a `<` that does
    not begin an allowed tag (`allowed`: what may follow it). A value without one passes
    the test (removing the allowed tags then removes every `<`), so the test removes
    tags only where this holds: on Postgres, 0.09 s instead of 0.85 s for a night's 8,600
    descriptions (11 MB). DuckDB's regular expressions have no lookahead: no first pass
    (true). -#}
{% macro tag_outside(column, allowed) -%}
    {{ return(adapter.dispatch('tag_outside')(column, allowed)) }}
{%- endmacro %}

{% macro default__tag_outside(column, allowed) -%}
    true
{%- endmacro %}

{% macro postgres__tag_outside(column, allowed) -%}
    ({{ column }} ~ '<(?!({{ allowed | join('|') }}))')
{%- endmacro %}

{#- What a data test reads (dbt's hook for the `where` config, overridden). On an
    incremental build, a data test reads only the rows of the night
    (`nightly_test_window`): the rows a night inserted or replaced are all inside it, so
    the tests still catch whatever the night broke, at the cost of the night's rows instead
    of the whole relation. The full set runs on `--full-refresh` and with the var
    `full_tests: true` (the nightly passes it once a week); a `where` config wins. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
    {%- endif -%}
    {%- set rows = night_rows(relation) -%}
    {{ return(rows ~ ' dbt_subquery' if rows != relation | string else relation) }}
{%- endmacro %}

{#- What a data test of `relation` reads, as SQL for a `from`: on an incremental build the
    night's rows (`nightly_test_window`), and the rows whose window column is null (no
    night would ever read them, and a `not_null` test of that column could not fail), as
    a subquery; else the relation. The generic tests get it through `get_where_subquery`,
    the singular tests call it. -#}
{% macro night_rows(relation) -%}
    {%- set window = nightly_test_window(relation) -%}
    {%- if window is none -%}
        {{ return(relation | string) }}
    {%- endif -%}
    {%- set window_seconds = (var('nightly_test_window_hours') * 3600) | int -%}
    {{ return(
        '(select * from ' ~ relation ~ ' where ' ~ window.column ~ ' >= ' ~ window.newest
        ~ ' - interval \'' ~ window_seconds ~ ' seconds\' or ' ~ window.column ~ ' is null)'
    ) }}
{%- endmacro %}

{#- The night's rows of `relation` for its data tests, as `{column, newest}`: those whose
    `column` is within `nightly_test_window_hours` of `newest` (a SQL timestamp literal, so
    that the planner sizes the range from statistics: with the index on `updated_at`
    (Postgres), a test reads the night's rows, not the table twice). None, and the test
    reads every row, on a full refresh, with `full_tests`, and for a relation that is
    neither of:
    - an incremental model or a snapshot with `updated_at` (else `loaded_at`, the
      installations of Data ES): its newest value;
    - a view with `loaded_at` (staging, the unions): the newest dlt load committed in any
      raw schema. A view's row is read from raw rows landed with it, so a row the night
      landed or re-landed is inside; old rows were tested the night they landed. -#}
{% macro nightly_test_window(relation) -%}
    {%- if not execute or flags.FULL_REFRESH or var('full_tests') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type in ['model', 'snapshot']
            and (node.alias or node.name) == relation.identifier
            and node.schema == relation.schema -%}
            {%- set column = night_column(node) -%}
            {%- if node.config.materialized in ['incremental', 'snapshot'] and column -%}
                {%- set newest = newest_literal(column, relation) -%}
                {{ return({'column': column, 'newest': newest} if newest else none) }}
            {%- elif node.config.materialized == 'view' and 'loaded_at' in node.columns -%}
                {%- set newest = newest_dlt_load_literal() -%}
                {{ return({'column': 'loaded_at', 'newest': newest} if newest else none) }}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{#- The commit time of the newest dlt load of every raw schema landed (the `_dlt_loads`
    tables the sources declare), as a SQL timestamp literal; none before any load. -#}
{% macro newest_dlt_load_literal() -%}
    {%- set loads = landed_dlt_loads('inserted_at') -%}
    {{ return(none if loads is none else newest_literal('inserted_at', loads)) }}
{%- endmacro %}
