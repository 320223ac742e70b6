-- sqlfluff:ignore:templating
{#- (sqlfluff's jinja templater does not know snapshot blocks.) Configured in
    _snapshots.yml. Only the POIs re-landed since the last build are compared. -#}
{% snapshot poi_snapshot %}
    {{ snapshot_batch(ref('poi')) }}
{% endsnapshot %}
