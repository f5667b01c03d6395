{{ config(
    alias='EVENTS',
    incremental_strategy='client_tails',
    post_hook="{{ record_tails_consumed() }}",
) }}
-- depends_on: {{ ref('int_log_tails') }}
{#
  EVENTS.EVENTS: one row per event hit (`t=event`) with a category (`ec`). An incremental run rebuilds the tails of
  EVENTS.LOGS made since this model last ran; EVENTS_LIVE.EVENTS makes the same rows (select_events).
#}
with

logs as (

    select * from {{ tail_rows(ref('logs')) }} logs

),

events as (

    {{ select_events('logs') }}

)

select * from events
