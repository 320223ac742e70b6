{#- Rules that judge two POIs to be the same event (int_pois_duplicates). -#}

{#- A name reduced to what tells events apart: lower case, accents folded, `st`/`ste`
    spelled `saint`/`sainte`, every non-alphanumeric character dropped
    ("10 Km de Paris", "10km de Paris" → `10kmdeparis`; "Trail de St-Malo" →
    `traildesaintmalo`). -#}
{% macro name_key(expression) -%}
    {%- set folded = "translate(lower(" ~ expression ~ "), "
        ~ "'àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæ', 'aaaaaaceeeeiiiinooooouuuuyyoa')" -%}
    {%- set saints = "regexp_replace(regexp_replace(" ~ folded
        ~ ", '(^|[^a-z0-9])st([^a-z0-9]|$)', '\\1saint\\2', 'g')"
        ~ ", '(^|[^a-z0-9])ste([^a-z0-9]|$)', '\\1sainte\\2', 'g')" -%}
    regexp_replace({{ saints }}, '[^a-z0-9]', '', 'g')
{%- endmacro %}

{#- Great-circle distance in metres between two WGS84 points (haversine). -#}
{% macro distance_between_m(lat1, lon1, lat2, lon2) -%}
    (
        2 * 6371000 * asin(sqrt(
            power(sin(radians({{ lat2 }} - {{ lat1 }}) / 2), 2)
            + cos(radians({{ lat1 }})) * cos(radians({{ lat2 }}))
            * power(sin(radians({{ lon2 }} - {{ lon1 }}) / 2), 2)
        ))
    )
{%- endmacro %}
