{#- Generic text rules shared by every source. -#}

{#- Trim, turn no-break / thin no-break spaces and line breaks into spaces, collapse runs
    of spaces; empty → null. -#}
{% macro clean_text(expression) -%}
    nullif(
        trim(
            regexp_replace(
                replace(replace(replace(replace(replace(
                    {{ expression }},
                    chr(160), ' '), chr(8239), ' '), chr(8201), ' '), chr(10), ' '), chr(13), ' '),
                ' {2,}', ' ', 'g'
            )
        ),
        ''
    )
{%- endmacro %}

{#- Named entities decoded by html_to_text (&amp; last, so "&amp;lt;" stays "&lt;"). -#}
{% macro _html_named_entities() -%}
    {{ return({
        'nbsp': 160, 'quot': 34, 'apos': 39, 'lt': 60, 'gt': 62,
        'eacute': 233, 'egrave': 232, 'ecirc': 234, 'euml': 235, 'agrave': 224, 'acirc': 226,
        'ccedil': 231, 'ocirc': 244, 'ucirc': 251, 'ugrave': 249, 'icirc': 238, 'iuml': 239,
        'Eacute': 201, 'Egrave': 200, 'Agrave': 192, 'Ccedil': 199,
        'rsquo': 8217, 'lsquo': 8216, 'ldquo': 8220, 'rdquo': 8221, 'laquo': 171,
        'raquo': 187, 'ndash': 8211, 'mdash': 8212, 'hellip': 8230, 'euro': 8364,
        'deg': 176, 'middot': 183, 'oelig': 339, 'copy': 169, 'reg': 174
    }) }}
{%- endmacro %}

{#- Numeric entities decoded: the ASCII punctuation and the Latin-1 / typographic
    characters found in French event pages (SQL has no regexp callback to decode all). -#}
{% macro _html_numeric_entities() -%}
    {{ return([
        34, 38, 39, 60, 62, 160, 171, 176, 187, 192, 199, 200, 201, 224, 226, 231, 232, 233,
        234, 235, 238, 239, 244, 249, 251, 339, 8201, 8211, 8212, 8216, 8217, 8220, 8221,
        8230, 8239, 8364
    ]) }}
{%- endmacro %}

{#- HTML → plain text: script/style blocks dropped, tags become spaces, entities decoded,
    whitespace cleaned as in clean_text. -#}
{% macro html_to_text(expression) -%}
    {%- set without_scripts = "regexp_replace(" ~ expression
        ~ ", '<(script|style)[^>]*>([^<]|<[^/])*</(script|style)>', ' ', 'g')" -%}
    {%- set ns = namespace(sql="regexp_replace(" ~ without_scripts ~ ", '<[^>]*>', ' ', 'g')") -%}
    {%- for name, code in _html_named_entities().items() -%}
        {%- set ns.sql = "replace(" ~ ns.sql ~ ", '&" ~ name ~ ";', chr(" ~ code ~ "))" -%}
    {%- endfor -%}
    {%- for code in _html_numeric_entities() if code != 38 -%}
        {%- set ns.sql = "replace(replace(" ~ ns.sql ~ ", '&#" ~ code ~ ";', chr(" ~ code ~ ")), '&#x"
            ~ ('%x' % code) ~ ";', chr(" ~ code ~ "))" -%}
    {%- endfor -%}
    {%- set ns.sql = "replace(replace(replace(" ~ ns.sql ~ ", '&#039;', chr(39)), '&#38;', '&'), '&amp;', '&')" -%}
    {{ clean_text(ns.sql) }}
{%- endmacro %}

{#- A link wrapped by the source as `/external?url=<percent-encoded>&event=...` → the
    target URL (the ingestion unwraps already; this keeps the mart safe if one slips
    through). Absolute links pass unchanged, blanks become null. -#}
{% macro unwrap_external_url(expression) -%}
    case
        when {{ regexp_like(expression, '^(https?://[^/]+)?/external[?]') }}
            then
                {%- set ns = namespace(sql=dbt.split_part(dbt.split_part(expression, "'url='", 2), "'&'", 1)) -%}
                {%- for escaped, char in [('%3A', ':'), ('%2F', '/'), ('%3F', '?'), ('%3D', '='),
                                           ('%26', '&'), ('%23', '#'), ('%2B', '+'), ('%20', ' '),
                                           ('%40', '@'), ('%2C', ','), ('%25', '%')] -%}
                    {%- set ns.sql = "replace(replace(" ~ ns.sql ~ ", '" ~ escaped ~ "', '" ~ char ~ "'), '"
                        ~ escaped | lower ~ "', '" ~ char ~ "')" -%}
                {%- endfor %}
                {{ ns.sql }}
        else nullif(trim({{ expression }}), '')
    end
{%- endmacro %}
