{{ config(alias='PURCHASES', unique_key='client_id', incremental_strategy='client_tails', post_hook="{{ record_tails_consumed() }}") }}
-- depends_on: {{ ref('int_log_tails') }}
{# One row per transaction (EVENTS.LOGS keeps the first hit of each transaction id). #}
{{ select_purchases(tail_rows(ref('logs'))) }}
