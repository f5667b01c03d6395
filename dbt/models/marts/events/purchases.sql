{{ config(
    alias='PURCHASES',
    incremental_strategy='client_tails',
    post_hook="{{ record_tails_consumed() }}",
) }}
-- depends_on: {{ ref('int_log_tails') }}
{#
  EVENTS.PURCHASES: one row per transaction (EVENTS.LOGS keeps the first hit of each transaction id). An incremental run rebuilds the tails of
  EVENTS.LOGS made since this model last ran; EVENTS_LIVE.PURCHASES makes the same rows (select_purchases).
#}
with

logs as (

    select * from {{ tail_rows(ref('logs')) }} logs

),

purchases as (

    {{ select_purchases('logs') }}

)

select * from purchases
