{#- The rows of `relation` (a mart) a snapshot compares on this run: on an existing
    snapshot, those updated at or past its cutoff (its newest recorded `updated_at` minus
    the overlap). A row whose checked columns change is re-landed, so its `updated_at`
    moves; the rows left out are unchanged, and `hard_deletes: ignore` leaves their
    history as it is. Every row on the first run and on `--full-refresh`. -#}
{% macro snapshot_batch(relation) -%}
    select * from {{ relation }}
    {%- if execute and not flags.FULL_REFRESH and load_relation(this) is not none %}
    where updated_at >= {{ incremental_cutoff('updated_at') }}
    {%- endif %}
{%- endmacro %}

{#- dbt's snapshot staging query joins the rows a snapshot compares to the current
    versions of the snapshot (`snapshotted_data`), all of them: at 100,000 events and
    334,000 equipments, 782,000 activities, which Postgres materializes whole (the CTE is
    read twice) to compare a night's few thousand. With `hard_deletes: ignore` only the
    versions of the compared keys can change (insertions and updates join on the key),
    so these read only those: the same result from the versions of the night's batch
    (`snapshot_batch`). Other `hard_deletes` settings (and composite keys) keep dbt's. -#}
{% macro postgres__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {{ return(batch_snapshot_staging_table(strategy, source_sql, target_relation)) }}
{%- endmacro %}

{% macro duckdb__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {{ return(batch_snapshot_staging_table(strategy, source_sql, target_relation)) }}
{%- endmacro %}

{% macro batch_snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {%- if strategy.hard_deletes != 'ignore' or strategy.unique_key is not string -%}
        {{ return(dbt.default__snapshot_staging_table(strategy, source_sql, target_relation)) }}
    {%- endif -%}
    {%- set key = strategy.unique_key -%}
    {#- `snapshot_query` is dbt's CTE of the compared rows, defined before this is read -#}
    {%- set batch_versions -%}
        (
            select * from {{ target_relation }}
            where {{ key }} in (select {{ key }} from snapshot_query)
        ) as batch_versions
    {%- endset -%}
    {{ return(dbt.default__snapshot_staging_table(strategy, source_sql, batch_versions)) }}
{%- endmacro %}
