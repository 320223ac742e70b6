{#- Generic normalisation rules shared by every source (used by the intermediate models,
    each covered by a unit test there). -#}

{#- Round half up to a whole number, the same on both warehouses (Postgres rounds a
    double half to even: round(2.5) = 2; DuckDB gives 3). -#}
{% macro round_half_up(expression=none) -%}
    floor(({{ expression if expression is not none else caller() }}) + 0.5)
{%- endmacro %}

{#- A distance as published → whole metres (rounded: 26.2 miles is 42165 m, not
    42164.8128); null for a timed race (`minutes`) or an unknown unit. A "metres" value
    under 100 whose title names a distance in km ("Course 10 km" with distance 10) was
    typed in km: it is converted. -#}
{% macro distance_to_metres(distance, unit, title=none) -%}
    {% call round_half_up() -%}
    case lower(coalesce({{ unit }}, 'meters'))
        {%- if title is not none %}
        when 'meters' then
            case
                when
                    {{ distance }} < 100
                    and {{ regexp_like('lower(' ~ title ~ ')', '[0-9] ?km([^a-z]|$)') }}
                    then {{ distance }} * 1000
                else {{ distance }}
            end
        {%- else %}
        when 'meters' then {{ distance }}
        {%- endif %}
        when 'metres' then {{ distance }}
        when 'm' then {{ distance }}
        when 'kilometers' then {{ distance }} * 1000
        when 'kilometres' then {{ distance }} * 1000
        when 'km' then {{ distance }} * 1000
        when 'miles' then {{ distance }} * 1609.344
        when 'mi' then {{ distance }} * 1609.344
    end
    {%- endcall %}
{%- endmacro %}

{#- Timed races publish their duration in the distance field (unit `minutes`); whole
    minutes. -#}
{% macro duration_minutes(distance, unit) -%}
    {% call round_half_up() -%}
    case
        when lower({{ unit }}) in ('minutes', 'min') then {{ distance }}
        when lower({{ unit }}) in ('hours', 'h') then {{ distance }} * 60
    end
    {%- endcall %}
{%- endmacro %}

{#- Elevation in metres, or null when it cannot be trusted: negative; 0 on an off-road
    discipline (0 means "unknown" there, not flat); more than `max_climb_m_per_km` metres per
    km of course (e.g. 16,660 m on 18 km) unless the discipline is a vertical race. -#}
{% macro plausible_elevation(elevation, distance_m, discipline) -%}
    case
        when {{ elevation }} is null or {{ elevation }} < 0 then null
        when
            {{ elevation }} = 0
            and lower({{ discipline }}) in (
                'trail', 'mountain', 'mountain_running', 'skyrunning', 'vertical_race',
                'cross', 'mountain_biking', 'snow_trail', 'ski_touring', 'nordic'
            )
            then null
        when
            {{ distance_m }} > 0
            and lower({{ discipline }}) not like '%vertical%'
            and {{ elevation }} > {{ var('max_climb_m_per_km') }} * {{ distance_m }} / 1000.0
            then null
        else {{ elevation }}
    end
{%- endmacro %}

{#- Children's race: a known distance under `kids_max_distance_m`, or a title word. -#}
{% macro is_kids_race(distance_m, title) -%}
    (
        coalesce({{ distance_m }} < {{ var('kids_max_distance_m') }}, false)
        or coalesce(
            {{ regexp_like(
                'lower(' ~ title ~ ')',
                "(^|[^a-zà-ÿœ])(enfants?|kids?|poussins?|benjamins?|minimes?|mini|p[^a-z ]?tits?|eveil|éveil|babys?|juniors?)([^a-zà-ÿœ]|$)"
            ) }},
            false
        )
    )
{%- endmacro %}

{#- Race / edition status → confirmed | tba | cancelled | rescheduled | other. -#}
{% macro normalise_status(status) -%}
    case lower(trim({{ status }}))
        when 'confirmed' then 'confirmed'
        when 'tba' then 'tba'
        when 'cancelled' then 'cancelled'
        when 'canceled' then 'cancelled'
        when 'rescheduled' then 'rescheduled'
        when 'postponed' then 'rescheduled'
        else 'other'
    end
{%- endmacro %}

{#- ISO 3166-1 alpha-2, upper case; the usual non-ISO aliases fixed; anything else → null. -#}
{% macro iso_country_code(expression) -%}
    {%- set code = "upper(trim(" ~ expression ~ "))" -%}
    case
        when {{ code }} = 'UK' then 'GB'
        when {{ code }} = 'EL' then 'GR'
        when {{ regexp_like(code, '^[A-Z]{2}$') }} then {{ code }}
    end
{%- endmacro %}

{#- A French numeric code (`code`, text) matching `pattern`, else null; 4 digits are a
    code whose leading zero was lost (read as a number somewhere): the zero is put back. -#}
{% macro zero_padded_code(code, pattern) -%}
    case
        when {{ regexp_like(code, '^[0-9]{4}$') }} then '0' || {{ code }}
        when {{ regexp_like(code, pattern) }} then {{ code }}
    end
{%- endmacro %}

{#- INSEE commune code as text: 5 digits, or 2A/2B + 3 digits (Corsica); a 4-digit number
    whose leading zero was lost is repaired; anything else → null. -#}
{% macro valid_insee_code(expression) -%}
    {{ zero_padded_code("upper(trim(cast(" ~ expression ~ " as text)))", '^([0-9]{5}|2[AB][0-9]{3})$') }}
{%- endmacro %}

{#- French postal code as text: 5 digits (leading zero repaired), else null. -#}
{% macro valid_postal_code(expression) -%}
    {{ zero_padded_code("trim(cast(" ~ expression ~ " as text))", '^[0-9]{5}$') }}
{%- endmacro %}
