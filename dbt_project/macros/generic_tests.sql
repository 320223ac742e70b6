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
