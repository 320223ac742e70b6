{#- The lower bound of an incremental batch: the newest `column` already in the mart minus
    `incremental_overlap_hours`. Rows re-read inside the overlap are replaced, not
    duplicated, by the delete+insert on the deterministic unique key. An empty mart
    (first run after a manual truncate) reads everything.
    The newest value is read when the model compiles and written into its SQL as a
    literal: the planner then estimates a night's batch from the column's statistics
    (a few thousand rows) instead of a third of the table (Postgres' guess for a
    comparison with a subquery's result), which made it join every POI to every other
    before keeping the batch's pairs. A unit test (its `this` is a fixture) keeps the
    subquery. -#}
{% macro incremental_cutoff(column, relation=this) -%}
    {%- set overlap = "interval '" ~ var("incremental_overlap_hours") ~ " hours'" -%}
    {%- set oldest = "cast('1900-01-01 00:00:00+00' as timestamp with time zone)" -%}
    {%- if execute and model.resource_type != 'unit_test' -%}
        ({{ newest_literal(column, relation) or oldest }} - {{ overlap }})
    {%- else -%}
    (
        select
            coalesce(max({{ column }}), {{ oldest }}) - {{ overlap }}
        from {{ relation }}
    )
    {%- endif -%}
{%- endmacro %}

{#- `max(column)` of `relation`, read now, as a SQL timestamp literal; none when the
    relation is empty. For a planner that sizes a range from statistics, which it cannot
    do against a subquery's result (`incremental_cutoff`, the nightly tests' window). -#}
{% macro newest_literal(column, relation) -%}
    {%- set newest = run_query('select max(' ~ column ~ ') from ' ~ relation).columns[0].values()[0] -%}
    {%- if newest is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("cast('" ~ newest.isoformat() ~ "' as timestamp with time zone)") }}
{%- endmacro %}

{#- The column a night's rows of `node` (a model or snapshot of the graph) are found by:
    `updated_at`, else `loaded_at` (a staging table's dlt load), else none. Read by the
    nightly data tests' window and by the night's `analyze` (macros/statistics.sql). -#}
{% macro night_column(node) -%}
    {{ return(['updated_at', 'loaded_at'] | select('in', node.columns) | first) }}
{%- endmacro %}

{#- Installations of Data ES with an equipment landed at or past the model's cutoff of
    `loaded_at` (`installation_id`): the staging aggregates re-aggregate them from all of
    their equipments. Incremental runs only. -#}
{% macro relanded_installations() -%}
    select distinct installation_id from {{ ref('stg_data_es__equipments') }}
    where loaded_at >= {{ incremental_cutoff('loaded_at') }}
{%- endmacro %}

{#- Rows of the latest dbt snapshot version of `snapshot_identifier` whose key no longer
    comes from the sources, as inactive tombstones. Used on a full refresh of a mart whose
    raw rows can disappear (a race removed from its event): the rebuilt mart keeps the
    same content as the incremental one. Nothing on the very first build. -#}
{% macro snapshot_tombstones(snapshot_identifier, columns, unique_key, current_relation) -%}
    {%- if execute -%}
        {%- set history = adapter.get_relation(
            database=this.database,
            schema=generate_schema_name('snapshots', none),
            identifier=snapshot_identifier) -%}
        {%- if history is not none %}
    union all
    select
        {%- for column in columns %}
        {{ 'false' if column == 'is_active' else 'history.' ~ column }} as {{ column }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ history }} as history
    where
        history.dbt_valid_to is null
        and not exists (
            select 1 from {{ current_relation }} as current_rows
            where current_rows.{{ unique_key }} = history.{{ unique_key }}
        )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The later of two load times: `candidate` when it is later than `other`, else `other`
    (also when `candidate` is null). A row's `updated_at` is the latest load of what it is
    built from. -#}
{% macro later_of(candidate, other) -%}
    case
        when {{ candidate }} > {{ other }} then {{ candidate }}
        else {{ other }}
    end
{%- endmacro %}

{#- The rows of `relation` this run reads: all of them on a full build, those at or past
    the incremental cutoff of `column` on an incremental one. -#}
{% macro incremental_batch(relation, column='updated_at', columns='*') -%}
    select {{ columns }} from {{ relation }}
    {%- if is_incremental() %}
    where {{ column }} >= {{ incremental_cutoff(column) }}
    {%- endif %}
{%- endmacro %}

{#- The POIs (`poi_id`) with a row of one of `relations` updated at or past the model's
    cutoff: a night's batch, when a model's rows are built from several relations keyed
    by POI. Incremental runs only. -#}
{% macro pois_updated_in(relations) -%}
    {%- for relation in relations %}
    select poi_id from {{ relation }}
    where updated_at >= {{ incremental_cutoff('updated_at') }}
    {{- '\n    union' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- POIs (re-)landed at or past the mart's cutoff (`poi_id`, `updated_at`): a mart whose rows
    hang off a POI re-reads what hangs off these. Incremental runs only. -#}
{% macro relanded_pois() -%}
    select
        poi_id,
        updated_at
    from {{ ref('int_pois_cleaned') }}
    where updated_at >= {{ incremental_cutoff('updated_at') }}
{%- endmacro %}

{#- The cleaned POIs a run rebuilds from: all of them on a full build; on an incremental one,
    those re-landed at or past the cutoff, or with a row of `landed` (a relation or CTE with
    `source`, the POI's id as `original_id`, and `loaded_at`) re-landed at or past it. -#}
{% macro pois_landed_with(landed, original_id='original_id') -%}
    select pois.* from {{ ref('int_pois_cleaned') }} as pois
    {%- if is_incremental() %}
    inner join (
        select
            source,
            {{ original_id }} as original_id
        from {{ landed }}
        where loaded_at >= {{ incremental_cutoff('updated_at') }}
        union
        select
            source,
            original_id
        from {{ ref('int_pois_cleaned') }}
        where updated_at >= {{ incremental_cutoff('updated_at') }}
    ) as relanded
        on
            pois.source = relanded.source
            and pois.original_id = relanded.original_id
    {%- endif %}
{%- endmacro %}

{#- One row with a null `key` for each POI of `pois` (a CTE with `poi_id`, `updated_at`)
    that has no row left in `rows`: the incremental delete+insert on `poi_id` then removes
    the POI's old rows, and the model's post-hook deletes the placeholder. `columns` are
    null, cast to `types[column]` or `default_type` when given. -#}
{% macro placeholder_rows(pois, rows, key, columns, types={}, default_type=none) -%}
    select
        cast(null as text) as {{ key }},
        {{ pois }}.poi_id,
        {%- for column in columns %}
            {%- set data_type = types.get(column, default_type) %}
        {{ 'cast(null as ' ~ data_type ~ ')' if data_type else 'null' }} as {{ column }},
        {%- endfor %}
        {{ pois }}.updated_at
    from {{ pois }}
    where not exists (
        select 1 from {{ rows }}
        where {{ rows }}.poi_id = {{ pois }}.poi_id
    )
{%- endmacro %}

{#- `column` is one of the keys that `keys_sql` (a select of one column) returns, as a
    condition. On DuckDB the keys are read when the model compiles and written as a literal
    list (up to `max_keys`): DuckDB filters on a literal list inside the table scan and
    reads the other columns only for the rows it keeps, where `in (select ...)` (or a long
    `in (...)` list) becomes a join that reads every column of every row first. For 46 of
    the 234,000 cleaned POIs: 0.06 s against 0.46 s (bench/BASELINE.md). On Postgres (a
    row store), in a unit test, or with more keys: `column in (keys_sql)`. -#}
{% macro in_keys(column, keys_sql, max_keys=1000) -%}
    {%- if execute and target.type == 'duckdb' and model.resource_type != 'unit_test' -%}
        {%- set keys = run_query(keys_sql ~ '\nlimit ' ~ (max_keys + 1)).columns[0].values() -%}
        {%- if keys | length == 0 -%}
            {{ return('false') }}
        {%- elif keys | length <= max_keys -%}
            {%- set quoted = keys | map('string') | map('replace', "'", "''") | join("', '") -%}
            {{ return("list_contains(['" ~ quoted ~ "'], " ~ column ~ ')') }}
        {%- endif -%}
    {%- endif -%}
    {{ return(column ~ ' in (' ~ keys_sql ~ ')') }}
{%- endmacro %}
