{{ config(alias='EVENTS', unique_key='client_id', incremental_strategy='client_tails', post_hook="{{ record_tails_consumed() }}") }}
-- depends_on: {{ ref('int_log_tails') }}
{{ select_events(tail_rows(ref('logs'))) }}
