{{ config(alias='EVENTS', unique_key='client_id', incremental_strategy='client_tails') }}
{{ with_rebuild_from(select_events(rebuilt_logs())) }}
