{#- Generic text rules shared by every source. HTML → text is NOT done here: each
    source's parser calls ingestion.html_text at parse time (a real HTML parser; SQL has
    none), so the rule lives in one place. The parsers keep no-break spaces as published:
    reading them as spaces is done here, once, for every source. -#}

{#- No-break (U+00A0), thin no-break (U+202F), thin (U+2009) and figure (U+2007) spaces
    → plain spaces. -#}
{% macro plain_spaces(expression) -%}
    replace(replace(replace(replace(
        {{ expression }},
        chr(160), ' '), chr(8239), ' '), chr(8201), ' '), chr(8199), ' ')
{%- endmacro %}

{#- Trim, turn no-break / thin no-break spaces and line breaks into spaces, collapse runs
    of spaces; empty → null. -#}
{% macro clean_text(expression) -%}
    nullif(
        trim(
            regexp_replace(
                replace(replace({{ plain_spaces(expression) }}, chr(10), ' '), chr(13), ' '),
                ' {2,}', ' ', 'g'
            )
        ),
        ''
    )
{%- endmacro %}

{#- Text of several lines (a description, one line per paragraph): blanks as in
    clean_text, but a run of blanks holding a line break is one line break; lines trimmed,
    empty → null. -#}
{% macro clean_lines(expression) -%}
    nullif(
        regexp_replace(
            regexp_replace(
                regexp_replace(replace({{ plain_spaces(expression) }}, chr(13), ' '), ' {2,}', ' ', 'g'),
                ' ?\n[ \n]*', chr(10), 'g'
            ),
            '^[ \n]+|[ \n]+$', '', 'g'
        ),
        ''
    )
{%- endmacro %}
