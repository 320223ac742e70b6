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
