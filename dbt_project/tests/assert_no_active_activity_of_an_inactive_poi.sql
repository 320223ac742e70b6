-- An activity cannot be listed when its POI is not (an unlisted event's races are inactive).
select activity.activity_id
from {{ ref('activity') }} as activity
inner join {{ ref('poi') }} as poi
    on activity.poi_id = poi.poi_id
where activity.is_active and not poi.is_active
