{{ config(alias='PAGEVIEWS', unique_key='client_id', incremental_strategy='client_tails') }}
{{ with_rebuild_from(select_pageviews(rebuilt_logs())) }}
