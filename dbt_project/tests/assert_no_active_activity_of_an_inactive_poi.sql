{#- An activity cannot be listed when its POI is not (an unlisted event's races are
    inactive). On an incremental build, the pairs of which the night rewrote either side
    (`night_rows`); every pair on a full run. -#}
{%- set activities = night_rows(ref('activity')) %}
{%- set pois = night_rows(ref('poi')) %}

select activity.activity_id
from {{ activities }} as activity
inner join {{ ref('poi') }} as poi
    on activity.poi_id = poi.poi_id
where activity.is_active and not poi.is_active
{%- if pois != ref('poi') | string %}
    union
    select activity.activity_id
    from {{ ref('activity') }} as activity
    inner join {{ pois }} as poi
        on activity.poi_id = poi.poi_id
    where activity.is_active and not poi.is_active
{%- endif %}
