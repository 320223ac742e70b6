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

{#- `duplicate` and `keeper` (relations with `start_date`, `name_numbers`, `seen_at`,
    `poi_id`, `insee_code`, `latitude`, `longitude`) can be the same event: the same day
    and name numbers, `keeper` seen first, and the same commune or start points within
    `duplicate_max_distance_m`. -#}
{% macro same_event_place_and_day(duplicate, keeper) -%}
    {{ duplicate }}.start_date = {{ keeper }}.start_date
    and {{ duplicate }}.name_numbers = {{ keeper }}.name_numbers
    and (
        {{ duplicate }}.seen_at > {{ keeper }}.seen_at
        or (
            {{ duplicate }}.seen_at = {{ keeper }}.seen_at
            and {{ duplicate }}.poi_id > {{ keeper }}.poi_id
        )
    )
    and (
        {{ duplicate }}.insee_code = {{ keeper }}.insee_code
        or (
            {#- the north-south distance alone is no longer than the great circle: a cheap
                bound that spares most of the day's pairs the trigonometry -#}
            6371000 * radians(abs({{ duplicate }}.latitude - {{ keeper }}.latitude))
            <= {{ var('duplicate_max_distance_m') }}
            and {{ distance_between_m(
                duplicate ~ '.latitude', duplicate ~ '.longitude',
                keeper ~ '.latitude', keeper ~ '.longitude'
            ) }} <= {{ var('duplicate_max_distance_m') }}
        )
    )
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

{#- For each candidate pair (`pair_id`, `poi_id`, `keeper_poi_id`): how many `item` values
    each POI has in `items` (one row per POI and distinct item) and how many the two
    share. -#}
{% macro pair_overlap(candidates, items, item) -%}
    {%- set totals = "(select poi_id, count(*) as total from " ~ items ~ " group by poi_id)" -%}
    select
        {{ candidates }}.pair_id,
        coalesce(duplicate_totals.total, 0) as duplicate_total,
        coalesce(keeper_totals.total, 0) as keeper_total,
        coalesce(shared.shared, 0) as shared
    from {{ candidates }}
    left join {{ totals }} as duplicate_totals
        on {{ candidates }}.poi_id = duplicate_totals.poi_id
    left join {{ totals }} as keeper_totals
        on {{ candidates }}.keeper_poi_id = keeper_totals.poi_id
    left join (
        select
            pairs.pair_id,
            count(*) as shared
        from {{ candidates }} as pairs
        inner join {{ items }} as duplicate_items
            on pairs.poi_id = duplicate_items.poi_id
        {# One composite key, not two conditions: with `poi_id` and the item apart, DuckDB
            may join the two item lists on the item alone first (every POI sharing a
            common trigram: 22 s instead of 0.6 s at 12,000 events). #}
        inner join {{ items }} as keeper_items
            on
                pairs.keeper_poi_id || '|' || duplicate_items.{{ item }}
                = keeper_items.poi_id || '|' || keeper_items.{{ item }}
        group by pairs.pair_id
    ) as shared
        on {{ candidates }}.pair_id = shared.pair_id
{%- endmacro %}
