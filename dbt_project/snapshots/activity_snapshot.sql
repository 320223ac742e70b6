-- sqlfluff:ignore:templating
{#- (sqlfluff's jinja templater does not know snapshot blocks.) Configured in
    _snapshots.yml. Only the activities re-landed since the last build are compared. -#}
{% snapshot activity_snapshot %}
    {{ snapshot_batch(ref('activity')) }}
{% endsnapshot %}
