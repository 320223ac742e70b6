{#- Generic data test: every non-null value of the column matches the regular expression. -#}
{% test matches_pattern(model, column_name, pattern) %}

    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and not {{ regexp_like(column_name, pattern) }}

{% endtest %}

{#- Generic data test: no two rows share the same combination of `columns`. -#}
{% test unique_combination_of_columns(model, columns) %}

    select {{ columns | join(', ') }}
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1

{% endtest %}

{#- Generic data test: no markup in a text column: no `<` followed by a letter, `/`, `!`
    or `?` (ingestion.html_text.MARKUP). With `allowed_html`, the sanitizer's allowlist
    (bare p, br, ul, ol, li, strong, em; a with an http(s) href and rel="nofollow
    noopener") is removed first: anything else left is a failure. -#}
{% test no_markup(model, column_name, allowed_html=false) %}

    {%- set checked = column_name -%}
    {%- if allowed_html -%}
        {%- set checked = "regexp_replace(" ~ column_name ~ ", "
            ~ "'</?(p|br|ul|ol|li|strong|em)>|<a( href=\"https?://[^\"<>]*\")? rel=\"nofollow noopener\">|</a>', "
            ~ "'', 'g')" -%}
    {%- endif %}

    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and {{ regexp_like(checked, '<[A-Za-z/!?]') }}

{% endtest %}

{#- What a data test reads (dbt's hook for the `where` config, overridden). On an
    incremental build, the data tests of an incremental model or a snapshot read only its
    rows of the night: `updated_at` within `nightly_test_window_hours` of its newest row.
    A night only inserts or replaces rows of its batch (all of them newer than that), so
    this still catches whatever the night broke, at the cost of the night's rows instead
    of the whole table. The full set runs on `--full-refresh` and with the var
    `full_tests: true` (the nightly passes it once a week); a `where` config wins. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set column = nightly_test_column(relation) -%}
    {%- if where -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
    {%- elif column -%}
        {%- set window_seconds = (var('nightly_test_window_hours') * 3600) | int -%}
        {#- the newest value as a literal, as incremental_cutoff: with the index on the
            column (Postgres), the test reads the night's rows, not the table twice -#}
        {%- set newest = newest_literal(column, relation) -%}
        {%- if newest is none -%}
            {{ return(relation) }}
        {%- endif -%}
        {{ return(
            '(select * from ' ~ relation ~ ' where ' ~ column ~ ' >= ' ~ newest
            ~ ' - interval \'' ~ window_seconds ~ ' seconds\') dbt_subquery'
        ) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{#- The column the tests of `relation` are cut on tonight (`updated_at`), or none: on a full
    refresh, with `full_tests`, and for a relation that is not an incremental model or a
    snapshot with an `updated_at` column (views, tables rebuilt whole, sources). -#}
{% macro nightly_test_column(relation) -%}
    {%- if not execute or flags.FULL_REFRESH or var('full_tests') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type in ['model', 'snapshot']
            and (node.alias or node.name) == relation.identifier
            and node.schema == relation.schema
            and node.config.materialized in ['incremental', 'snapshot']
            and 'updated_at' in node.columns -%}
            {{ return('updated_at') }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}
