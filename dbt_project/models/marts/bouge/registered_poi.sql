{{ config(unique_key='poi_id') }}

{#- Built from the dbt snapshot of `poi`, the only place that remembers every content
    version: a full refresh gives the same versions as the incremental runs. -#}

with

history as (

    select * from {{ ref('poi_snapshot') }}
    {% if is_incremental() %}
        where poi_id in (
            select changed.poi_id from {{ ref('poi_snapshot') }} as changed
            where changed.updated_at >= {{ incremental_cutoff('updated_at') }}
        )
    {% endif %}

),

versions as (

    select
        poi_id,
        source,
        original_id,
        content_hash,
        first_seen_at,
        updated_at,
        dbt_valid_to,
        case
            when
                lag(content_hash) over (partition by poi_id order by dbt_valid_from) is null
                or lag(content_hash) over (partition by poi_id order by dbt_valid_from)
                <> content_hash
                then 1
            else 0
        end as is_new_version
    from history

),

registered as (

    {#- qualified: DuckDB would take `updated_at` for the alias of this select -#}
    select
        versions.poi_id,
        min(versions.source) as source,
        min(versions.original_id) as original_id,
        max(case when versions.dbt_valid_to is null then versions.content_hash end) as content_hash,
        sum(versions.is_new_version) as version,
        min(versions.first_seen_at) as first_registered_at,
        max(case when versions.is_new_version = 1 then versions.updated_at end) as last_changed_at,
        max(versions.updated_at) as updated_at
    from versions
    group by versions.poi_id

)

select
    {{- contract_columns() }}
from registered
