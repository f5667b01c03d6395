{{ config(alias='PURCHASES', unique_key='client_id', incremental_strategy='client_tails') }}
{# One row per transaction (EVENTS.LOGS keeps the first hit of each transaction id). #}
{{ with_rebuild_from(select_purchases(rebuilt_logs())) }}
